import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import { sessionFromLog } from '../domain/charger/transactions/sessionRecord.js';
import { receivedAtOf } from '../domain/eventMetadata.js';
import type { EventStore, ExpectedRevision, RecordedEvent } from '../store/eventStore.js';
import { costToShow, type SessionPricer } from './sessionPricer.js';

/** how many of a charger's events are read back at a time, looking for a session's start */
const PAGE = 500;
/** a session longer than this many events is not priced at its stop (its CDR still is) */
const MOST_EVENTS_READ = 20_000;

/**
 * A session's cost in all as its stop is decided, for chargers that show it to the driver
 * (issue 17: 2.x TransactionEventResponse.totalCost): the session folded from its charger's log,
 * from its start to the events just decided, priced by the one pricing function as its CDR will
 * be. Undefined when the events decided stop no session, its start is not found, or no tariff
 * prices it (none published for it, and the configured one at 0).
 */
export class SessionCostAtStop {
  constructor(
    private readonly store: EventStore,
    private readonly pricer: SessionPricer,
  ) {}

  async totalCost(
    chargerId: string,
    /** the charger stream's revision the decision was made on */
    revision: ExpectedRevision,
    decided: readonly ChargingEvent[],
    receivedAt: string,
  ): Promise<number | undefined> {
    const stop = decided.find((event) => event.type === 'TransactionStopped');
    if (!stop || typeof revision !== 'bigint') return undefined;
    const key = stop.data.transactionKey;
    const since = await this.sinceStartOf(chargerId, key, revision);
    if (!since) return undefined;
    const session = sessionFromLog(chargerId, key, [
      ...since.map((event) => ({
        event: { type: event.type, data: event.data } as ChargingEvent,
        place: { revision: event.revision, receivedAt: receivedAtOf(event) },
      })),
      ...decided.map((event, index) => ({
        event,
        place: { revision: revision + 1n + BigInt(index), receivedAt },
      })),
    ]);
    if (!session) return undefined;
    const [price] = await this.pricer.pricesOf([session], Date.parse(receivedAt));
    return costToShow(price);
  }

  /** The charger's events from the session's start up to `revision`, oldest first. */
  private async sinceStartOf(
    chargerId: string,
    key: string,
    revision: bigint,
  ): Promise<RecordedEvent[] | undefined> {
    const read: RecordedEvent[] = [];
    let from = revision;
    while (from >= 0n && read.length < MOST_EVENTS_READ) {
      const page = await this.store.readStream(chargerStream(chargerId), {
        direction: 'backwards',
        fromRevision: from,
        maxCount: PAGE,
      });
      for (const event of page) {
        read.push(event);
        if (
          event.type === 'TransactionStarted' &&
          (event.data as { transactionKey?: string }).transactionKey === key
        )
          return read.reverse();
      }
      if (page.length < PAGE) return undefined;
      from = page.at(-1)!.revision - 1n;
    }
    return undefined;
  }
}
