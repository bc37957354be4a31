import { describe, expect, it } from 'vitest';
import { loadCharger } from '../../src/app/chargerSnapshots.js';
import type { EventStore } from '../../src/store/eventStore.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';
import { chargerHandlerOn } from '../support/chargerHandler.js';

// the contract suite holds the in-memory log to PostgreSQL's behaviour: no database needed here
const store = new InMemoryEventStore();

/**
 * The log, with another writer that gets into the charger's stream just before each of the
 * handler's first `times` appends: as in a reconnect storm, where a charger's old and new
 * connections and their connection facts write to one stream at once.
 */
function contended(identity: string, times: number): { log: EventStore; competed(): number } {
  let competed = 0;
  const log: EventStore = {
    async append(streamId, events, options) {
      if (streamId === `charger-${identity}` && options.expectedRevision !== 'any' && competed < times) {
        competed++;
        await store.append(
          streamId,
          [
            {
              type: 'ChargerConnected',
              data: { connectionId: `other-${competed}`, protocol: 'ocpp1.6', remoteAddress: '127.0.0.1' },
              metadata: { receivedAt: new Date().toISOString() },
            },
          ],
          { expectedRevision: 'any' },
        );
      }
      return store.append(streamId, events, options);
    },
    readStream: (streamId, options) => store.readStream(streamId, options),
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headCheckpoint: (options) => store.headCheckpoint(options),
    close: () => store.close(),
  };
  return { log, competed: () => competed };
}

describe('the write path under contention', () => {
  it('a StopTransaction is acknowledged however many times another writer gets into the stream first', async () => {
    const identity = 'CP-BUSY';
    await store.append(
      `charger-${identity}`,
      [
        {
          type: 'ChargerConnected',
          data: { connectionId: 'c0', protocol: 'ocpp1.6', remoteAddress: '127.0.0.1' },
        },
      ],
      { expectedRevision: 'no_stream' },
    );
    const { log, competed } = contended(identity, 12);
    const handle = chargerHandlerOn(log).forSession({ identity, connectionId: 'c1', version: '1.6' });
    const payload = { transactionId: 77, meterStop: 1_200, timestamp: '2026-11-22T10:00:00.000Z' };
    const answer = await handle({
      action: 'StopTransaction',
      payload,
      messageId: 's1',
      frame: JSON.stringify([2, 's1', 'StopTransaction', payload]),
      receivedAt: new Date('2026-11-22T10:00:01.000Z'),
      unanswered: false,
    });
    expect(answer).toEqual({});
    expect(competed()).toBe(12);
    const events = await store.readStream(`charger-${identity}`);
    expect(events.filter((event) => event.type === 'ChargerConnected')).toHaveLength(13);
    expect(events.filter((event) => event.type !== 'ChargerConnected')).toHaveLength(1);
  });
});

/** The log, counting reads of one stream (what a connection costs the database). */
function counted(identity: string): { log: EventStore; reads(): number } {
  let reads = 0;
  const log: EventStore = {
    append: (streamId, events, options) => store.append(streamId, events, options),
    readStream: (streamId, options) => {
      if (streamId === `charger-${identity}`) reads++;
      return store.readStream(streamId, options);
    },
    readAll: (options) => store.readAll(options),
    subscribe: (options) => store.subscribe(options),
    headCheckpoint: (options) => store.headCheckpoint(options),
    close: () => store.close(),
  };
  return { log, reads: () => reads };
}

const boot = (messageId: string) => {
  const payload = { chargePointVendor: 'Acme', chargePointModel: 'One' };
  return {
    action: 'BootNotification',
    payload,
    messageId,
    frame: JSON.stringify([2, messageId, 'BootNotification', payload]),
    receivedAt: new Date('2026-12-07T10:00:00.000Z'),
    unanswered: false,
  };
};

describe('a connection opened on what admission read', () => {
  const registered = async (identity: string) => {
    await store.append(
      `charger-${identity}`,
      [{ type: 'ChargerRegistered', data: { identity, tenant: 'default', securityProfile: 0 } }],
      { expectedRevision: 'no_stream' },
    );
    await store.append(`charger-${identity}`, [{ type: 'ChargerApproved', data: {} }], {
      expectedRevision: 0n,
    });
  };

  it('records its connection fact next and decides its boot after it without reading the stream again', async () => {
    const identity = 'CP-OPEN-1';
    await registered(identity);
    const { log, reads } = counted(identity);
    const handler = chargerHandlerOn(log);
    const admitted = await loadCharger(log, identity);
    const before = reads();
    const handle = handler.openSession(
      { identity, connectionId: 'c1', version: '1.6', remoteAddress: '10.0.0.7' },
      admitted,
    );
    const answer = await handle(boot('b1'));
    expect(answer).toMatchObject({ status: 'Accepted' });
    expect(reads() - before).toBe(0);
    const events = await store.readStream(`charger-${identity}`);
    expect(events.map((event) => event.type)).toEqual([
      'ChargerRegistered',
      'ChargerApproved',
      'ChargerConnected',
      'ChargerBooted',
    ]);
    expect(events[2]!.data).toEqual({ connectionId: 'c1', protocol: 'ocpp1.6', remoteAddress: '10.0.0.7' });
  });

  it('still records its fact when another writer got in after admission, and decides its boot on the caught-up stream', async () => {
    const identity = 'CP-OPEN-2';
    await registered(identity);
    const admitted = await loadCharger(store, identity);
    // the connection this one replaces says goodbye in between
    await store.append(
      `charger-${identity}`,
      [{ type: 'ChargerDisconnected', data: { connectionId: 'c0', code: 4000, reason: 'replaced' } }],
      { expectedRevision: 'any' },
    );
    const handle = chargerHandlerOn(store).openSession(
      { identity, connectionId: 'c1', version: '1.6', remoteAddress: '10.0.0.7' },
      admitted,
    );
    expect(await handle(boot('b1'))).toMatchObject({ status: 'Accepted' });
    const events = await store.readStream(`charger-${identity}`);
    expect(events.slice(2).map((event) => event.type)).toEqual([
      'ChargerDisconnected',
      'ChargerConnected',
      'ChargerBooted',
    ]);
  });
});
