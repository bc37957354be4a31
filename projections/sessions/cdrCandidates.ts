import type pg from 'pg';
import type { CdrCandidate } from '../../src/app/cdrIssuer.js';

/**
 * Stopped sessions, in the order their rows last changed after `after`, whose CDR is missing or
 * was decided on an older revision of them (those in `decided` were decided unchanged at the
 * revision given, and are left out until they change again). Each with how long ago it stopped.
 */
export async function cdrCandidates(
  pool: pg.Pool,
  after: string | undefined,
  decided: ReadonlyMap<string, bigint>,
  limit: number,
): Promise<Array<CdrCandidate & { changedPosition: string; stoppedAt: Date }>> {
  const { rows } = await pool.query<{
    id: string;
    charger_id: string;
    transaction_key: string;
    first_revision: string;
    last_revision: string;
    changed_position: string;
    stop_server_time: Date;
  }>(
    `SELECT s.id, s.charger_id, s.transaction_key, s.first_revision, s.last_revision,
            s.changed_position, s.stop_server_time
       FROM sessions s
      WHERE s.status = 'stopped' AND ($1::text IS NULL OR s.changed_position > $1)
        AND NOT EXISTS (SELECT 1 FROM cdrs c WHERE c.session_id = s.id AND c.session_revision >= s.last_revision)
        AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::bigint[]) AS d(id, revision)
                         WHERE d.id = s.id AND d.revision >= s.last_revision)
      ORDER BY s.changed_position LIMIT $4`,
    [after ?? null, [...decided.keys()], [...decided.values()].map(String), limit],
  );
  return rows.map((row) => ({
    sessionId: row.id,
    chargerId: row.charger_id,
    transactionKey: row.transaction_key,
    firstRevision: BigInt(row.first_revision),
    lastRevision: BigInt(row.last_revision),
    changedPosition: row.changed_position,
    stoppedAt: row.stop_server_time,
  }));
}
