import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { CDR_EVENT_TYPES, type CdrEvent, type CdrPrice } from '../../src/domain/billing/cdrEvents.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, writeRows } from '../sqlRows.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * CDRs for billing, as the CDR issuer wrote them (cdr-{sessionId}): each issued CDR and each
 * credit a row of its own, in the order the log holds them (the feed billing reads); a CDR
 * credited since shows so, and one held for review shows whether it was released.
 */
export async function cdrsProjector(): Promise<Projector> {
  return {
    name: 'cdrs',
    streamPrefix: 'cdr-',
    eventTypes: CDR_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: applyCdrBatch,
  };
}

const CDR: Columns = {
  id: 'text',
  session_id: 'text',
  feed_position: 'text',
  credit: 'boolean',
  credit_of: 'text',
  replaces: 'text',
  status: 'text',
  held_for: 'jsonb',
  charger_id: 'text',
  transaction_key: 'text',
  tenant: 'text',
  evse_id: 'integer',
  connector_id: 'integer',
  id_tag: 'text',
  token_group: 'text',
  start_time: 'timestamptz',
  stop_time: 'timestamptz',
  energy_wh: 'numeric',
  charging_seconds: 'numeric',
  idle_seconds: 'numeric',
  stop_reason: 'text',
  flags: 'jsonb',
  tariff: 'jsonb',
  currency: 'text',
  cost: 'jsonb',
  total_excl_vat: 'numeric',
  total_incl_vat: 'numeric',
  reason: 'text',
  issued_at: 'timestamptz',
  released_by: 'text',
  released_at: 'timestamptz',
  release_note: 'text',
  session_revision: 'bigint',
  place: 'jsonb',
};

/** What an issued CDR and a credit both say: where they stand, whose they are, their money. */
const commonRow = (
  event: RecordedEvent,
  data: { cdrId: string; sessionId: string; chargerId: string; transactionKey: string; tenant: string },
  price: CdrPrice,
  issuedAt: string,
) => ({
  id: data.cdrId,
  session_id: data.sessionId,
  feed_position: event.position,
  charger_id: data.chargerId,
  transaction_key: data.transactionKey,
  tenant: data.tenant,
  tariff: price.tariff,
  currency: price.currency,
  cost: {
    energy: price.energy,
    time: price.time,
    parkingTime: price.parkingTime,
    flat: price.flat,
    total: price.total,
  },
  total_excl_vat: price.total.excl_vat,
  total_incl_vat: price.total.incl_vat,
  issued_at: issuedAt,
  // the session revision the issuer decided on: what it needs not decide again
  session_revision: (event.metadata as { sessionRevision?: string } | undefined)?.sessionRevision ?? null,
});

/**
 * New rows for issued CDRs and credits (a column a row leaves out is null); status changes of
 * the rows a credit or a release touch, whichever batch wrote them.
 */
async function applyCdrBatch(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
  const rows: Array<Record<string, unknown>> = [];
  const credited: string[] = [];
  const released: Array<{ id: string; by: string; at: string; note: string | null }> = [];
  for (const event of events) {
    const cdr = { type: event.type, data: event.data } as CdrEvent;
    if (cdr.type === 'CdrIssued') {
      const { data } = cdr;
      rows.push({
        ...commonRow(event, data, data.price, data.issuedAt),
        credit: false,
        replaces: data.replaces ?? null,
        status: data.heldFor.length > 0 ? 'review' : 'billable',
        held_for: data.heldFor,
        evse_id: data.evseId,
        connector_id: data.connectorId,
        id_tag: data.idTag,
        token_group: data.tokenGroup ?? null,
        start_time: data.startTime,
        stop_time: data.stopTime,
        energy_wh: data.energyWh,
        charging_seconds: data.chargingSeconds,
        idle_seconds: data.idleSeconds,
        stop_reason: data.stopReason,
        flags: data.flags,
        place: data.place ?? null,
      });
    } else if (cdr.type === 'CdrCredited') {
      const { data } = cdr;
      credited.push(data.creditOf);
      // a credit cancels money: what else its session was is on the CDR it credits
      rows.push({
        ...commonRow(event, data, data.price, data.issuedAt),
        credit: true,
        credit_of: data.creditOf,
        status: 'billable',
        held_for: [],
        energy_wh: data.energyWh,
        flags: [],
        reason: data.reason,
      });
    } else if (cdr.type === 'CdrReleased') {
      const { data } = cdr;
      released.push({ id: data.cdrId, by: data.releasedBy, at: data.releasedAt, note: data.note ?? null });
    }
  }
  await writeRows(tx, { into: 'cdrs', columns: CDR, onConflict: 'ON CONFLICT (id) DO NOTHING' }, rows);
  if (credited.length > 0)
    await tx.query(`UPDATE cdrs SET status = 'credited' WHERE id = ANY($1) AND NOT credit`, [credited]);
  for (const release of released) {
    await tx.query(
      `UPDATE cdrs SET status = CASE WHEN status = 'review' THEN 'released' ELSE status END,
              released_by = $2, released_at = $3, release_note = $4
        WHERE id = $1 AND released_at IS NULL`,
      [release.id, release.by, release.at, release.note],
    );
  }
}
