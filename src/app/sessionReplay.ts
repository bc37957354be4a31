import { billedSessionOf, cdrPriceOf } from '../domain/billing/billSession.js';
import { CDR_EVENT_TYPES, type CdrEvent, type CdrPrice, cdrStream } from '../domain/billing/cdrEvents.js';
import { cdrHistoryWith, NO_CDR } from '../domain/billing/decideCdr.js';
import { type ChosenTariff, chooseTariff } from '../domain/billing/tariffChoice.js';
import { TARIFF_EVENT_TYPES, type TariffEvent, tariffStream } from '../domain/billing/tariffEvents.js';
import { evolveTariff, type Tariff } from '../domain/billing/tariffs.js';
import type { TariffTerms } from '../domain/billing/tariffTerms.js';
import type { EventStore } from '../store/eventStore.js';
import { foldStream } from './decideLoop.js';
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
  /** the CDR in force, as issued; null: none issued yet */
  issued: (BilledFigures & { cdrId: string }) | null;
  replayed: BilledFigures;
  /** each figure that differs: what, as issued, as replayed (none: the replay agrees) */
  differences: Array<{ what: string; issued: unknown; replayed: unknown }>;
}

export type ReplayRefusal = { refused: 'not_stopped' | 'unknown_tariff'; reason: string };

const DIMENSIONS = ['energy', 'time', 'parkingTime', 'flat', 'total'] as const;
const codesOf = (flags: ReadonlyArray<{ code: string }>) =>
  [...new Set(flags.map((flag) => flag.code))].sort();

/**
 * A settled session replayed from the log (issue 17's what-if): its events folded again by the
 * one session fold under today's reconciliation policy, priced by the one pricing function
 * under the tariff version asked for (default: the one its CDR names, else the one that would be
 * chosen now), and compared with the CDR in force, figure by figure. Writes nothing.
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
): Promise<SessionReplay | ReplayRefusal> {
  const folded = await sessionFromStore(store, session);
  const billed = folded && billedSessionOf(folded);
  if (!folded || !billed)
    return { refused: 'not_stopped', reason: `session ${session.id} has not stopped: nothing to bill yet` };

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
    if (!version || published?.tenant !== billed.tenant)
      return { refused: 'unknown_tariff', reason: `no tariff ${wanted.id} version ${wanted.version}` };
    chosen = { tariffId: wanted.id, version };
  } else if (!current) {
    chosen = chooseTariff(await new TariffBook(store).current(), {
      tenant: billed.tenant,
      chargerId: billed.chargerId,
      ...(billed.tokenGroup ? { tokenGroup: billed.tokenGroup } : {}),
      startedAt: billed.startTime,
    });
  }
  const replayed: BilledFigures = {
    energyWh: billed.energyWh,
    chargingSeconds: billed.chargingSeconds,
    idleSeconds: billed.idleSeconds,
    flags: codesOf(billed.flags),
    price: cdrPriceOf(folded, chosen, configuredTerms),
  };
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
  if (issued) {
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
  return { sessionId: session.id, issued, replayed, differences };
}
