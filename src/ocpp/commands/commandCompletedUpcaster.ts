import type { CommandCompletedV1 } from '../../domain/charger/commands/commandRecords.js';
import type { RecordedEvent } from '../../store/eventStore.js';
import type { Upcaster } from '../../store/upcasting/upcastingEventStore.js';
import type { SchemaRegistry } from '../rpc/schemaRegistry.js';
import { OCPP_VERSIONS } from '../versions.js';
import { outcomeFact } from './outboundCommands.js';

/**
 * CommandCompleted version 1 (before issue 15) kept every outcome untyped, with no word of the
 * charger's version; read models parsed the payloads themselves. Read now, it becomes what the
 * code records today: the typed outcome (the exchange in its metadata) where the version edge
 * has words for it, else CommandCompleted version 2. The version is the one whose schemas the
 * request (and the answer, when there is one) are valid against.
 */
export function commandCompletedUpcaster(schemas: SchemaRegistry): Upcaster {
  const versionOf = ({ action, payload, outcome }: CommandCompletedV1) =>
    OCPP_VERSIONS.find(
      (version) =>
        schemas.knows(version, action) &&
        schemas.validate(version, action, 'request', payload).ok &&
        (outcome.status !== 'answered' || schemas.validate(version, action, 'response', outcome.response).ok),
    );
  return (event: RecordedEvent): RecordedEvent => {
    if (event.type !== 'CommandCompleted' || event.schemaVersion !== 1) return event;
    const data = event.data as CommandCompletedV1;
    const version = versionOf(data);
    const { commandId, action, about, payload, outcome, exchange } = data;
    const fact = version
      ? outcomeFact(version, action, {
          payload,
          outcome,
          ...(about ? { about } : {}),
        })
      : undefined;
    if (!fact) {
      return { ...event, schemaVersion: 2, data: { ...data, ...(version ? { ocppVersion: version } : {}) } };
    }
    return {
      ...event,
      type: fact.type,
      schemaVersion: 1,
      data: { commandId, action, ...fact.data },
      metadata: {
        ...event.metadata,
        command: { ocppVersion: version, payload, outcome, ...(exchange ? { exchange } : {}) },
      },
    };
  };
}
