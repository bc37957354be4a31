import { commandCompletedUpcaster } from '../ocpp/commands/commandCompletedUpcaster.js';
import type { SchemaRegistry } from '../ocpp/rpc/schemaRegistry.js';
import { type Upcaster, upcastersInTurn } from '../store/upcasting/upcastingEventStore.js';

/** Every upcaster of an older event shape, in the order the shapes changed (ARCHITECTURE §4). */
export const upcastersOf = (schemas: SchemaRegistry): Upcaster =>
  upcastersInTurn([commandCompletedUpcaster(schemas)]);
