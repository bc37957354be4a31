import { describe, expect, it } from 'vitest';
import { redecideChargerHistory } from '../../src/app/redecidedHistory.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { ChargerState } from '../../src/domain/charger/chargerState.js';
import { sessionFromLog } from '../../src/domain/charger/transactions/sessionRecord.js';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import { commandOfRecordedCall } from '../../src/ocpp/recordedCalls.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';
import { type GivenCall, recordCalls } from '../support/recordedCalls.js';

/** after the token is issued (now): the replay looks tokens up as their streams stood at each call */
const BASE = Date.now() + 60_000;
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
const energy = (value: string, timestamp: string) => ({
  timestamp,
  sampledValue: [{ value, measurand: 'Energy.Active.Import.Register', unit: 'Wh' }],
});

/** An OpenEVSE 5.x: its MeterValues carry the register in kWh labelled Wh (vendorQuirks). */
const OPENEVSE_SESSION: GivenCall[] = [
  {
    action: 'BootNotification',
    payload: { chargePointVendor: 'OpenEVSE', chargePointModel: 'ESP32', firmwareVersion: '5.1.0' },
    receivedAt: at(0),
  },
  {
    action: 'StartTransaction',
    payload: { connectorId: 1, idTag: 'TAG-Q', meterStart: 12_000, timestamp: at(1) },
    receivedAt: at(1),
    transactionKey: '41',
  },
  {
    action: 'MeterValues',
    payload: { connectorId: 1, transactionId: 41, meterValue: [energy('13', at(16))] },
    receivedAt: at(16),
  },
  {
    action: 'DataTransfer',
    payload: { vendorId: 'OpenEVSE', messageId: 'diag', data: 'ok' },
    receivedAt: at(20),
  },
  {
    action: 'StopTransaction',
    payload: { transactionId: 41, meterStop: 14_000, timestamp: at(31), reason: 'Local' },
    receivedAt: at(31),
  },
];

const recordHistory = (store: InMemoryEventStore, deciding: (state: ChargerState) => ChargerState) =>
  recordCalls(store, 'Q-1', OPENEVSE_SESSION, deciding);

/** what a server that did not know OpenEVSE 5.x's quirk decided with: the firmware unseen by the quirk table */
const withoutTheQuirk = (state: ChargerState): ChargerState =>
  state.boot
    ? {
        ...state,
        boot: { ...state.boot, identification: { ...state.boot.identification, firmwareVersion: '?' } },
      }
    : state;

async function given(deciding: (state: ChargerState) => ChargerState) {
  const store = new InMemoryEventStore();
  await new TokenRegistryService(store, () => new Date()).execute('TAG-Q', {
    type: 'IssueToken',
    idTag: 'TAG-Q',
  });
  await recordHistory(store, deciding);
  const recorded = (await store.readStream('charger-Q-1')).map((event) => ({
    event: { type: event.type, data: event.data } as ChargingEvent,
    place: { revision: event.revision, receivedAt: receivedAtOf(event) },
  }));
  const replay = await redecideChargerHistory(store, commandOfRecordedCall, {
    chargerId: 'Q-1',
    fromRevision: 0n,
    untilRevision: BigInt(recorded.length - 1),
    heartbeatIntervalSeconds: 300,
  });
  return { recorded, replay };
}

const codes = (session: { flags: Array<{ code: string }> } | undefined) =>
  session?.flags.map((flag) => flag.code);

describe("a charger's history decided again from its raw frames", () => {
  it('given a history today’s decider recorded, when decided again, then every event comes out the same', async () => {
    const { recorded, replay } = await given((state) => state);
    expect(replay.events.map(({ event }) => event)).toEqual(recorded.map(({ event }) => event));
    // boot, start, meter values and stop were decided again; the DataTransfer kept its event
    expect(replay.redecided).toBe(4);
    expect(replay.read).toBe(recorded.length);
  });

  it('given a history recorded before a vendor quirk was known, when decided again, then the quirk’s fix applies and the session’s flags follow', async () => {
    const { recorded, replay } = await given(withoutTheQuirk);
    const asRecorded = sessionFromLog('Q-1', '41', recorded);
    const asToday = sessionFromLog('Q-1', '41', replay.events);
    // then: the sample read as 13 Wh, below the start's 12 kWh, looked like a register reset
    expect(codes(asRecorded)).toContain('register_reset');
    // today: 13 kWh, scaled by the quirk, lies between the start's 12 and the stop's 14 kWh
    expect(codes(asToday)).toEqual([]);
    expect(asToday).toMatchObject({ status: 'stopped', energyWh: 2_000 });
    const sample = replay.events.find(({ event }) => event.type === 'MeterValuesReported')!.event as Extract<
      ChargingEvent,
      { type: 'MeterValuesReported' }
    >;
    expect(sample.data.samples[0]!.values[0]).toMatchObject({
      value: 13_000,
      quirk: 'meter-values-kwh-as-wh',
    });
  });

  it('keeps the events from the revision asked for only, decided over everything before it', async () => {
    const store = new InMemoryEventStore();
    await new TokenRegistryService(store, () => new Date()).execute('TAG-Q', {
      type: 'IssueToken',
      idTag: 'TAG-Q',
    });
    await recordHistory(store, withoutTheQuirk);
    // from the start on: the boot before it still switched the quirk on
    const replay = await redecideChargerHistory(store, commandOfRecordedCall, {
      chargerId: 'Q-1',
      fromRevision: 1n,
      untilRevision: 10n,
      heartbeatIntervalSeconds: 300,
    });
    expect(replay.events[0]!.event.type).toBe('TransactionStarted');
    expect(codes(sessionFromLog('Q-1', '41', replay.events))).toEqual([]);
  });
});
