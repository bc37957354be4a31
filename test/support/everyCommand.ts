import { expect } from 'vitest';
import type { EventStore } from '../../src/store/eventStore.js';
import type { TestCharger } from './gatewayHarness.js';

/** Every CSMS→charger message of a version: a request valid against its schema, and an answer a charger may give. */
export type Exchanges = Record<string, { request: object; answer: object }>;

type Send = (action: string) => Promise<{ status: number; body: unknown }>;

/** Each command goes to the charger as given, and its answer comes back through the API as it was. */
export async function expectEachSentAsGiven(send: Send, charger: TestCharger, exchanges: Exchanges) {
  for (const [action, { request, answer }] of Object.entries(exchanges)) {
    expect({ action, ...(await send(action)) }).toEqual({
      action,
      status: 200,
      body: { status: 'answered', response: answer },
    });
    expect(charger.calls.at(-1)).toEqual([expect.any(String), action, request]);
  }
}

/** A charger that answers each with CALLERROR NotSupported (its answerer set so): reported as such. */
export async function expectEachCallErrorReported(send: Send, exchanges: Exchanges) {
  for (const action of Object.keys(exchanges)) {
    expect({ action, ...(await send(action)) }).toEqual({
      action,
      status: 200,
      body: { status: 'error', errorCode: 'NotSupported', description: `no ${action} here` },
    });
  }
}

/** Each command's outcome as its charger's stream records it: typed, or CommandCompleted. */
export async function recordedCommandOutcomes(store: EventStore, streamId: string) {
  return (await store.readStream(streamId))
    .filter((event) => event.type === 'CommandCompleted' || event.metadata.command !== undefined)
    .map((event) => {
      const { action } = event.data as { action: string };
      const record = (event.type === 'CommandCompleted' ? event.data : event.metadata.command) as {
        outcome: { status: string };
      };
      return { action, outcome: record.outcome.status, type: event.type, data: event.data };
    });
}
