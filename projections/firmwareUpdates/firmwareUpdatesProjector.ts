import { fileURLToPath } from 'node:url';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { endsFirmwareUpdate } from '../../src/policies/firmwareStatus.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));
/** Firmware updates per charger, followed through the FirmwareStatusNotifications that answer them. */
export async function firmwareUpdatesProjector(): Promise<Projector> {
  return {
    name: 'firmware_updates',
    streamPrefix: 'charger-',
    eventTypes: new Set(['FirmwareUpdateRequested', 'FirmwareStatusReported']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      const fact = { type: event.type, data: event.data } as ChargingEvent;
      if (fact.type === 'FirmwareUpdateRequested') {
        const { data } = fact;
        const { status, finished } = data;
        if (!finished) {
          // a charger works on one update at a time: a new one replaces what it was doing
          await tx.query(
            `UPDATE firmware_updates SET status = 'Superseded', status_at = $2, finished = true
              WHERE charger_id = $1 AND NOT finished`,
            [chargerId, at],
          );
        }
        const actor = (event.metadata as { actor?: string }).actor ?? null;
        await tx.query(
          `INSERT INTO firmware_updates (command_id, charger_id, action, firmware_id, location, request_id,
             requested_at, requested_by, status, status_at, finished, statuses)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $10, '[]')
           ON CONFLICT (command_id) DO NOTHING`,
          [
            data.commandId,
            chargerId,
            data.action,
            data.firmwareId ?? null,
            data.location ?? null,
            data.requestId ?? null,
            at,
            actor,
            status,
            finished,
          ],
        );
        return;
      }
      if (fact.type !== 'FirmwareStatusReported') return;
      const { status, requestId } = fact.data;
      // the report belongs to the update with its request id, else to the one in progress
      await tx.query(
        `UPDATE firmware_updates SET status = $3, status_at = $4, finished = $5,
                statuses = statuses || jsonb_build_array(jsonb_build_object('status', $3::text, 'at', $6::text))
          WHERE command_id = (
            SELECT command_id FROM firmware_updates
             WHERE charger_id = $1 AND NOT finished AND ($2::bigint IS NULL OR request_id IS NULL OR request_id = $2)
             ORDER BY requested_at DESC LIMIT 1)`,
        [chargerId, requestId ?? null, status, at, endsFirmwareUpdate(status), String(at)],
      );
    }),
  };
}
