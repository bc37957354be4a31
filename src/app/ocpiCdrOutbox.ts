import type pg from 'pg';
import { ocpiCdrPushStream } from '../domain/ocpi/ocpiPushEvents.js';
import { postToPartner } from '../ocpi/ocpiClient.js';
import { ocpiCdrOfRow, SERVED_CDRS, type ServedCdrRow } from '../ocpi/servedCdrs.js';
import type { Checkpoint, EventStore } from '../store/eventStore.js';
import { PartnerBook, receiverOf } from './partnerBook.js';
import { PartnerPauses } from './partnerPauses.js';
import { PeriodicSweep } from './periodicSweep.js';

/** how many CDRs a partner is sent per sweep */
const PAGE = 100;

/**
 * Pushes CDRs to the partners that take them (OCPI 2.2.1 cdrs, Receiver: POST), in the order they
 * became available, from the log: what a partner may have is what it could pull (the cdrs read
 * model), what it got is OcpiCdrPushed in ocpi-cdr-push-{partnerId}, appended once the partner
 * accepted. So nothing is lost across restarts, and a CDR goes out at least once: a crash between
 * the partner's acceptance and the append sends it again (OCPI CDR ids let the partner see that).
 * A partner that fails is paused, doubling up to 5 minutes, and its CDRs wait in order.
 */
export class OcpiCdrOutbox extends PeriodicSweep {
  private readonly partners: PartnerBook;
  private readonly pauses: PartnerPauses;

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
      /** one node of a cluster at a time pushes (ClusterJobLock); without it, this node always does */
      lock?: { holds(): Promise<boolean> };
    },
  ) {
    super({
      intervalMs: options.intervalMs ?? 5_000,
      logger: options.logger,
      what: 'push CDRs',
      ...(options.lock ? { lock: options.lock } : {}),
    });
    this.partners = new PartnerBook(options.store);
    this.pauses = new PartnerPauses(options.random);
  }

  /** Sends what each partner is owed and not paused for; how many it accepted. */
  protected async sweepOnce(): Promise<number> {
    let accepted = 0;
    for (const partner of await this.partners.current()) {
      const receiver = receiverOf(partner, 'cdrs');
      if (!receiver || this.pauses.isPaused(partner.partnerId, this.options.clock().getTime())) continue;
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
        const { failures, pauseMs } = this.pauses.failed(partnerId, clock().getTime());
        logger.warn(
          { err: error, partner: partnerId, cdr: row.own_id, failures, retryInMs: pauseMs },
          'a partner did not take a CDR: it waits, and the ones after it',
        );
        break;
      }
    }
    if (accepted === rows.length) this.pauses.succeeded(partnerId);
    if (last) await this.options.pushesCaughtUp(last);
    if (accepted > 0) logger.info({ partner: partnerId, cdrs: accepted }, 'CDRs pushed');
    return accepted;
  }
}
