import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { evolveCharger, initialChargerState } from '../../src/domain/charger/chargerState.js';
import {
  type ChargerCommand,
  type DecisionContext,
  decideCharger,
} from '../../src/domain/charger/decideCharger.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';
import { type SessionRecord, sessionFromLog } from '../../src/domain/charger/transactions/sessionRecord.js';
import type { Token } from '../../src/domain/tokens/tokens.js';
import type { Checkpoint, RecordedEvent } from '../../src/store/eventStore.js';

/** When the log begins, and a time so many minutes after it. */
export const T0 = '2026-12-07T10:00:00.000Z';
export const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

/** A start on connector 1 at T0 with 1,000 Wh on the register, authorized for the token. */
export const startAtT0 = (token: Token): ChargerCommand => ({
  type: 'StartTransaction',
  evseId: 1,
  connectorId: 1,
  idTag: token.idTag,
  meterStartWh: 1_000,
  chargerTime: T0,
  token,
});
const registered: RegistryEvent = {
  type: 'ChargerRegistered',
  data: { identity: 'CP1', tenant: 'acme', securityProfile: 0, autoRegistered: false },
};
const approved: RegistryEvent = { type: 'ChargerApproved', data: {} };

/** A charger's log as the decider writes it: each command decided at its time, its events numbered. */
export class ChargerLog {
  private state = [registered, approved].reduce(
    (state, fact) => evolveCharger(state, fact, T0),
    initialChargerState(),
  );
  readonly events: Array<{ event: ChargingEvent; revision: bigint; receivedAt: string }> = [];

  when(command: ChargerCommand, receivedAt: string): this {
    const context: DecisionContext = {
      chargerId: 'CP1',
      receivedAt,
      heartbeatIntervalSeconds: 300,
      newTransactionKey: '101',
    };
    for (const event of decideCharger(command, this.state, context).events) {
      this.state = evolveCharger(this.state, event, receivedAt);
      this.events.push({
        event: event as ChargingEvent,
        revision: BigInt(this.events.length + 2),
        receivedAt,
      });
    }
    return this;
  }

  /** The session folded from the log, as the sessions read model and the CDR issuer fold it. */
  session(): SessionRecord {
    return sessionFromLog(
      'CP1',
      '101',
      this.events.map(({ event, revision, receivedAt }) => ({ event, place: { revision, receivedAt } })),
    )!;
  }

  /** The log as the store delivers it to projectors (from the first decided event). */
  recorded(): RecordedEvent[] {
    return this.events.map(({ event, revision, receivedAt }) => ({
      id: `CP1-${revision}`,
      streamId: 'charger-CP1',
      revision,
      position: `0:${String(revision).padStart(8, '0')}` as Checkpoint,
      type: event.type,
      schemaVersion: 1,
      data: event.data,
      metadata: { receivedAt },
      recordedAt: new Date(receivedAt),
    }));
  }
}
