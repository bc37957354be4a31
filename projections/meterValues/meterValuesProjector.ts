import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { RecordedSample } from '../../src/domain/charger/transactionEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { timestampOrNull } from '../timestamps.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The meter time series: every sampled value of MeterValues and of stops' transactionData. */
export async function meterValuesProjector(): Promise<Projector> {
  const partitions = new Set<string>();
  return {
    name: 'meter_values',
    streamPrefix: 'charger-',
    eventTypes: new Set(['MeterValuesReported', 'TransactionStopped', 'TransactionStopOrphaned']),
    migrations: await loadMigrations(MIGRATIONS),
    async apply(event, tx) {
      const fact = { type: event.type, data: event.data } as ChargingEvent;
      if (fact.type === 'MeterValuesReported') {
        const { data } = fact;
        await insertSamples(tx, event, partitions, {
          tenant: data.tenant,
          transactionKey: data.transactionKey,
          evseId: data.evseId,
          connectorId: data.connectorId,
          samples: data.samples,
          duplicates: data.duplicateSamples,
        });
      } else if (fact.type === 'TransactionStopped' || fact.type === 'TransactionStopOrphaned') {
        const { data } = fact;
        await insertSamples(tx, event, partitions, {
          tenant: data.tenant,
          transactionKey: data.transactionKey,
          // a stop names no connector: its samples are found by their transaction
          evseId: null,
          connectorId: null,
          samples: data.samples,
          duplicates: 'duplicateSamples' in data ? data.duplicateSamples : [],
        });
      }
    },
  };
}

async function insertSamples(
  tx: pg.PoolClient,
  event: RecordedEvent,
  partitions: Set<string>,
  batch: {
    tenant: string;
    transactionKey: string | undefined;
    evseId: number | null;
    connectorId: number | null;
    samples: RecordedSample[];
    duplicates: number[];
  },
): Promise<void> {
  if (batch.samples.length === 0) return;
  const receivedAt = receivedAtOf(event);
  const rows: unknown[][] = [];
  batch.samples.forEach((sample, sampleIndex) => {
    // an unreadable time is filed under the time it arrived
    const sampledAt = timestampOrNull(sample.correctedTime) ?? receivedAt;
    sample.values.forEach((value, valueIndex) => {
      rows.push([
        sampledAt,
        sampleIndex,
        valueIndex,
        sample.chargerTime,
        value.measurand,
        value.phase ?? null,
        value.location ?? null,
        value.context,
        value.unit ?? null,
        value.value ?? null,
        value.raw.value,
        value.raw.unit ?? null,
        batch.duplicates.includes(sampleIndex),
      ]);
    });
  });
  for (const month of new Set(rows.map((row) => (row[0] as string).slice(0, 7)))) {
    await ensureMonthPartition(tx, month, partitions);
  }
  const column = (index: number) => rows.map((row) => row[index]);
  await tx.query(
    `INSERT INTO meter_values (sampled_at, charger_id, revision, sample_index, value_index, tenant, transaction_key,
       evse_id, connector_id, charger_time, measurand, phase, location, context, unit, value, raw_value, raw_unit,
       duplicate)
     SELECT s.sampled_at, $1, $2, s.sample_index, s.value_index, $3, $4, $5, $6, s.charger_time, s.measurand,
       s.phase, s.location, s.context, s.unit, s.value, s.raw_value, s.raw_unit, s.duplicate
     FROM unnest($7::timestamptz[], $8::int[], $9::int[], $10::text[], $11::text[], $12::text[], $13::text[],
       $14::text[], $15::text[], $16::numeric[], $17::text[], $18::text[], $19::boolean[])
       AS s(sampled_at, sample_index, value_index, charger_time, measurand, phase, location, context, unit, value,
         raw_value, raw_unit, duplicate)
     ON CONFLICT DO NOTHING`,
    [
      chargerIdOf(event.streamId),
      event.revision.toString(),
      batch.tenant,
      batch.transactionKey ?? null,
      batch.evseId,
      batch.connectorId,
      ...Array.from({ length: 13 }, (_, index) => column(index)),
    ],
  );
}

/** The month's partition (YYYY-MM), created on first use; if it cannot be, rows go to the default one. */
async function ensureMonthPartition(tx: pg.PoolClient, month: string, known: Set<string>): Promise<void> {
  // one projector instance writes one schema's tables (a rebuild has its own instance)
  if (known.has(month)) return;
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const from = `${month}-01`;
  const to =
    monthNumber === 12 ? `${year + 1}-01-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}-01`;
  const name = `meter_values_${month.replace('-', '_')}`;
  await tx.query('SAVEPOINT month_partition');
  try {
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF meter_values FOR VALUES FROM ('${from}') TO ('${to}')`,
    );
    await tx.query('RELEASE SAVEPOINT month_partition');
  } catch {
    // rows of that month already sit in the default partition: they stay there
    await tx.query('ROLLBACK TO SAVEPOINT month_partition');
  }
  known.add(month);
}

/** Retention: drops the month partitions that ended more than `months` months before `now`. */
export async function dropExpiredMeterValues(pool: pg.Pool, months: number, now: Date): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
     WHERE p.relname = 'meter_values' AND n.nspname = current_schema() AND c.relname ~ '^meter_values_\\d{4}_\\d{2}$'`,
  );
  const cutoff = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1));
  const dropped: string[] = [];
  for (const { name } of rows) {
    const [, year, month] = /(\d{4})_(\d{2})$/.exec(name)!;
    if (Date.UTC(Number(year), Number(month), 1) <= cutoff.getTime()) {
      await pool.query(`DROP TABLE IF EXISTS ${name}`);
      dropped.push(name);
    }
  }
  return dropped.sort();
}
