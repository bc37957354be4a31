import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sessionRecordOfRow } from '../../projections/sessions/sessionRow.js';
import { sessionsProjector } from '../../projections/sessions/sessionsProjector.js';
import type { ChargerCommand } from '../../src/domain/charger/decideCharger.js';
import { inTimeOrder, type RegisterReading } from '../../src/policies/energyReconciliation.js';
import { at, ChargerLog, startAtT0, T0 } from '../support/chargerLog.js';
import { batchesOf, ProjectorTables } from '../support/projectorBatches.js';

const start = startAtT0({ idTag: 'TAG1', tenant: 'acme', blocked: false });

/** What a charger may say while its session runs, and after it stopped (late samples). */
const step = fc.oneof(
  // samples, their times out of order and repeated now and then, in Wh or kWh
  fc.record({
    kind: fc.constant('samples' as const),
    readings: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 30_000 }), fc.integer({ min: -5, max: 120 }), fc.boolean()),
      { minLength: 1, maxLength: 3 },
    ),
  }),
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.constantFrom('Charging', 'SuspendedEV', 'SuspendedEVSE'),
  }),
  fc.constant({ kind: 'boot' as const }),
  fc.record({ kind: fc.constant('stop' as const), meterStopWh: fc.integer({ min: 0, max: 30_000 }) }),
);

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never;

function logOf(steps: Step[]) {
  const log = new ChargerLog().when(start, T0);
  steps.forEach((next, index) => {
    const now = at(index + 1);
    switch (next.kind) {
      case 'samples':
        log.when(
          {
            type: 'ReportMeterValues',
            evseId: 1,
            connectorId: 1,
            transactionKey: '101',
            samples: next.readings.map(([wh, minute, inKwh]) => ({
              chargerTime: at(minute),
              values: [
                {
                  value: inKwh ? String(wh / 1000) : String(wh),
                  measurand: 'Energy.Active.Import.Register',
                  ...(inKwh ? { unit: 'kWh' } : {}),
                },
              ],
            })),
          } as ChargerCommand,
          now,
        );
        break;
      case 'status':
        log.when(
          {
            type: 'ReportConnectorStatus',
            evseId: 1,
            connectorId: 1,
            status: next.status,
            availability: 'Available',
            errorCode: 'NoError',
            chargerTime: now,
          },
          now,
        );
        break;
      case 'boot':
        log.when({ type: 'BootCharger', identification: { vendor: 'ACME', model: 'X' } }, now);
        break;
      case 'stop':
        log.when(
          {
            type: 'StopTransaction',
            transactionKey: '101',
            meterStopWh: next.meterStopWh,
            chargerTime: now,
            token: undefined,
            samples: [],
          },
          now,
        );
        break;
    }
  });
  return log;
}

describe('the sessions read model', () => {
  it('given any session, whatever the batches, then its row and events are the same, and its record is what the log folds to', {
    timeout: 180_000,
  }, async () => {
    const projector = await ProjectorTables.open(await sessionsProjector());
    const tables = ['sessions', 'session_events', 'orphan_stops'];
    await fc
      .assert(
        fc.asyncProperty(
          fc.array(step, { minLength: 1, maxLength: 12 }),
          fc.integer({ min: 1, max: 5 }),
          async (steps, size) => {
            const log = logOf(steps);
            const recorded = log.recorded();
            const whole = await projector.rowsAfter([recorded], tables);
            const cut = await projector.rowsAfter(batchesOf(recorded, size), tables);
            expect(cut).toEqual(whole);

            // the row, its meter whole again from its events, is the session the log folds to
            const [row] = whole.sessions as Array<Record<string, unknown> & { meter: object | null }>;
            const events = (
              whole.session_events as Array<{ revision: string; readings: RegisterReading[] }>
            ).sort((a, b) => Number(BigInt(a.revision) - BigInt(b.revision)));
            const readings = inTimeOrder(events.flatMap((event) => event.readings));
            const fromRow = sessionRecordOfRow({ ...row, meter: row!.meter && { ...row!.meter, readings } });
            const folded = log.session();
            const figures = (session: typeof folded) => ({
              status: session.status,
              energyWh: session.energyWh,
              flags: session.flags,
              meter: session.meter,
              chargingSeconds: session.chargingSeconds,
              idleSeconds: session.idleSeconds,
              chargingStates: session.chargingStates,
              firstRevision: session.firstRevision,
              lastRevision: session.lastRevision,
            });
            expect(figures(fromRow)).toEqual(figures(folded));
            expect(events.map((event) => event.revision)).toEqual(
              log.events
                .filter(({ event }) => (event.data as { transactionKey?: string }).transactionKey === '101')
                .filter(({ event }) => event.type !== 'TransactionStopOrphaned')
                .map(({ revision }) => revision.toString())
                .filter((revision, index, all) => all.indexOf(revision) === index),
            );
          },
        ),
        { numRuns: 25 },
      )
      .finally(() => projector.close());
  });
});
