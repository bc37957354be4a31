import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';
import { receivedAtOf } from '../../src/domain/eventMetadata.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { alertOf, type ChargerAlert, withAlert } from './chargerAlerts.js';

/** A charger's connection and liveness, as its row holds them (times as ISO text in UTC). */
export interface Presence {
  charger_id: string;
  tenant: string;
  connected: boolean;
  connection_id: string | null;
  protocol: string | null;
  connected_at: string | null;
  disconnected_at: string | null;
  disconnect_code: number | null;
  last_seen: string | null;
  heartbeat_interval_seconds: number | null;
  boot: unknown;
  alerts: unknown[];
  /** the last event folded that changed more than last_seen (-1: none yet) */
  last_revision: string;
}

export const newPresence = (chargerId: string): Presence => ({
  charger_id: chargerId,
  tenant: 'default',
  connected: false,
  connection_id: null,
  protocol: null,
  connected_at: null,
  disconnected_at: null,
  disconnect_code: null,
  last_seen: null,
  heartbeat_interval_seconds: null,
  boot: null,
  alerts: [],
  last_revision: '-1',
});

const FACTS: ReadonlySet<string> = new Set([
  'ChargerRegistered',
  'ChargerConnected',
  'ChargerDisconnected',
  'ChargerBooted',
  'ConnectorStatusReported',
]);

/** The charger said something: a connection or any call it made. */
export const isFromCharger = (event: RecordedEvent) =>
  event.type === 'ChargerConnected' || (event.metadata as { ocpp?: unknown } | undefined)?.ocpp !== undefined;

/**
 * An event that tells presence no more than that the charger is alive (most calls: meter values,
 * heartbeats, transactions): it moves last_seen at most. A charger's row need not be read for it,
 * and last_seen only ever moves forward, so folding it twice changes nothing.
 */
export const onlyShowsLife = (event: RecordedEvent) =>
  !FACTS.has(event.type) && alertOf(event.type, event.data, receivedAtOf(event)) === undefined;

/** The later of a row's last_seen and an event's, when the charger sent the event. */
export function lastSeenWith(lastSeen: string | null, event: RecordedEvent): string | null {
  if (!isFromCharger(event)) return lastSeen;
  const receivedAt = receivedAtOf(event);
  return lastSeen === null || receivedAt > lastSeen ? receivedAt : lastSeen;
}

/**
 * The presence after one of its charger's events, in stream order. A sign of life moves last_seen
 * only; any other event is folded once (its revision beyond last_revision) and becomes
 * last_revision. Deterministic in the events alone, so a rebuild in other batches gives the same row.
 */
export function presenceWithEvent(presence: Presence, event: RecordedEvent): Presence {
  const lastSeen = lastSeenWith(presence.last_seen, event);
  if (onlyShowsLife(event))
    return lastSeen === presence.last_seen ? presence : { ...presence, last_seen: lastSeen };
  if (BigInt(presence.last_revision) >= event.revision) return presence; // folded already
  const receivedAt = receivedAtOf(event);
  const next: Presence = { ...presence, last_seen: lastSeen, last_revision: event.revision.toString() };
  const alert = alertOf(event.type, event.data, receivedAt);
  if (alert) next.alerts = withAlert(next.alerts as ChargerAlert[], alert);
  const fact = { type: event.type, data: event.data } as ChargingEvent | RegistryEvent;
  switch (fact.type) {
    case 'ChargerRegistered':
      return { ...next, tenant: fact.data.tenant };
    case 'ChargerConnected':
      return {
        ...next,
        connected: true,
        connection_id: fact.data.connectionId,
        protocol: fact.data.protocol,
        connected_at: receivedAt,
        disconnected_at: null,
        disconnect_code: null,
      };
    case 'ChargerDisconnected':
      // a replacing connection may have announced itself first: only the current one closes
      return presence.connection_id === fact.data.connectionId
        ? { ...next, connected: false, disconnected_at: receivedAt, disconnect_code: fact.data.code }
        : next;
    case 'ChargerBooted': {
      const { decision, quirks: _quirks, expectedHeartbeatSeconds, ...identification } = fact.data;
      return {
        ...next,
        heartbeat_interval_seconds:
          expectedHeartbeatSeconds ?? (decision.status === 'Accepted' ? decision.interval : null),
        boot: { ...identification, status: decision.status, at: receivedAt },
      };
    }
    default:
      return next;
  }
}
