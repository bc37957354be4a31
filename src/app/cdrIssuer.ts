import { billedSessionOf, cdrPriceOf, pricingOf } from '../domain/billing/billSession.js';
import { CDR_EVENT_TYPES, type CdrEvent, cdrStream } from '../domain/billing/cdrEvents.js';
import { type CdrHistory, cdrHistoryWith, decideCdr, NO_CDR } from '../domain/billing/decideCdr.js';
import { chooseTariff } from '../domain/billing/tariffChoice.js';
import type { TariffTerms } from '../domain/billing/tariffTerms.js';
import { connectorPlaceOf } from '../domain/locations/locations.js';
import type { EventStore } from '../store/eventStore.js';
import { decideOnStream, foldStream } from './decideLoop.js';
import type { LocationBook } from './locationBook.js';
import { sessionFromStore } from './sessionFromStore.js';
import type { TariffBook } from './tariffBook.js';

/** how many candidates are read at a time */
const CANDIDATES_PAGE = 200;

/** A stopped session that may want a CDR: where its events lie in its charger's stream. */
export interface CdrCandidate {
  sessionId: string;
  chargerId: string;
  transactionKey: string;
  firstRevision: bigint;
  lastRevision: bigint;
  /** where its row last changed (the read model's order), and when it stopped (server time) */
  changedPosition: string;
  stoppedAt: Date;
}

/**
 * Issues CDRs (ARCHITECTURE §3, billing): once a session has stopped and CDR_SETTLE has passed
 * for late samples, its CDR goes into cdr-{sessionId}; when its facts change later, a credit and
 * a new CDR. The facts come from the charger's log, folded as the sessions read model folds
 * them, and the tariffs from the log too; the read model only says which sessions to look at
 * (it may lag, and that only delays). The CDR stream's revision makes each decision once.
 */
export class CdrIssuer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  /**
   * sessions decided at a revision that changed nothing while one before them waited to settle:
   * not read again until they change, and forgotten once the cursor passes them
   */
  private readonly unchangedAt = new Map<string, { revision: bigint; position: string }>();
  /** the read model's order up to which every candidate was decided */
  private cursor: string | undefined;

  constructor(
    private readonly options: {
      store: EventStore;
      tariffs: TariffBook;
      /** where chargers stand: a CDR keeps its connector's place */
      locations: LocationBook;
      /** the configured flat tariff, for sessions no published tariff is for */
      configuredTerms: TariffTerms;
      /**
       * stopped sessions whose rows changed after `after`, in that order, whose CDR may be missing
       * or out of date (leaving out those `decided` unchanged at their revision)
       */
      candidates(
        after: string | undefined,
        decided: ReadonlyMap<string, bigint>,
        limit: number,
      ): Promise<CdrCandidate[]>;
      settleSeconds: number;
      clock: () => Date;
      logger: { warn(detail: object, message?: string): void; info(detail: object, message?: string): void };
      intervalMs?: number;
    },
  ) {}

  /**
   * Decides every candidate once; resolves with how many CDR events it appended. `settleSeconds`:
   * another settling time for this sweep (0: every stopped session), for whoever issues on request.
   */
  async sweep(options: { settleSeconds?: number } = {}): Promise<number> {
    // a sweep asked for while one runs waits for it, then runs itself: it sees what was written before it
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.issuePending(options.settleSeconds ?? this.options.settleSeconds).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    const tick = () => {
      if (this.running) return;
      void this.sweep().catch((error) => this.options.logger.warn({ err: error }, 'could not issue CDRs'));
    };
    // a tenth of the settling time, between half a second and five: a CDR comes soon after it may
    const every = this.options.intervalMs ?? Math.min(5_000, Math.max(500, this.options.settleSeconds * 100));
    this.timer = setInterval(tick, every);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async issuePending(settleSeconds: number): Promise<number> {
    const { clock } = this.options;
    const settledBefore = clock().getTime() - settleSeconds * 1_000;
    let tariffs: Awaited<ReturnType<TariffBook['current']>> | undefined;
    let appended = 0;
    // the cursor moves over decided candidates only: one waiting to settle is read again next time
    let waiting = false;
    // page by page from the cursor, so those waiting at the head do not hide the settled after them
    for (let after = this.cursor; ; ) {
      const decided = new Map([...this.unchangedAt].map(([id, { revision }]) => [id, revision]));
      const candidates = await this.options.candidates(after, decided, CANDIDATES_PAGE);
      for (const candidate of candidates) {
        if (candidate.stoppedAt.getTime() > settledBefore) {
          waiting = true;
          continue;
        }
        tariffs ??= await this.options.tariffs.current();
        let events: number;
        try {
          events = await this.decide(candidate, tariffs);
        } catch (error) {
          // one session that cannot be decided holds the cursor, not every CDR after it
          this.options.logger.warn({ err: error, session: candidate.sessionId }, 'could not decide a CDR');
          waiting = true;
          continue;
        }
        // one the cursor does not pass is left out until it changes, or it would be read every time
        if (events === 0 && waiting)
          this.unchangedAt.set(candidate.sessionId, {
            revision: candidate.lastRevision,
            position: candidate.changedPosition,
          });
        else this.unchangedAt.delete(candidate.sessionId);
        appended += events;
        if (!waiting) this.cursor = candidate.changedPosition;
      }
      if (candidates.length < CANDIDATES_PAGE) break;
      after = candidates.at(-1)!.changedPosition;
    }
    // what the cursor passed is never a candidate again unless it changes (then it comes after it)
    const cursor = this.cursor;
    if (cursor !== undefined)
      for (const [id, { position }] of this.unchangedAt) if (position <= cursor) this.unchangedAt.delete(id);
    if (appended > 0) this.options.logger.info({ events: appended }, 'CDRs issued');
    return appended;
  }

  /** The CDR events one session calls for, appended; how many. */
  private async decide(
    candidate: CdrCandidate,
    tariffs: Awaited<ReturnType<TariffBook['current']>>,
  ): Promise<number> {
    const { store, configuredTerms, clock } = this.options;
    const session = await sessionFromStore(store, candidate);
    const billed = session && billedSessionOf(session);
    if (!session || !billed) return 0;
    const chosen = chooseTariff(tariffs, pricingOf(session));
    const price = cdrPriceOf(session, chosen, configuredTerms);
    const place = connectorPlaceOf(
      await this.options.locations.current(),
      billed.chargerId,
      billed.evseId,
      billed.connectorId,
    );
    const stream = cdrStream(candidate.sessionId);
    const decided = await decideOnStream<CdrHistory, CdrEvent, number>({
      store,
      stream,
      load: () =>
        foldStream(store, stream, CDR_EVENT_TYPES, cdrHistoryWith, { state: NO_CDR, revision: 'no_stream' }),
      decide: (history) => {
        const events = decideCdr(history, billed, price, clock().toISOString(), place);
        return { events, result: events.length };
      },
      toNewEvents: (events) =>
        events.map((event) => ({
          type: event.type,
          data: event.data,
          // the session revision it was decided on: the read model knows what is decided
          metadata: {
            receivedAt: clock().toISOString(),
            actor: 'cdr-issuer',
            sessionRevision: candidate.lastRevision.toString(),
          },
        })),
      evolve: cdrHistoryWith,
    });
    return decided.result;
  }
}
