import { describe, expect, it } from 'vitest';
import { callGroups, redecideCalls } from '../../src/app/redecidedHistory.js';
import { sessionAuditTrail } from '../../src/app/sessionAuditTrail.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { historyOfEntries } from '../../src/audit/recomputeCdr.js';
import { initialChargerState } from '../../src/domain/charger/chargerState.js';
import { commandOfRecordedCall } from '../../src/ocpp/recordedCalls.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';
import { recordCalls } from '../support/recordedCalls.js';

const BASE = Date.now() + 60_000;
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();

/**
 * Another driver's transaction on connector 1 that never stopped, then ours on the same connector,
 * which abandons it in the call that starts ours; a status of connector 2 while ours runs.
 */
async function given() {
  const store = new InMemoryEventStore();
  for (const idTag of ['OTHER-DRIVER', 'OUR-DRIVER'])
    await new TokenRegistryService(store, () => new Date()).execute(idTag, { type: 'IssueToken', idTag });
  await recordCalls(store, 'T-1', [
    {
      action: 'BootNotification',
      payload: { chargePointVendor: 'ACME', chargePointModel: 'X' },
      receivedAt: at(0),
    },
    {
      action: 'StartTransaction',
      payload: { connectorId: 1, idTag: 'OTHER-DRIVER', meterStart: 1_000, timestamp: at(1) },
      receivedAt: at(1),
      transactionKey: '7',
    },
    {
      action: 'StartTransaction',
      payload: { connectorId: 1, idTag: 'OUR-DRIVER', meterStart: 5_000, timestamp: at(30) },
      receivedAt: at(30),
      transactionKey: '8',
    },
    {
      action: 'StatusNotification',
      payload: { connectorId: 2, errorCode: 'NoError', status: 'Available' },
      receivedAt: at(35),
    },
    {
      action: 'MeterValues',
      payload: {
        connectorId: 1,
        transactionId: 8,
        meterValue: [{ timestamp: at(40), sampledValue: [{ value: '6000' }] }],
      },
      receivedAt: at(40),
    },
    {
      action: 'StopTransaction',
      payload: { transactionId: 8, meterStop: 7_000, timestamp: at(50) },
      receivedAt: at(50),
    },
  ]);
  const recorded = await store.readStream('charger-T-1');
  const ours = recorded.filter((event) => (event.data as { transactionKey?: string }).transactionKey === '8');
  const trail = await sessionAuditTrail(store, commandOfRecordedCall, {
    chargerId: 'T-1',
    revisions: ours.map((event) => event.revision),
  });
  return { recorded, ours, trail };
}

describe("a session's audit trail", () => {
  it("given a start that abandons another driver's transaction, then the trail holds that call whole and the state before it, the other driver redacted", async () => {
    const { trail } = await given();
    expect(trail.entries.map((entry) => entry.type)).toEqual([
      'TransactionAbandoned',
      'TransactionStarted',
      'ConnectorStatusReported',
      'MeterValuesReported',
      'TransactionStopped',
    ]);
    expect(trail.stateBefore.transactions).toEqual([
      expect.objectContaining({ key: '7', normalisedIdTag: 'redacted' }),
    ]);
    expect(trail.stateBefore.boot?.identification.vendor).toBe('ACME');
    expect(JSON.stringify(trail)).not.toContain('OTHER-DRIVER');
    expect(trail.tokens).toEqual([
      { revision: trail.entries[0]!.revision, token: expect.objectContaining({ idTag: 'OUR-DRIVER' }) },
    ]);
  });

  it('when its calls are decided again from its frames over the state before it, then they come out as recorded; from an empty state they do not', async () => {
    const { recorded, trail } = await given();
    const tokens = new Map(trail.tokens.map(({ revision, token }) => [revision, token ?? undefined]));
    const redecide = (state: typeof trail.stateBefore) =>
      redecideCalls(callGroups(historyOfEntries(trail.entries)), {
        state,
        readCall: commandOfRecordedCall,
        tokenAt: async (_idTag, _receivedAt, revision) => tokens.get(revision.toString()),
        chargerId: 'T-1',
        fromRevision: 0n,
        heartbeatIntervalSeconds: 300,
      });
    const fromTrail = await redecide(trail.stateBefore);
    const asRecorded = recorded
      .filter((event) => trail.entries.some((entry) => entry.revision === event.revision.toString()))
      .map((event) => ({ type: event.type, data: event.data }));
    expect(fromTrail.events.map(({ event }) => event)).toEqual(asRecorded);
    expect(fromTrail.redecided).toBe(4);
    // without the state before it, the start abandons nothing: the state is part of the proof
    const fromNothing = await redecide(initialChargerState());
    expect(fromNothing.events.map(({ event }) => event.type)).not.toContain('TransactionAbandoned');
  });
});
