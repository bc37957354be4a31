import { fileURLToPath } from 'node:url';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { endsFirmwareUpdate } from '../../src/policies/firmwareStatus.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));
const UPDATES = new Set(['UpdateFirmware', 'SignedUpdateFirmware']);

interface Completed {
  commandId: string;
  action: string;
  about?: { firmwareId?: string };
  payload: {
    location?: string;
    requestId?: number;
    firmware?: { location?: string };
  };
  outcome: { status: string; response?: { status?: string } };
}

/** What became of a firmware update command: the charger took it, refused it, or never got it. */
function statusOf(outcome: Completed['outcome']): { status: string; finished: boolean } {
  if (outcome.status !== 'answered') return { status: 'NotSent', finished: true };
  const answer = outcome.response?.status;
  // 1.6's UpdateFirmware answers {}; the others Accepted, AcceptedCanceled, Rejected, …
  if (answer === undefined || answer.startsWith('Accepted')) return { status: 'Requested', finished: false };
  return { status: answer, finished: true };
}

/** Firmware updates per charger, followed through the FirmwareStatusNotifications that answer them. */
export async function firmwareUpdatesProjector(): Promise<Projector> {
  return {
    name: 'firmware_updates',
    streamPrefix: 'charger-',
    eventTypes: new Set(['CommandCompleted', 'FirmwareStatusReported']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      if (event.type === 'CommandCompleted') {
        const data = event.data as Completed;
        if (!UPDATES.has(data.action)) return;
        const { status, finished } = statusOf(data.outcome);
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
            data.about?.firmwareId ?? null,
            data.payload.location ?? data.payload.firmware?.location ?? null,
            data.payload.requestId ?? null,
            at,
            actor,
            status,
            finished,
          ],
        );
        return;
      }
      const { status, requestId } = event.data as { status: string; requestId?: number };
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
