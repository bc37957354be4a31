import type pg from 'pg';
import { type AppendDecision, decideAppend } from '../appendDecision.js';
import type { Checkpoint } from '../eventStore.js';
import { streamCategories } from './appendNotifications.js';
import type { CommittedTail } from './committedTail.js';
import { checkpointSql } from './eventRows.js';
import type { PendingAppend } from './groupCommit.js';
import type { RevisionCache } from './revisionCache.js';

// biome-ignore lint/suspicious/noExplicitAny: rows are typed at each call site
type Query = <Row = any>(config: {
  name: string;
  text: string;
  values: unknown[];
}) => Promise<{ rows: Row[] }>;

interface WrittenEvent {
  revision: bigint;
  checkpoint: Checkpoint;
}

/**
 * Writes one group commit in one transaction: decides every append against its stream's last
 * revision, inserts the accepted ones, commits, and only then settles each caller. Returns
 * nothing; throws when the transaction failed as a whole (the caller retries or rejects).
 */
export async function writeBatch(
  client: pg.PoolClient,
  batch: PendingAppend[],
  cache: RevisionCache,
  { fresh, committed }: { fresh: boolean; committed?: CommittedTail },
): Promise<void> {
  // The transaction opens with the first read: a batch decided wholly from the cache needs only
  // its insert, which then runs alone as one autocommit statement (one round trip, not three).
  let inTransaction = false;
  const autocommit = ((config) => client.query(config)) as Query;
  const query: Query = async (config) => {
    if (!inTransaction) {
      await client.query('BEGIN');
      inTransaction = true;
    }
    return autocommit(config);
  };
  const fromCache = new Set<string>();
  const revisions = await lastRevisions(query, batch, fresh ? undefined : { cache, fromCache });
  const idsOf = (append: PendingAppend) => append.events.map((event) => event.id);
  const decide = (append: PendingAppend, existing: Map<string, bigint> = new Map()) =>
    decideAppend(append.streamId, idsOf(append), append.expected, {
      revision: revisions.get(append.streamId) ?? -1n,
      existing,
    });
  let decisions: AppendDecision[] = batch.map((append) => decide(append));

  // A conflict decided on a cached revision may be the cache's fault: check with the database.
  const doubtful = batch.filter(
    (append, i) => decisions[i]!.kind === 'conflict' && fromCache.has(append.streamId),
  );
  if (doubtful.length > 0) {
    for (const [streamId, revision] of await lastRevisions(query, doubtful))
      revisions.set(streamId, revision);
    decisions = batch.map((append) => decide(append));
  }

  // Event ids already in the log matter only to a retried append: they are looked up where an
  // append would otherwise fail, and everywhere on a fresh attempt after a failed batch.
  const suspects = batch.filter((_, i) => fresh || decisions[i]!.kind === 'conflict');
  const written = await findWrittenEvents(query, suspects);
  if (written.size > 0) {
    decisions = batch.map((append, i) => {
      const events = written.get(append.streamId);
      return events
        ? decide(append, new Map([...events].map(([id, at]) => [id, at.revision])))
        : decisions[i]!;
    });
  }

  const settle: Array<() => void> = [];
  const writes: Array<{ append: PendingAppend; firstRevision: bigint; lastRevision: bigint }> = [];
  batch.forEach((append, i) => {
    const decision = decisions[i]!;
    if (decision.kind === 'conflict') {
      settle.push(() => append.reject(decision.error));
    } else if (decision.kind === 'already_written') {
      const last = [...written.get(append.streamId)!.values()].find(
        (at) => at.revision === decision.lastRevision,
      )!;
      settle.push(() => append.resolve({ nextRevision: decision.lastRevision, position: last.checkpoint }));
    } else {
      const lastRevision = decision.firstRevision + BigInt(append.events.length - 1);
      writes.push({ append, firstRevision: decision.firstRevision, lastRevision });
    }
  });
  const positions = await insertEvents(inTransaction ? query : autocommit, writes);
  if (inTransaction) await client.query('COMMIT');
  // Only now is every outcome durable (or, for conflicts, final).
  writes.forEach(({ append, lastRevision }, i) => {
    cache.set(append.streamId, lastRevision);
    committed?.remember(append.streamId, append.events);
    append.resolve({ nextRevision: lastRevision, position: positions[i]! });
  });
  for (const done of settle) done();
}

/** Each stream's last revision (absent: no events); from the cache where one is given and knows it. */
async function lastRevisions(
  query: Query,
  appends: PendingAppend[],
  cached?: { cache: RevisionCache; fromCache: Set<string> },
): Promise<Map<string, bigint>> {
  const revisions = new Map<string, bigint>();
  const unknown: string[] = [];
  for (const { streamId } of appends) {
    const revision = cached?.cache.get(streamId);
    if (revision === undefined) {
      unknown.push(streamId);
    } else {
      revisions.set(streamId, revision);
      cached!.fromCache.add(streamId);
    }
  }
  if (unknown.length === 0) return revisions;
  const { rows } = await query<{ stream_id: string; revision: string }>({
    name: 'last-revisions',
    text: `SELECT s.id AS stream_id, last.revision::text FROM unnest($1::text[]) AS s(id)
      CROSS JOIN LATERAL (SELECT revision FROM events WHERE stream_id = s.id ORDER BY revision DESC LIMIT 1) AS last`,
    values: [unknown],
  });
  for (const row of rows) revisions.set(row.stream_id, BigInt(row.revision));
  return revisions;
}

/** Which of these appends' event ids are already in their streams. */
async function findWrittenEvents(
  query: Query,
  appends: PendingAppend[],
): Promise<Map<string, Map<string, WrittenEvent>>> {
  const found = new Map<string, Map<string, WrittenEvent>>();
  if (appends.length === 0) return found;
  const { rows } = await query<{
    stream_id: string;
    event_id: string;
    revision: string;
    checkpoint: Checkpoint;
  }>({
    name: 'written-events',
    text: `SELECT e.stream_id, e.event_id::text, e.revision::text, ${checkpointSql('e.')} AS checkpoint
      FROM unnest($1::text[], $2::uuid[]) AS k(stream_id, event_id)
      JOIN events e ON e.stream_id = k.stream_id AND e.event_id = k.event_id`,
    values: [
      appends.flatMap((append) => append.events.map(() => append.streamId)),
      appends.flatMap((append) => append.events.map((event) => event.id)),
    ],
  });
  for (const row of rows) {
    let events = found.get(row.stream_id);
    if (!events) {
      events = new Map();
      found.set(row.stream_id, events);
    }
    events.set(row.event_id, { revision: BigInt(row.revision), checkpoint: row.checkpoint });
  }
  return found;
}

/** Inserts the accepted appends' events; returns each append's last position. */
async function insertEvents(
  query: Query,
  writes: Array<{ append: PendingAppend; firstRevision: bigint; lastRevision: bigint }>,
): Promise<Checkpoint[]> {
  if (writes.length === 0) return [];
  // One JSON document for the whole batch, one object per event: data and metadata are JSON text
  // already and are spliced in as they are (escaping them into array literals cost more than the
  // insert), and json_to_recordset reads each object once (extracting seven fields with -> had
  // PostgreSQL scan every event's text seven times). A json field keeps an object's or array's
  // text as sent (a string's is escaped anew, to the same value); a JSON null comes back as SQL
  // NULL, hence the coalesce. Ids are UUIDs and types match [A-Za-z0-9_.:-]: neither needs escaping.
  const rows: string[] = [];
  for (const { append, firstRevision } of writes) {
    const stream = JSON.stringify(append.streamId);
    append.events.forEach((event, index) => {
      rows.push(
        `{"s":${stream},"r":${firstRevision + BigInt(index)},"i":"${event.id}","t":"${event.type}","v":${event.schemaVersion},"d":${event.dataJson},"m":${event.metadataJson}}`,
      );
    });
  }
  const result = await query<{ stream_id: string; revision: string; checkpoint: Checkpoint }>({
    name: 'insert-event-records',
    text: `WITH inserted AS (
       INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata)
       SELECT e.s, e.r, e.i, e.t, e.v, coalesce(e.d, 'null'::json), coalesce(e.m, 'null'::json)
       FROM ROWS FROM (json_to_recordset($1::json)
         AS (s text, r bigint, i uuid, t text, v int, d json, m json)) WITH ORDINALITY AS e(s, r, i, t, v, d, m, n)
       ORDER BY e.n
       RETURNING stream_id, revision, transaction_id, position)
     SELECT i.stream_id, i.revision::text, ${checkpointSql('i.')} AS checkpoint
     FROM inserted i JOIN unnest($2::text[], $3::bigint[]) AS l(s, r) ON i.stream_id = l.s AND i.revision = l.r
     CROSS JOIN (SELECT pg_notify(left('ampledger_events_' || current_schema(), 63), $4)) AS notified`,
    values: [
      `[${rows.join(',')}]`,
      writes.map((write) => write.append.streamId),
      writes.map((write) => write.lastRevision.toString()),
      // sent as the insert commits: it wakes the subscriptions to these streams alone
      streamCategories(writes.map((write) => write.append.streamId)),
    ],
  });
  const byStreamRevision = new Map(
    result.rows.map((row) => [`${row.stream_id}\n${row.revision}`, row.checkpoint]),
  );
  return writes.map(
    ({ append, lastRevision }) => byStreamRevision.get(`${append.streamId}\n${lastRevision}`)!,
  );
}
