import { fileURLToPath } from 'node:url';
import type { CommandOutcomeEvent } from '../../src/domain/charger/commands/commandOutcomeEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * The local list each charger holds, from the lists it answered and the versions it reported
 * (whether an operator sent them or the daily synchronisation did).
 */
export async function localListsProjector(): Promise<Projector> {
  return {
    name: 'local_lists',
    streamPrefix: 'charger-',
    eventTypes: new Set(['LocalListSent', 'LocalListVersionReported']),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      const fact = { type: event.type, data: event.data } as CommandOutcomeEvent;
      if (fact.type === 'LocalListVersionReported') {
        await tx.query(
          `INSERT INTO local_lists (charger_id, reported_version, reported_at) VALUES ($1, $2, $3)
           ON CONFLICT (charger_id) DO UPDATE SET reported_version = $2, reported_at = $3`,
          [chargerId, fact.data.listVersion, at],
        );
        return;
      }
      if (fact.type !== 'LocalListSent') return;
      const { listVersion, updateType, entries, accepted, answer } = fact.data;
      if (!accepted) {
        const refusal = JSON.stringify({ status: answer, listVersion, at });
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
        [chargerId, listVersion, updateType, at],
      );
      if (updateType === 'Full') {
        await tx.query('DELETE FROM local_list_entries WHERE charger_id = $1', [chargerId]);
      }
      const removed = entries.filter((entry) => !entry.grant).map((entry) => entry.idTag.toLowerCase());
      if (removed.length > 0) {
        await tx.query('DELETE FROM local_list_entries WHERE charger_id = $1 AND tag_key = ANY($2)', [
          chargerId,
          removed,
        ]);
      }
      const kept = entries.filter((entry) => entry.grant);
      if (kept.length > 0) {
        await tx.query(
          `INSERT INTO local_list_entries (charger_id, tag_key, id_tag, id_tag_info)
           SELECT $1, lower(e.tag), e.tag, e.info
             FROM jsonb_to_recordset($2::jsonb) AS e(tag text, info jsonb)
           ON CONFLICT (charger_id, tag_key) DO UPDATE SET id_tag = EXCLUDED.id_tag, id_tag_info = EXCLUDED.id_tag_info`,
          [chargerId, JSON.stringify(kept.map((entry) => ({ tag: entry.idTag, info: entry.grant })))],
        );
      }
    }),
  };
}
