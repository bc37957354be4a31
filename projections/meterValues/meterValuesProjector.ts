import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { RecordedSample } from '../../src/domain/charger/transactions/transactionEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, writeRows } from '../sqlRows.js';
import { timestampOrNull } from '../timestamps.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The meter time series: every sampled value of MeterValues and of stops' transactionData. */
export async function meterValuesProjector(): Promise<Projector> {
  const partitions = new Set<string>();
  return {
    name: 'meter_values',
    streamPrefix: 'charger-',
    eventTypes: new Set([
      'MeterValuesReported',
      'TransactionStarted',
      'TransactionStopped',
      'TransactionStopOrphaned',
    ]),
    migrations: await loadMigrations(MIGRATIONS),
    async apply(events, tx) {
      const rows = events.flatMap((event) => rowsOf(event));
      for (const month of new Set(rows.map((row) => row.sampled_at.slice(0, 7)))) {
        await ensureMonthPartition(tx, month, partitions);
      }
      await writeRows(
        tx,
        { into: 'meter_values', columns: COLUMNS, onConflict: 'ON CONFLICT DO NOTHING' },
        rows,
      );
    },
  };
}

const COLUMNS: Columns = {
  sampled_at: 'timestamptz',
  charger_id: 'text',
  revision: 'bigint',
  sample_index: 'integer',
  value_index: 'integer',
  tenant: 'text',
  transaction_key: 'text',
  evse_id: 'integer',
  connector_id: 'integer',
  charger_time: 'text',
  measurand: 'text',
  phase: 'text',
  location: 'text',
  context: 'text',
  unit: 'text',
  value: 'numeric',
  raw_value: 'text',
  raw_unit: 'text',
  duplicate: 'boolean',
};

/** The rows of every sampled value an event carries (MeterValues, and a stop's transactionData). */
function rowsOf(event: RecordedEvent): Array<Record<string, unknown> & { sampled_at: string }> {
  const fact = { type: event.type, data: event.data } as ChargingEvent;
  let source: {
    tenant: string;
    transactionKey: string | undefined;
    evseId: number | null;
    connectorId: number | null;
    samples: RecordedSample[];
    duplicates: number[];
  };
  if (fact.type === 'MeterValuesReported') {
    const { data } = fact;
    source = {
      tenant: data.tenant,
      transactionKey: data.transactionKey,
      evseId: data.evseId,
      connectorId: data.connectorId,
      samples: data.samples,
      duplicates: data.duplicateSamples,
    };
  } else if (fact.type === 'TransactionStarted') {
    const { data } = fact;
    if (!data.samples) return [];
    source = {
      tenant: data.tenant,
      transactionKey: data.transactionKey,
      evseId: data.evseId,
      connectorId: data.connectorId,
      samples: data.samples,
      duplicates: [],
    };
  } else if (fact.type === 'TransactionStopped' || fact.type === 'TransactionStopOrphaned') {
    const { data } = fact;
    // a stop names no connector: its samples are found by their transaction
    source = {
      tenant: data.tenant,
      transactionKey: data.transactionKey,
      evseId: null,
      connectorId: null,
      samples: data.samples,
      duplicates: 'duplicateSamples' in data ? data.duplicateSamples : [],
    };
  } else {
    return [];
  }
  const receivedAt = receivedAtOf(event);
  const chargerId = chargerIdOf(event.streamId);
  const revision = event.revision.toString();
  return source.samples.flatMap((sample, sampleIndex) => {
    // an unreadable time is filed under the time it arrived
    const sampledAt = timestampOrNull(sample.correctedTime) ?? receivedAt;
    return sample.values.map((value, valueIndex) => ({
      sampled_at: sampledAt,
      charger_id: chargerId,
      revision,
      sample_index: sampleIndex,
      value_index: valueIndex,
      tenant: source.tenant,
      transaction_key: source.transactionKey ?? null,
      evse_id: source.evseId,
      connector_id: source.connectorId,
      charger_time: sample.chargerTime,
      measurand: value.measurand,
      phase: value.phase ?? null,
      location: value.location ?? null,
      context: value.context,
      unit: value.unit ?? null,
      value: value.value ?? null,
      raw_value: value.raw.value,
      raw_unit: value.raw.unit ?? null,
      duplicate: source.duplicates.includes(sampleIndex),
    }));
  });
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
