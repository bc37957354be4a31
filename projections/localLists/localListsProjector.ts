import { fileURLToPath } from 'node:url';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { LocalListEntry } from '../../src/domain/localLists/localListPlan.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Completed {
  action: string;
  payload?: { listVersion?: number; updateType?: string; localAuthorizationList?: LocalListEntry[] };
  outcome: { status: string; response?: { status?: string; listVersion?: number } };
}

/**
 * The local list each charger holds, from the SendLocalList and GetLocalListVersion commands it
 * answered (whether an operator sent them or the daily synchronisation did).
 */
export async function localListsProjector(): Promise<Projector> {
  return {
    name: 'local_lists',
    streamPrefix: 'charger-',
    eventTypes: new Set(['CommandCompleted']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const { action, payload, outcome } = event.data as Completed;
      if (outcome.status !== 'answered') return;
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      if (action === 'GetLocalListVersion') {
        await tx.query(
          `INSERT INTO local_lists (charger_id, reported_version, reported_at) VALUES ($1, $2, $3)
           ON CONFLICT (charger_id) DO UPDATE SET reported_version = $2, reported_at = $3`,
          [chargerId, outcome.response?.listVersion ?? null, at],
        );
        return;
      }
      if (action !== 'SendLocalList' || !payload) return;
      const status = outcome.response?.status;
      if (status !== 'Accepted') {
        const refusal = JSON.stringify({ status, listVersion: payload.listVersion, at });
        await tx.query(
          `INSERT INTO local_lists (charger_id, last_refusal) VALUES ($1, $2)
           ON CONFLICT (charger_id) DO UPDATE SET last_refusal = $2`,
          [chargerId, refusal],
        );
        return;
      }
      await tx.query(
        `INSERT INTO local_lists (charger_id, list_version, update_type, updated_at, reported_version, reported_at)
         VALUES ($1, $2, $3, $4, $2, $4)
         ON CONFLICT (charger_id) DO UPDATE
           SET list_version = $2, update_type = $3, updated_at = $4, reported_version = $2, reported_at = $4`,
        [chargerId, payload.listVersion, payload.updateType, at],
      );
      if (payload.updateType === 'Full') {
        await tx.query('DELETE FROM local_list_entries WHERE charger_id = $1', [chargerId]);
      }
      const entries = payload.localAuthorizationList ?? [];
      const removed = entries.filter((entry) => !entry.idTagInfo).map((entry) => entry.idTag.toLowerCase());
      if (removed.length > 0) {
        await tx.query('DELETE FROM local_list_entries WHERE charger_id = $1 AND tag_key = ANY($2)', [
          chargerId,
          removed,
        ]);
      }
      const kept = entries.filter((entry) => entry.idTagInfo);
      if (kept.length > 0) {
        await tx.query(
          `INSERT INTO local_list_entries (charger_id, tag_key, id_tag, id_tag_info)
           SELECT $1, lower(e.tag), e.tag, e.info
             FROM jsonb_to_recordset($2::jsonb) AS e(tag text, info jsonb)
           ON CONFLICT (charger_id, tag_key) DO UPDATE SET id_tag = EXCLUDED.id_tag, id_tag_info = EXCLUDED.id_tag_info`,
          [chargerId, JSON.stringify(kept.map((entry) => ({ tag: entry.idTag, info: entry.idTagInfo })))],
        );
      }
    }),
  };
}
