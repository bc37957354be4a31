import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import {
  type ChargerState,
  evolveCharger,
  initialChargerState,
} from '../../src/domain/charger/chargerState.js';
import { decideCharger } from '../../src/domain/charger/decideCharger.js';
import { commandOfRecordedCall } from '../../src/ocpp/recordedCalls.js';
import type { EventStore } from '../../src/store/eventStore.js';

/** One 1.6 call a charger makes: its action, its payload, when it arrives, the transaction id a start gets. */
export interface GivenCall {
  action: string;
  payload: object;
  receivedAt: string;
  transactionKey?: string;
}

/**
 * Records calls in charger-{chargerId} as a server deciding with `deciding` did: each call's events
 * with its frame, receipt time and message id in their metadata, as the gateway appends them.
 */
export async function recordCalls(
  store: EventStore,
  chargerId: string,
  calls: GivenCall[],
  deciding: (state: ChargerState) => ChargerState = (state) => state,
): Promise<void> {
  let state = initialChargerState();
  let messages = 0;
  for (const { action, payload, receivedAt, transactionKey } of calls) {
    const messageId = `m${++messages}`;
    const ocpp = {
      version: '1.6',
      action,
      messageId,
      frame: JSON.stringify([2, messageId, action, payload]),
    };
    let { command } = commandOfRecordedCall(ocpp)!;
    if ('idTag' in command && command.idTag)
      command = {
        ...command,
        token: await new TokenRegistryService(store, () => new Date()).find(command.idTag),
      };
    const { events } = decideCharger(command, deciding(state), {
      chargerId,
      receivedAt,
      heartbeatIntervalSeconds: 300,
      ...(transactionKey ? { newTransactionKey: transactionKey } : {}),
    });
    for (const event of events) state = evolveCharger(state, event, receivedAt);
    await store.append(
      `charger-${chargerId}`,
      events.map((event) => ({ ...event, metadata: { receivedAt, connectionId: 'conn-1', ocpp } })),
      { expectedRevision: 'any' },
    );
  }
}
