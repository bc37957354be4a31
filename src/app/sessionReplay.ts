import { billedSessionOf, cdrPriceOf, pricingOf } from '../domain/billing/billSession.js';
import { CDR_EVENT_TYPES, type CdrEvent, type CdrPrice, cdrStream } from '../domain/billing/cdrEvents.js';
import { cdrHistoryWith, NO_CDR } from '../domain/billing/decideCdr.js';
import { type ChosenTariff, chooseTariff } from '../domain/billing/tariffChoice.js';
import { TARIFF_EVENT_TYPES, type TariffEvent, tariffStream } from '../domain/billing/tariffEvents.js';
import { evolveTariff, type Tariff } from '../domain/billing/tariffs.js';
import type { TariffTerms } from '../domain/billing/tariffTerms.js';
import { type SessionRecord, sessionFromLog } from '../domain/charger/transactions/sessionRecord.js';
import type { EventStore } from '../store/eventStore.js';
import { foldStream } from './decideLoop.js';
import { type RecordedCallReader, redecideChargerHistory } from './redecidedHistory.js';
import { sessionFromStore } from './sessionFromStore.js';
import { TariffBook } from './tariffBook.js';

/** The facts and money of a session, as issued or as replayed. */
export interface BilledFigures {
  energyWh: number;
  chargingSeconds: number;
  idleSeconds: number;
  flags: string[];
  price: CdrPrice;
}

export interface SessionReplay {
  sessionId: string;
  /** the policies the replay ran again, and from what: the recorded events, or the raw frames */
  policies: {
    rerun: ReplayPolicy[];
    from: 'events' | 'frames';
    callsRedecided?: number;
    eventsRead?: number;
  };
  /** the CDR in force, as issued; null: none issued yet */
  issued: (BilledFigures & { cdrId: string }) | null;
  /** null: decided again from its frames, the session does not start, or does not stop */
  replayed: BilledFigures | null;
  /** each figure that differs: what, as issued, as replayed (none: the replay agrees) */
  differences: Array<{ what: string; issued: unknown; replayed: unknown }>;
}

export type ReplayRefusal = { refused: 'not_stopped' | 'unknown_tariff'; reason: string };

/** The policies a replay can run again. Reconciliation folds the recorded events again; the rest are decided when a frame arrives, so naming any of them decides every call again from its frame. */
export const REPLAY_POLICIES = ['reconciliation', 'dedup', 'clock_skew', 'quirks'] as const;
export type ReplayPolicy = (typeof REPLAY_POLICIES)[number];
const DECIDE_TIME_POLICIES: readonly ReplayPolicy[] = ['dedup', 'clock_skew', 'quirks'];

/**
 * The policies a comma-separated list names (none: all of them), or the names it does not know.
 */
export function replayPoliciesOf(
  list: string | undefined,
): { policies: ReplayPolicy[] } | { unknown: string[] } {
  const names = (list ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(REPLAY_POLICIES as readonly string[]).includes(name));
  if (unknown.length > 0) return { unknown };
  return { policies: names.length === 0 ? [...REPLAY_POLICIES] : (names as ReplayPolicy[]) };
}

/** What a replay from the frames needs: the version edge's reader of recorded calls, and the configured heartbeat. */
export interface FrameReplay {
  readCall: RecordedCallReader;
  heartbeatIntervalSeconds: number;
}

const DIMENSIONS = ['energy', 'time', 'parkingTime', 'flat', 'total'] as const;
const codesOf = (flags: ReadonlyArray<{ code: string }>) =>
  [...new Set(flags.map((flag) => flag.code))].sort();

/**
 * A settled session replayed from the log (issue 17's what-if), priced by the one pricing
 * function under the tariff version asked for (default: the one its CDR names, else the one that
 * would be chosen now), and compared with the CDR in force, figure by figure. Writes nothing.
 * With `reconciliation` alone, its recorded events are folded again by the one session fold
 * under today's reconciliation policy. With dedup, clock skew or quirks (the default: all of
 * them), its charger's calls are decided again from their raw frames by today's decider
 * (redecideChargerHistory) and the session folded from what that decides.
 */
export async function replaySession(
  store: EventStore,
  configuredTerms: TariffTerms,
  session: {
    id: string;
    chargerId: string;
    transactionKey: string;
    firstRevision: bigint;
    lastRevision: bigint;
  },
  tariff?: { id: string; version: number },
  policies: readonly ReplayPolicy[] = REPLAY_POLICIES,
  frames?: FrameReplay,
): Promise<SessionReplay | ReplayRefusal> {
  const recorded = await sessionFromStore(store, session);
  const recordedBill = recorded && billedSessionOf(recorded);
  if (!recorded || !recordedBill)
    return { refused: 'not_stopped', reason: `session ${session.id} has not stopped: nothing to bill yet` };
  const fromFrames = frames !== undefined && policies.some((policy) => DECIDE_TIME_POLICIES.includes(policy));
  let folded: SessionRecord | undefined = recorded;
  let ran: SessionReplay['policies'] = { rerun: ['reconciliation'], from: 'events' };
  if (fromFrames) {
    const history = await redecideChargerHistory(store, frames.readCall, {
      chargerId: session.chargerId,
      fromRevision: session.firstRevision,
      untilRevision: session.lastRevision,
      heartbeatIntervalSeconds: frames.heartbeatIntervalSeconds,
    });
    folded = sessionFromLog(session.chargerId, session.transactionKey, history.events);
    ran = {
      rerun: [...REPLAY_POLICIES],
      from: 'frames',
      callsRedecided: history.redecided,
      eventsRead: history.read,
    };
  }
  const billed = folded && billedSessionOf(folded);
  // the tariff is chosen for the session as the log has it
  const { tenant } = recordedBill;

  const { state: history } = await foldStream<typeof NO_CDR, CdrEvent>(
    store,
    cdrStream(session.id),
    CDR_EVENT_TYPES,
    cdrHistoryWith,
    { state: NO_CDR, revision: 'no_stream' },
  );
  const current = history.current;
  const wanted = tariff ?? current?.price.tariff ?? undefined;
  let chosen: ChosenTariff | undefined;
  if (wanted) {
    const { state: published } = await foldStream<Tariff | undefined, TariffEvent>(
      store,
      tariffStream(wanted.id),
      TARIFF_EVENT_TYPES,
      evolveTariff,
      { state: undefined, revision: 'no_stream' },
    );
    const version = published?.versions.find((candidate) => candidate.version === wanted.version);
    if (!version || published?.tenant !== tenant)
      return { refused: 'unknown_tariff', reason: `no tariff ${wanted.id} version ${wanted.version}` };
    chosen = { tariffId: wanted.id, version };
  } else if (!current) {
    chosen = chooseTariff(await new TariffBook(store).current(), pricingOf(recorded));
  }
  const replayed: BilledFigures | null =
    folded && billed
      ? {
          energyWh: billed.energyWh,
          chargingSeconds: billed.chargingSeconds,
          idleSeconds: billed.idleSeconds,
          flags: codesOf(billed.flags),
          price: cdrPriceOf(folded, chosen, configuredTerms),
        }
      : null;
  const issued = current
    ? {
        cdrId: current.cdrId,
        energyWh: current.energyWh,
        chargingSeconds: current.chargingSeconds,
        idleSeconds: current.idleSeconds,
        flags: codesOf(current.flags),
        price: current.price,
      }
    : null;
  const differences: SessionReplay['differences'] = [];
  if (issued && !replayed) {
    differences.push({
      what: 'session',
      issued: 'stopped',
      replayed: folded ? 'not stopped' : 'not started (its start is decided otherwise)',
    });
  } else if (issued && replayed) {
    const compare = (what: string, was: unknown, now: unknown) => {
      if (JSON.stringify(was) !== JSON.stringify(now)) differences.push({ what, issued: was, replayed: now });
    };
    compare('energyWh', issued.energyWh, replayed.energyWh);
    compare('chargingSeconds', issued.chargingSeconds, replayed.chargingSeconds);
    compare('idleSeconds', issued.idleSeconds, replayed.idleSeconds);
    compare('flags', issued.flags, replayed.flags);
    compare('tariff', issued.price.tariff, replayed.price.tariff);
    for (const dimension of DIMENSIONS)
      compare(`cost.${dimension}`, issued.price[dimension], replayed.price[dimension]);
  }
  return { sessionId: session.id, policies: ran, issued, replayed, differences };
}
