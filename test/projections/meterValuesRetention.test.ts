import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropExpiredMeterValues,
  meterValuesProjector,
} from '../../projections/meterValues/meterValuesProjector.js';
import { migrateProjection } from '../../projections/projectionRunner.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { freshSchemaPool } from '../support/database.js';

let pool: pg.Pool;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ pool, drop } = await freshSchemaPool('retention'));
});
afterAll(() => drop());

const meterValues = (revision: bigint, time: string): RecordedEvent =>
  ({
    id: `00000000-0000-4000-8000-00000000000${revision}`,
    streamId: 'charger-CP1',
    revision,
    position: `0:${revision}`,
    type: 'MeterValuesReported',
    data: {
      tenant: 'default',
      evseId: 1,
      connectorId: 1,
      link: 'none',
      samples: [
        {
          chargerTime: time,
          correctedTime: time,
          values: [
            {
              measurand: 'Energy.Active.Import.Register',
              value: 1,
              unit: 'Wh',
              context: 'Sample.Periodic',
              format: 'Raw',
              raw: { value: '1' },
            },
          ],
        },
      ],
      duplicateSamples: [],
    },
    metadata: { receivedAt: time },
    recordedAt: new Date(time),
  }) as unknown as RecordedEvent;

describe('meter values by month', () => {
  it('each month gets its partition; retention drops the months that ended before the kept ones', async () => {
    const projector = await meterValuesProjector();
    await migrateProjection(pool, projector);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await projector.apply(
        [
          meterValues(0n, '2026-08-15T10:00:00.000Z'),
          meterValues(1n, '2026-09-30T23:59:59.000Z'),
          meterValues(2n, '2026-10-01T00:00:00.000Z'),
          meterValues(3n, '2026-11-22T10:00:00.000Z'),
        ],
        client,
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const partitions = async () =>
      (
        await pool.query<{ name: string; n: number }>(
          `SELECT tableoid::regclass::text AS name, count(*)::int AS n FROM meter_values GROUP BY 1 ORDER BY 1`,
        )
      ).rows;
    expect(await partitions()).toEqual([
      { name: 'meter_values_2026_08', n: 1 },
      { name: 'meter_values_2026_09', n: 1 },
      { name: 'meter_values_2026_10', n: 1 },
      { name: 'meter_values_2026_11', n: 1 },
    ]);
    // keep one whole month besides the current one (November): October stays, September goes
    expect(await dropExpiredMeterValues(pool, 1, new Date('2026-11-22T12:00:00Z'))).toEqual([
      'meter_values_2026_08',
      'meter_values_2026_09',
    ]);
    expect((await partitions()).map((partition) => partition.name)).toEqual([
      'meter_values_2026_10',
      'meter_values_2026_11',
    ]);
  });
});
