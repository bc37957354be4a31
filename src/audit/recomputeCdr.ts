import {
  callGroups,
  callKeyOf,
  type HistoryEvent,
  type RecordedCallReader,
  redecideCalls,
} from '../app/redecidedHistory.js';
import { billedSessionOf, cdrPriceOf } from '../domain/billing/billSession.js';
import type { CdrPrice } from '../domain/billing/cdrEvents.js';
import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { sessionFromLog } from '../domain/charger/transactions/sessionRecord.js';
import type { Flag } from '../policies/energyReconciliation.js';
import type { ExportEntry, Redecision, SessionBundle } from './sessionExport.js';

/** A CDR as the bundle carries it (the cdrs read model's row). */
interface BundledCdr {
  id: string;
  credit: boolean;
  status: string;
  energy_wh: number | string;
  charging_seconds: number | string | null;
  idle_seconds: number | string | null;
  flags: Flag[];
  cost: Pick<CdrPrice, 'energy' | 'time' | 'parkingTime' | 'flat' | 'total'>;
}

export interface Recomputation {
  /** what the bundle's own facts give that its CDR does not say */
  problems: string[];
  /** what was recomputed and compared, in words; undefined when there was nothing to compare */
  summary?: string;
}

const DIMENSIONS = ['energy', 'time', 'parkingTime', 'flat', 'total'] as const;
const codesOf = (flags: readonly Flag[]) => [...new Set(flags.map((flag) => flag.code))].sort().join(', ');

/**
 * The session's CDR recomputed from the bundle alone (issue 17). A /3 bundle's calls are decided
 * again from their frames (read by `readCall`, the version edge's) by the decider, over the state
 * and with the tokens the bundle says they were decided with; a /2 bundle's recorded events are
 * taken as they are. Either is folded by the same pure fold the sessions read model and the CDR
 * issuer use, priced by the one pricing function with the terms the bundle names, and compared
 * with the CDR in force: energy, charging and idle time, flags, and each dimension's cost. A /1
 * bundle carries no terms: nothing is recomputed.
 */
export async function recomputeCdr(
  bundle: SessionBundle,
  readCall: RecordedCallReader,
): Promise<Recomputation> {
  if (!bundle.pricing) return { problems: [] };
  const session = bundle.session as { chargerId: string; transactionId: string };
  const cdr = (bundle.cdrs as BundledCdr[]).filter((row) => !row.credit && row.status !== 'credited').at(-1);
  if (!cdr) return { problems: [], summary: 'no CDR in force to recompute' };
  const pricing = bundle.pricing.find((entry) => entry.cdrId === cdr.id);
  if (!pricing) return { problems: [`the bundle names no terms for CDR ${cdr.id}`] };
  const fromFrames = bundle.redecision ? await redecided(bundle, bundle.redecision, readCall) : undefined;
  const folded = sessionFromLog(
    session.chargerId,
    String(session.transactionId),
    fromFrames?.events ??
      bundle.entries.map((entry) => ({
        event: { type: entry.type, data: entry.data } as ChargingEvent,
        place: { revision: BigInt(entry.revision), receivedAt: entry.receivedAt },
      })),
  );
  const billed = folded && billedSessionOf(folded);
  if (!folded || !billed) return { problems: ["the bundle's events do not make a stopped session"] };
  const price = cdrPriceOf(folded, undefined, pricing.terms);
  const problems: string[] = [];
  const differs = (what: string, recomputed: unknown, stated: unknown) => {
    if (recomputed !== stated) problems.push(`${what}: recomputed ${recomputed}, the CDR says ${stated}`);
  };
  const number = (value: number | string | null) => (value === null ? 0 : Number(value));
  differs('energy (Wh)', billed.energyWh, number(cdr.energy_wh));
  differs('charging time (s)', billed.chargingSeconds, number(cdr.charging_seconds));
  differs('idle time (s)', billed.idleSeconds, number(cdr.idle_seconds));
  differs('flags', codesOf(billed.flags), codesOf(cdr.flags));
  for (const dimension of DIMENSIONS) {
    differs(`${dimension} excl. VAT`, price[dimension].excl_vat, cdr.cost[dimension].excl_vat);
    differs(`${dimension} incl. VAT`, price[dimension].incl_vat, cdr.cost[dimension].incl_vat);
  }
  return {
    problems,
    summary:
      `CDR ${cdr.id} recomputed from the bundle${fromFrames ? `'s frames (${fromFrames.redecided} calls decided again)` : ''}: ` +
      `${billed.energyWh} Wh, ${billed.chargingSeconds} s charging, ` +
      `${billed.idleSeconds} s idle, ${price.total.incl_vat} ${price.currency} incl. VAT`,
  };
}

/** An export's entries as a redecision reads them: a call's events share its message id and receipt. */
export const historyOfEntries = (entries: readonly ExportEntry[]): HistoryEvent[] =>
  entries.map((entry) => {
    const call = callKeyOf(entry.ocpp, entry.receivedAt);
    return {
      revision: BigInt(entry.revision),
      type: entry.type,
      data: entry.data,
      receivedAt: entry.receivedAt,
      ...(entry.ocpp !== undefined ? { ocpp: entry.ocpp } : {}),
      ...(call !== undefined ? { call } : {}),
    };
  });

/** The bundle's calls decided again from their frames, over the state and tokens it names. */
async function redecided(bundle: SessionBundle, redecision: Redecision, readCall: RecordedCallReader) {
  const tokens = new Map(redecision.tokens.map(({ revision, token }) => [revision, token ?? undefined]));
  const session = bundle.session as { chargerId: string };
  return redecideCalls(callGroups(historyOfEntries(bundle.entries)), {
    state: redecision.stateBefore,
    readCall,
    tokenAt: async (_idTag, _receivedAt, revision) => tokens.get(revision.toString()),
    chargerId: session.chargerId,
    fromRevision: 0n,
    heartbeatIntervalSeconds: redecision.heartbeatIntervalSeconds,
  });
}
