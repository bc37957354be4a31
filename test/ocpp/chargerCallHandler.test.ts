import { describe, expect, it } from 'vitest';
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
