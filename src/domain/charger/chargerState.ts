import type { Registration } from '../chargers/chargerRegistry.js';
import { evolveRegistration } from '../chargers/chargerRegistry.js';
import type { RegistryEvent } from '../chargers/registryEvents.js';
import { REGISTRY_EVENT_TYPES } from '../chargers/registryEvents.js';
import type { BootStatus, ChargerIdentification, ChargingEvent } from './chargerEvents.js';

/** What the decider needs to know of a charger, folded from its stream. */
export interface ChargerState {
  registration?: Registration;
  boot?: { status: BootStatus; identification: ChargerIdentification; at: string };
  lastHeartbeatAt?: string;
  connectors: Record<string, { status: string; availability: string; at: string }>;
}

export const initialChargerState = (): ChargerState => ({ connectors: {} });

export function evolveCharger(
  state: ChargerState,
  event: { type: string; data: unknown },
  at: string,
): ChargerState {
  if (REGISTRY_EVENT_TYPES.has(event.type)) {
    return { ...state, registration: evolveRegistration(state.registration, event as RegistryEvent) };
  }
  const charging = event as ChargingEvent;
  switch (charging.type) {
    case 'ChargerBooted': {
      const { decision, reason: _reason, ...identification } = charging.data;
      return { ...state, boot: { status: decision.status, identification, at } };
    }
    case 'HeartbeatReceived':
      return { ...state, lastHeartbeatAt: at };
    case 'ConnectorStatusReported': {
      const key = `${charging.data.evseId}/${charging.data.connectorId}`;
      const { status, availability } = charging.data;
      return { ...state, connectors: { ...state.connectors, [key]: { status, availability, at } } };
    }
    default:
      return state;
  }
}
