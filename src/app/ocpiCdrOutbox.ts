import type pg from 'pg';
import { ocpiCdrPushStream } from '../domain/ocpi/ocpiPushEvents.js';
import { postToPartner } from '../ocpi/ocpiClient.js';
import { ocpiCdrOfRow, SERVED_CDRS, type ServedCdrRow } from '../ocpi/servedCdrs.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import { PartnerBook, receiverOf } from './partnerBook.js';

/** how many CDRs a partner is sent per sweep */
const PAGE = 100;
/** the pause after a partner's failure doubles from this, up to the longest */
const FIRST_PAUSE_MS = 1_000;
const LONGEST_PAUSE_MS = 5 * 60_000;

/**
 * Pushes CDRs to the partners that take them (OCPI 2.2.1 cdrs, Receiver: POST), in the order they
 * became available, from the log: what a partner may have is what it could pull (the cdrs read
 * model), what it got is OcpiCdrPushed in ocpi-cdr-push-{partnerId}, appended once the partner
 * accepted. So nothing is lost across restarts, and a CDR goes out at least once: a crash between
 * the partner's acceptance and the append sends it again (OCPI CDR ids let the partner see that).
 * A partner that fails is paused, doubling up to 5 minutes, and its CDRs wait in order.
 */
export class OcpiCdrOutbox {
  private readonly partners: PartnerBook;
  private readonly paused = new Map<string, { failures: number; untilMs: number }>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly options: {
      store: EventStore;
      pool: pg.Pool;
      party: { countryCode: string; partyId: string };
      clock: () => Date;
      /** until the pushes read model holds what was appended (the next sweep must see it) */
      pushesCaughtUp(position: Checkpoint): Promise<void>;
      logger: { warn(detail: object, message?: string): void; info(detail: object, message?: string): void };
      intervalMs?: number;
      random?: () => number;
    },
  ) {
    this.partners = new PartnerBook(options.store);
  }

  /** Sends what each partner is owed and not paused for; resolves with how many it accepted. */
  async sweep(): Promise<number> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.pushPending().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(): void {
    const tick = () => {
      if (this.running) return;
      void this.sweep().catch((error) => this.options.logger.warn({ err: error }, 'could not push CDRs'));
    };
    this.timer = setInterval(tick, this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async pushPending(): Promise<number> {
    let accepted = 0;
    for (const partner of await this.partners.current()) {
      const receiver = receiverOf(partner, 'cdrs');
      if (!receiver) continue;
      const pause = this.paused.get(partner.partnerId);
      if (pause && pause.untilMs > this.options.clock().getTime()) continue;
      accepted += await this.pushTo(partner.partnerId, receiver.url, receiver.tokenB);
    }
    return accepted;
  }

  /** The partner's pending CDRs in order, until one fails. */
  private async pushTo(partnerId: string, url: string, tokenB: string): Promise<number> {
    const { store, pool, party, clock, logger } = this.options;
    const { rows } = await pool.query<ServedCdrRow>(
      `SELECT * FROM (${SERVED_CDRS}) s
        WHERE NOT EXISTS (SELECT 1 FROM ocpi_cdr_pushes p WHERE p.partner_id = $1 AND p.cdr_id = s.own_id)
        ORDER BY last_updated, own_id LIMIT ${PAGE}`,
      [partnerId],
    );
    let last: Checkpoint | undefined;
    let accepted = 0;
    for (const row of rows) {
      const cdr = ocpiCdrOfRow(row, party);
      try {
        const { location } = await postToPartner(url, tokenB, cdr);
        const appended = await store.append(
          ocpiCdrPushStream(partnerId),
          [
            {
              type: 'OcpiCdrPushed',
              data: { partnerId, cdrId: row.own_id, ocpiCdrId: cdr.id, ...(location ? { location } : {}) },
              metadata: { receivedAt: clock().toISOString(), actor: 'ocpi-cdr-outbox' },
            },
          ],
          { expectedRevision: 'any' },
        );
        last = appended.position;
        accepted++;
      } catch (error) {
        const failures = (this.paused.get(partnerId)?.failures ?? 0) + 1;
        const pauseMs = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (failures - 1));
        const jittered = pauseMs * (0.5 + (this.options.random ?? Math.random)() / 2);
        this.paused.set(partnerId, { failures, untilMs: clock().getTime() + jittered });
        logger.warn(
          { err: error, partner: partnerId, cdr: row.own_id, failures, retryInMs: Math.round(jittered) },
          'a partner did not take a CDR: it waits, and the ones after it',
        );
        break;
      }
    }
    if (accepted === rows.length) this.paused.delete(partnerId);
    if (last) await this.options.pushesCaughtUp(last);
    if (accepted > 0) logger.info({ partner: partnerId, cdrs: accepted }, 'CDRs pushed');
    return accepted;
  }
}
