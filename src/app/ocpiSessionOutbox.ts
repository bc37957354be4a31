import type pg from 'pg';
import { type OcpiSessionPushEvent, ocpiSessionPushStream } from '../domain/ocpi/ocpiPushEvents.js';
import { putToPartner } from '../ocpi/ocpiClient.js';
import { ocpiSessionsOfRows, SERVED_SESSIONS, type ServedSessionRow } from '../ocpi/servedSessions.js';
import { StreamNotFound } from '../store/errors.js';
import type { EventStore } from '../store/eventStore.js';
import { PartnerBook, receiverOf } from './partnerBook.js';
import { PartnerPauses } from './partnerPauses.js';
import { PeriodicSweep } from './periodicSweep.js';
import type { SessionPricer } from './sessionPricer.js';

/** how many session changes a partner is sent per sweep */
const PAGE = 200;
/** an ACTIVE session is sent again at most this often (it changes with every meter sample) */
const ACTIVE_EVERY_MS = 60_000;

interface Mark {
  lastUpdated: string;
  sessionId: string;
}

/**
 * Pushes session changes to the partners that take them (OCPI 2.2.1 sessions, Receiver: PUT
 * {url}/{country}/{party}/{session id}), in the order the log received them. A session is its
 * latest state, so what a partner has is a mark, (last_updated, id), kept in
 * ocpi-session-push-{partnerId} after each batch: a restart goes on from it and loses nothing.
 * An ACTIVE session's change within a minute of its last push is passed over (its next sample or
 * its stop comes after it); a stop, an abandonment or a first sight always goes. A partner that
 * fails is paused (doubling to 5 minutes) and its sessions wait behind the one it refused.
 */
export class OcpiSessionOutbox extends PeriodicSweep {
  private readonly partners: PartnerBook;
  private readonly marks = new Map<string, Mark | null>();
  private readonly pauses: PartnerPauses;
  /** when each partner last got each active session (forgotten once it is over) */
  private readonly lastActivePush = new Map<string, Map<string, number>>();

  constructor(
    private readonly options: {
      store: EventStore;
      pool: pg.Pool;
      party: { countryCode: string; partyId: string };
      currency: string;
      /** what the sessions cost, as their CDRs are priced */
      pricer: SessionPricer;
      clock: () => Date;
      logger: { warn(detail: object, message?: string): void };
      intervalMs?: number;
      random?: () => number;
      /** one node of a cluster at a time pushes (ClusterJobLock); without it, this node always does */
      lock?: { holds(): Promise<boolean> };
    },
  ) {
    super({
      intervalMs: options.intervalMs ?? 5_000,
      logger: options.logger,
      what: 'push sessions',
      ...(options.lock ? { lock: options.lock } : {}),
    });
    this.partners = new PartnerBook(options.store);
    this.pauses = new PartnerPauses(options.random);
  }

  /** Sends each partner the session changes it does not have; how many went. */
  protected async sweepOnce(): Promise<number> {
    let sent = 0;
    for (const partner of await this.partners.current()) {
      const receiver = receiverOf(partner, 'sessions');
      if (!receiver || this.pauses.isPaused(partner.partnerId, this.options.clock().getTime())) continue;
      sent += await this.pushTo(partner.partnerId, receiver.url, receiver.tokenB);
    }
    return sent;
  }

  private async markOf(partnerId: string): Promise<Mark | null> {
    if (!this.marks.has(partnerId)) {
      const [last] = await this.options.store
        .readStream(ocpiSessionPushStream(partnerId), { direction: 'backwards', maxCount: 1 })
        .catch((error: unknown) => {
          // nothing pushed to this partner yet
          if (error instanceof StreamNotFound) return [];
          throw error;
        });
      const data = (last as { data: OcpiSessionPushEvent['data'] } | undefined)?.data;
      this.marks.set(partnerId, data ? { lastUpdated: data.lastUpdated, sessionId: data.sessionId } : null);
    }
    return this.marks.get(partnerId)!;
  }

  private async pushTo(partnerId: string, url: string, tokenB: string): Promise<number> {
    const { store, pool, party, clock, logger, currency, pricer } = this.options;
    const mark = await this.markOf(partnerId);
    const { rows } = await pool.query<ServedSessionRow>(
      `SELECT * FROM (${SERVED_SESSIONS}) s
        WHERE $2::timestamptz IS NULL OR (last_updated, id) > ($2::timestamptz, $3::text)
        ORDER BY last_updated, id LIMIT ${PAGE}`,
      [partnerId, mark?.lastUpdated ?? null, mark?.sessionId ?? ''],
    );
    const recent = this.lastActivePush.get(partnerId) ?? new Map<string, number>();
    this.lastActivePush.set(partnerId, recent);
    let reached: Mark | undefined;
    let sent = 0;
    let failed = false;
    for (const row of rows) {
      const now = clock();
      const pushedAt = recent.get(row.id);
      const skip =
        row.status === 'active' && pushedAt !== undefined && now.getTime() - pushedAt < ACTIVE_EVERY_MS;
      if (!skip) {
        const session = (await ocpiSessionsOfRows([row], { pool, party, currency, pricer }, now))[0]!;
        try {
          await putToPartner(
            `${url}/${party.countryCode}/${party.partyId}/${encodeURIComponent(session.id)}`,
            tokenB,
            session,
          );
        } catch (error) {
          const { failures, pauseMs } = this.pauses.failed(partnerId, now.getTime());
          logger.warn(
            { err: error, partner: partnerId, session: row.id, failures, retryInMs: pauseMs },
            'a partner did not take a session: it waits, and the ones after it',
          );
          failed = true;
          break;
        }
        sent++;
        if (row.status === 'active') recent.set(row.id, now.getTime());
        else recent.delete(row.id);
      }
      reached = { lastUpdated: row.last_updated.toISOString(), sessionId: row.id };
    }
    if (!failed) this.pauses.succeeded(partnerId);
    if (reached === undefined) return sent;
    await store.append(
      ocpiSessionPushStream(partnerId),
      [
        {
          type: 'OcpiSessionsPushedUpTo',
          data: { partnerId, ...reached },
          metadata: { receivedAt: clock().toISOString(), actor: 'ocpi-session-outbox' },
        },
      ],
      { expectedRevision: 'any' },
    );
    this.marks.set(partnerId, reached);
    return sent;
  }
}
