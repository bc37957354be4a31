import type { IdTokenType } from '../../tokens/tokenEvents.js';

/** What a local list lets a charger decide alone about one tag. */
export interface LocalListGrant {
  /** Accepted in every list we send; a list sent by hand may say otherwise */
  status: string;
  expiryDate?: string;
  parentIdTag?: string;
}

/** One entry of a local authorization list; without a grant it removes the tag (Differential). */
export interface LocalListEntry {
  idTag: string;
  /** how chargers identify it (2.x lists name a type; 1.6 lists do not) */
  tokenType?: IdTokenType;
  grant?: LocalListGrant;
}

/** The list we last saw a charger accept, as the local_lists read model keeps it. */
export interface KnownLocalList {
  listVersion: number;
  entries: readonly LocalListEntry[];
}

/** What to send a charger so that its list matches the tokens it should hold. */
export type LocalListPlan =
  | { kind: 'not_supported' }
  | { kind: 'up_to_date'; listVersion: number }
  | {
      kind: 'send';
      updateType: 'Full' | 'Differential';
      listVersion: number;
      entries: LocalListEntry[];
    };

const sameEntry = (a: LocalListEntry, b: LocalListEntry) =>
  JSON.stringify(a.grant ?? null) === JSON.stringify(b.grant ?? null);

/**
 * Decides the SendLocalList for a charger: Differential (only what changed) when the version the
 * charger holds is one whose contents we know, Full otherwise; nothing when it already holds the
 * wanted list. Versions only go up, past anything either side has seen.
 */
export function planLocalList(input: {
  /** what the charger answered GetLocalListVersion: −1 = no local list support, 0 = empty */
  heldVersion: number;
  known: KnownLocalList | undefined;
  wanted: readonly LocalListEntry[];
  /** after a VersionMismatch, or on request: send everything */
  forceFull?: boolean;
}): LocalListPlan {
  const { heldVersion, known, wanted } = input;
  if (heldVersion < 0) return { kind: 'not_supported' };
  // version 0 is the empty list, whoever sent it
  if (heldVersion === 0 && wanted.length === 0 && !input.forceFull)
    return { kind: 'up_to_date', listVersion: 0 };
  const listVersion = Math.max(heldVersion, known?.listVersion ?? 0) + 1;
  const trusted = !input.forceFull && known !== undefined && known.listVersion === heldVersion;
  if (!trusted) return { kind: 'send', updateType: 'Full', listVersion, entries: [...wanted] };

  const held = new Map(known.entries.map((entry) => [entry.idTag.toLowerCase(), entry]));
  const changes: LocalListEntry[] = [];
  for (const entry of wanted) {
    const before = held.get(entry.idTag.toLowerCase());
    held.delete(entry.idTag.toLowerCase());
    if (!before || !sameEntry(before, entry)) changes.push(entry);
  }
  for (const gone of held.values()) changes.push({ idTag: gone.idTag });
  if (changes.length === 0) return { kind: 'up_to_date', listVersion: heldVersion };
  return { kind: 'send', updateType: 'Differential', listVersion, entries: changes };
}

/** One SendLocalList of a plan. */
export type LocalListMessage = Extract<LocalListPlan, { kind: 'send' }>;

/**
 * A plan as the messages a charger takes: no more entries in one than it says it accepts per
 * message (1.6 `SendLocalListMaxLength`, 2.x `LocalAuthListCtrlr.ItemsPerMessage`). The first keeps
 * the plan's update type; the rest are Differentials that add to it, each one version up, so that
 * every accepted message leaves a version whose contents we know, and a sync cut short resumes
 * with a Differential from there.
 */
export function inMessages(
  plan: LocalListMessage,
  maxEntriesPerMessage: number | undefined,
): LocalListMessage[] {
  const max = maxEntriesPerMessage && maxEntriesPerMessage > 0 ? Math.floor(maxEntriesPerMessage) : undefined;
  if (max === undefined || plan.entries.length <= max) return [plan];
  const messages: LocalListMessage[] = [];
  for (let from = 0; from < plan.entries.length; from += max) {
    messages.push({
      kind: 'send',
      updateType: from === 0 ? plan.updateType : 'Differential',
      listVersion: plan.listVersion + messages.length,
      entries: plan.entries.slice(from, from + max),
    });
  }
  return messages;
}
