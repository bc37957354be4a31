import { fileURLToPath } from 'node:url';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reservations: made and cancelled as chargers accepted it, used by a start, ended on the charger's side. */
export async function reservationsProjector(): Promise<Projector> {
  return {
    name: 'reservations',
    streamPrefix: 'charger-',
    eventTypes: new Set([
      'ReservationMade',
      'ReservationCancelled',
      'ReservationEnded',
      'TransactionStarted',
    ]),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      if (event.type === 'TransactionStarted') {
        const { data } = { type: event.type, data: event.data } as Extract<
          ChargingEvent,
          { type: 'TransactionStarted' }
        >;
        if (data.reservationId === undefined) return;
        await tx.query(
          `UPDATE reservations SET status = 'used', transaction_key = $3, updated_at = $4
           WHERE charger_id = $1 AND reservation_id = $2 AND status = 'active'`,
          [chargerId, data.reservationId, data.transactionKey, at],
        );
        return;
      }
      const fact = { type: event.type, data: event.data } as ChargingEvent;
      if (fact.type === 'ReservationEnded') {
        // the charger ended it on its side: it expired there, or was removed
        await tx.query(
          `UPDATE reservations SET status = $3, updated_at = $4
           WHERE charger_id = $1 AND reservation_id = $2 AND status = 'active'`,
          [chargerId, fact.data.reservationId, fact.data.reason === 'expired' ? 'expired' : 'cancelled', at],
        );
        return;
      }
      if (fact.type === 'ReservationMade') {
        const { reservationId, evseId, idTag, expiresAt } = fact.data;
        await tx.query(
          `INSERT INTO reservations (charger_id, reservation_id, connector_id, id_tag, expiry_date, status, reserved_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'active', $6, $6)
           ON CONFLICT (charger_id, reservation_id) DO UPDATE SET connector_id = $3, id_tag = $4, expiry_date = $5,
             status = 'active', transaction_key = null, updated_at = $6`,
          [chargerId, reservationId, evseId, idTag, expiresAt ?? null, at],
        );
        return;
      }
      if (fact.type === 'ReservationCancelled') {
        await tx.query(
          `UPDATE reservations SET status = 'cancelled', updated_at = $3
           WHERE charger_id = $1 AND reservation_id = $2 AND status = 'active'`,
          [chargerId, fact.data.reservationId, at],
        );
      }
    }),
  };
}
