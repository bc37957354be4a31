import type { ChargingEvent } from '../domain/charger/chargerEvents.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import { type SessionRecord, sessionFromLog } from '../domain/charger/transactions/sessionRecord.js';
import { receivedAtOf } from '../domain/eventMetadata.js';
import type { EventStore } from '../store/eventStore.js';

/**
 * A session folded from its charger's stream, from its first revision to its last (the charger's
 * boots and connector states in between included): what a decision or an audit reads of it,
 * from the log rather than a read model that may lag.
 */
export async function sessionFromStore(
  store: EventStore,
  session: { chargerId: string; transactionKey: string; firstRevision: bigint; lastRevision: bigint },
): Promise<SessionRecord | undefined> {
  const recorded = await store.readStream(chargerStream(session.chargerId), {
    fromRevision: session.firstRevision,
    maxCount: Number(session.lastRevision - session.firstRevision) + 1,
  });
  return sessionFromLog(
    session.chargerId,
    session.transactionKey,
    recorded.map((event) => ({
      event: { type: event.type, data: event.data } as ChargingEvent,
      place: { revision: event.revision, receivedAt: receivedAtOf(event) },
    })),
  );
}
