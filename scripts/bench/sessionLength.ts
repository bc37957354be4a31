/**
 * npm run bench:session-length — what the sessions read model costs per meter sample as a session
 * grows: one session of BENCH_SAMPLES samples (one a minute), each applied in a batch of its own as
 * a live projector does, on a schema of its own in DATABASE_URL or the embedded PostgreSQL. A
 * long session (a day on a fleet charger, a week at a depot) must not cost more per sample than a
 * short one. Wall time per batch (its transaction included), by where in the session it falls.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrateProjection } from '../../projections/projectionRunner.js';
import { sessionsProjector } from '../../projections/sessions/sessionsProjector.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { at, ChargerLog, startAtT0, T0 } from '../../test/support/chargerLog.js';
import { benchDatabase } from './benchDatabase.js';
import { type BenchRow, progress, report, round } from './report.js';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 2_000);

/** The charger's log: registered, approved, a start, then a sample a minute, as the decider writes it. */
function sessionLog(): RecordedEvent[] {
  const log = new ChargerLog().when(startAtT0({ idTag: 'TAG', tenant: 'acme', blocked: false }), T0);
  for (let minute = 1; minute <= SAMPLES; minute++) {
    log.when(
      {
        type: 'ReportMeterValues',
        evseId: 1,
        connectorId: 1,
        transactionKey: '101',
        samples: [
          {
            chargerTime: at(minute),
            values: [{ value: String(1_000 + minute * 200), measurand: 'Energy.Active.Import.Register' }],
          },
        ],
      },
      at(minute),
    );
  }
  return log.recorded();
}

const database = await benchDatabase();
const schema = `bench_session_length_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: database.url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
const pool = new pg.Pool({ connectionString: database.url, options: `-c search_path=${schema}`, max: 1 });
try {
  const projector = await sessionsProjector();
  await migrateProjection(pool, projector);
  const log = sessionLog();
  progress(`applying a session of ${SAMPLES.toLocaleString('en-US')} samples, one batch each`);
  const client = await pool.connect();
  const batchMs: number[] = [];
  try {
    for (const event of log) {
      const started = performance.now();
      await client.query('BEGIN');
      await projector.apply([event], client);
      await client.query('COMMIT');
      batchMs.push(performance.now() - started);
    }
  } finally {
    client.release();
  }
  // batchMs[0] is the start; sample n is batchMs[n]
  const mean = (from: number, to: number) =>
    round(batchMs.slice(from, to + 1).reduce((sum, ms) => sum + ms, 0) / (to - from + 1));
  const marks = [100, Math.floor(SAMPLES / 4), Math.floor(SAMPLES / 2), SAMPLES].filter(
    (mark, index, all) => mark <= SAMPLES && all.indexOf(mark) === index,
  );
  const rows: BenchRow[] = marks.map((mark) => ({
    case: `samples ${Math.max(1, mark - 99).toLocaleString('en-US')}–${mark.toLocaleString('en-US')}`,
    'ms per sample (batch of one)': mean(Math.max(1, mark - 99), mark),
  }));
  await report('sessionLength', rows, { samples: SAMPLES });
} finally {
  await pool.end();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
  await database.stop();
}
