import { fileURLToPath } from 'node:url';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { acceptedCommand } from '../commandEvents.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Reservations: made by an accepted ReserveNow, cancelled by CancelReservation, used by a start. */
export async function reservationsProjector(): Promise<Projector> {
  return {
    name: 'reservations',
    streamPrefix: 'charger-',
    eventTypes: new Set(['CommandCompleted', 'TransactionStarted']),
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
      const reserved = acceptedCommand(event, 'ReserveNow');
      if (reserved) {
        const payload = reserved as {
          reservationId: number;
          connectorId?: number;
          evseId?: number;
          idTag?: string;
          idToken?: { idToken: string };
          expiryDate?: string;
          expiryDateTime?: string;
        };
        await tx.query(
          `INSERT INTO reservations (charger_id, reservation_id, connector_id, id_tag, expiry_date, status, reserved_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, 'active', $6, $6)
           ON CONFLICT (charger_id, reservation_id) DO UPDATE SET connector_id = $3, id_tag = $4, expiry_date = $5,
             status = 'active', transaction_key = null, updated_at = $6`,
          [
            chargerId,
            payload.reservationId,
            payload.connectorId ?? payload.evseId ?? 0,
            payload.idTag ?? payload.idToken?.idToken ?? '',
            payload.expiryDate ?? payload.expiryDateTime,
            at,
          ],
        );
        return;
      }
      const cancelled = acceptedCommand(event, 'CancelReservation');
      if (cancelled) {
        await tx.query(
          `UPDATE reservations SET status = 'cancelled', updated_at = $3
           WHERE charger_id = $1 AND reservation_id = $2 AND status = 'active'`,
          [chargerId, (cancelled as { reservationId: number }).reservationId, at],
        );
      }
    }),
  };
}
