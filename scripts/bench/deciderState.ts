/**
 * npm run bench:decider-state — the heap one charger's decider state holds after N sessions, the
 * state every connected charger keeps resident (issue 18's memory, issue 19's soak slope). Each
 * session: a start, a meter sample every 15 s for 10 minutes, a stop; folded by evolveCharger
 * from events parsed from JSON, as the server folds them from the log. A retained size, so the
 * collector is run before each reading (this measures what stays, not how the server's heap
 * breathes under load: the soak does that).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ChargerStreamEvent } from '../../src/domain/charger/chargerEvents.js';
import {
  type ChargerState,
  evolveCharger,
  initialChargerState,
} from '../../src/domain/charger/chargerState.js';
import { periodicSampleData } from './meterSample.js';
import { progress, report, round } from './report.js';

const CHARGERS = 500;
const SESSIONS = [0, 1, 3, 10, 50, 100];
const SAMPLES_PER_SESSION = 40;
const SAMPLE_EVERY_MS = 15_000;

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
const retainedHeap = () => {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
};

const iso = (ms: number) => new Date(ms).toISOString();
/** through JSON, as an event read from the log is */
const fromLog = (event: { type: string; data: unknown }) =>
  JSON.parse(JSON.stringify(event)) as ChargerStreamEvent;

/** Registered, approved, booted, its two connectors reported: a charger as it stands once connected. */
function bootedCharger(charger: number, at: number): ChargerState {
  const identity = `CP-${charger}`;
  const facts = [
    {
      type: 'ChargerRegistered',
      data: { identity, tenant: 'default', securityProfile: 0, autoRegistered: false },
    },
    { type: 'ChargerApproved', data: {} },
    {
      type: 'ChargerBooted',
      data: {
        vendor: 'Vendor',
        model: 'Model-22',
        serialNumber: `SN-${charger}`,
        firmwareVersion: '1.8.3',
        decision: { status: 'Accepted', interval: 300, currentTime: iso(at) },
        expectedHeartbeatSeconds: 300,
      },
    },
    ...[0, 1].map((connectorId) => ({
      type: 'ConnectorStatusReported',
      data: {
        evseId: connectorId,
        connectorId,
        status: 'Available',
        availability: 'Available',
        chargerTime: iso(at),
      },
    })),
  ];
  return facts.reduce((state, fact) => evolveCharger(state, fromLog(fact), iso(at)), initialChargerState());
}

function chargerAfter(sessions: number, charger: number): ChargerState {
  let at = Date.parse('2026-12-01T00:00:00Z') + charger * 1_000;
  let state = bootedCharger(charger, at);
  let registerWh = 1_000;
  for (let session = 0; session < sessions; session++) {
    const transactionKey = String(100_000 + charger * 1_000 + session);
    const idTag = `TAG${charger % 50}`;
    state = evolveCharger(
      state,
      fromLog({
        type: 'TransactionStarted',
        data: {
          evseId: 1,
          connectorId: 1,
          transactionKey,
          tenant: 'default',
          idTag,
          normalisedIdTag: idTag,
          meterStartWh: registerWh,
          chargerTime: iso(at),
          correctedTime: iso(at),
          authorization: { status: 'Accepted', reason: 'known token' },
          flags: [],
        },
      }),
      iso(at),
    );
    for (let sample = 0; sample < SAMPLES_PER_SESSION; sample++) {
      at += SAMPLE_EVERY_MS;
      registerWh += 46;
      state = evolveCharger(
        state,
        fromLog({
          type: 'MeterValuesReported',
          data: periodicSampleData(transactionKey, iso(at), registerWh),
        }),
        iso(at),
      );
    }
    at += 5_000;
    state = evolveCharger(
      state,
      fromLog({
        type: 'TransactionStopped',
        data: {
          transactionKey,
          tenant: 'default',
          meterStopWh: registerWh,
          chargerTime: iso(at),
          correctedTime: iso(at),
          reason: 'Local',
          stopKind: 'normal',
          samples: [],
          duplicateSamples: [],
          energyWh: SAMPLES_PER_SESSION * 46,
          flags: [],
        },
      }),
      iso(at),
    );
    // the next driver plugs in six minutes later
    at += 360_000;
  }
  return state;
}

const rows = [];
for (const sessions of SESSIONS) {
  progress(`${CHARGERS} chargers × ${sessions} sessions`);
  const before = retainedHeap();
  const states = Array.from({ length: CHARGERS }, (_, charger) => chargerAfter(sessions, charger));
  const after = retainedHeap();
  const sample = states[0]!;
  rows.push({
    case: sessions === 0 ? 'booted, no session yet' : `after ${sessions} session${sessions === 1 ? '' : 's'}`,
    'transactions kept': sample.transactions.length,
    'with their meter': sample.transactions.filter((transaction) => !transaction.meterDropped).length,
    'heap KB per charger': round((after - before) / CHARGERS / 1024, 1),
    'snapshot KB (JSON)': round(JSON.stringify(sample).length / 1024, 1),
  });
  states.length = 0;
}
await report('deciderState', rows, { chargers: CHARGERS, samplesPerSession: SAMPLES_PER_SESSION });
