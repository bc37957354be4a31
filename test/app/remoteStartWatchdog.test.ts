import { describe, expect, it } from 'vitest';
import { RemoteStartWatchdog } from '../../src/app/remoteStartWatchdog.js';
import { decoratedStore, type EventStore } from '../../src/store/eventStore.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';

const REQUESTED = '2026-11-22T10:00:00.000Z';
const request = { commandId: 'cmd-1', evseId: 1, idTag: 'TAG', requestedAt: REQUESTED };
const fact = (type: string, data: object, receivedAt: string) => ({ type, data, metadata: { receivedAt } });
/** the charger took the remote start: its typed outcome, as the command service records it */
const accepted = fact(
  'RemoteStartAccepted',
  { ...request, action: 'RemoteStartTransaction' },
  '2026-11-22T10:00:00.200Z',
);
let transactions = 0;
const started = (receivedAt: string, evseId = 1) =>
  fact(
    'TransactionStarted',
    {
      evseId,
      connectorId: 1,
      transactionKey: String(++transactions),
      tenant: 'default',
      idTag: 'TAG',
      normalisedIdTag: 'TAG',
      meterStartWh: 0,
      chargerTime: receivedAt,
      correctedTime: receivedAt,
      authorization: { status: 'Accepted', reason: 'known token' },
      flags: [],
    },
    receivedAt,
  );

/** The watchdog on `store`, armed for CP-1; resolves with the charger's stream once it has looked. */
async function watched(store: EventStore, log: InMemoryEventStore) {
  const failures: unknown[] = [];
  const watchdog = new RemoteStartWatchdog(store, 10, () => new Date('2026-11-22T10:00:30.000Z'), {
    warn: (detail) => failures.push(detail),
  });
  watchdog.arm('CP-1', request.commandId);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(failures).toEqual([]);
  return (await log.readStream('charger-CP-1')).map((event) => event.type);
}

describe('the remote start watchdog', () => {
  it('given no start since the request, when the time is up, records RemoteStartTimedOut', async () => {
    const log = new InMemoryEventStore();
    await log.append('charger-CP-1', [accepted, fact('HeartbeatReceived', {}, REQUESTED)], {
      expectedRevision: 'any',
    });
    expect(await watched(log, log)).toEqual([
      'RemoteStartAccepted',
      'HeartbeatReceived',
      'RemoteStartTimedOut',
    ]);
  });

  it('given a start on the connector since the request, records nothing', async () => {
    const log = new InMemoryEventStore();
    await log.append('charger-CP-1', [accepted, started('2026-11-22T10:00:05.000Z')], {
      expectedRevision: 'any',
    });
    expect(await watched(log, log)).toEqual(['RemoteStartAccepted', 'TransactionStarted']);
  });

  it('given its transaction recorded before the charger’s answer to the remote start, records nothing', async () => {
    const log = new InMemoryEventStore();
    await log.append('charger-CP-1', [started('2026-11-22T10:00:00.100Z'), accepted], {
      expectedRevision: 'any',
    });
    expect(await watched(log, log)).toEqual(['TransactionStarted', 'RemoteStartAccepted']);
  });

  it('given no remote start the charger accepted, records nothing', async () => {
    const log = new InMemoryEventStore();
    await log.append('charger-CP-1', [fact('HeartbeatReceived', {}, REQUESTED)], { expectedRevision: 'any' });
    expect(await watched(log, log)).toEqual(['HeartbeatReceived']);
  });

  it('given only a start before the request or on another connector, records the timeout', async () => {
    const log = new InMemoryEventStore();
    await log.append('charger-CP-1', [started('2026-11-22T09:59:00.000Z'), accepted, started(REQUESTED, 2)], {
      expectedRevision: 'any',
    });
    expect((await watched(log, log)).at(-1)).toBe('RemoteStartTimedOut');
  });

  it('when a start is appended between its look and its append, it looks again and records nothing', async () => {
    const log = new InMemoryEventStore();
    await log.append('charger-CP-1', [accepted, fact('HeartbeatReceived', {}, REQUESTED)], {
      expectedRevision: 'any',
    });
    let raced = false;
    const racing = decoratedStore(log, {
      async append(streamId, events, options) {
        if (!raced) {
          raced = true;
          await log.append(streamId, [started('2026-11-22T10:00:29.000Z')], { expectedRevision: 'any' });
        }
        return log.append(streamId, events, options);
      },
    });
    expect(await watched(racing, log)).toEqual([
      'RemoteStartAccepted',
      'HeartbeatReceived',
      'TransactionStarted',
    ]);
  });
});
