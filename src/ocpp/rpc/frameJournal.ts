import type { OcppVersion } from '../versions.js';

/** Every frame in and out of a charger connection, exactly as sent or received (ARCHITECTURE §3). */
export interface JournalEntry {
  direction: 'in' | 'out';
  text: string;
  at: Date;
  identity: string;
  connectionId: string;
  version: OcppVersion;
  /** set for a received frame that could not be used, with why (and the code answered, if any) */
  rejected?: { reason: string; answeredWith?: string };
  /** set for a received answer (CALLRESULT, CALLERROR) that matches no call of ours */
  unmatched?: { reason: string };
}

/** Where the gateway hands every frame so that the domain can record it. */
export interface FrameJournal {
  record(entry: JournalEntry): void;
}

export const discardingJournal: FrameJournal = { record() {} };

/** The frames of one of our calls, as far as it got: filled in by the connection as they pass. */
export interface CallTrace {
  messageId?: string;
  sent?: { text: string; at: Date };
  answer?: { text: string; at: Date };
}
