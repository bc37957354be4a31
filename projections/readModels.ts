import { apiTokensProjector } from './apiTokens/apiTokensProjector.js';
import { authorizationLogProjector } from './authorizationLog/authorizationLogProjector.js';
import { cdrsProjector } from './cdrs/cdrsProjector.js';
import { chargerCertificatesProjector } from './chargerCertificates/chargerCertificatesProjector.js';
import { chargerRegistryProjector } from './chargerRegistry/chargerRegistryProjector.js';
import { chargingProfilesProjector } from './chargingProfiles/chargingProfilesProjector.js';
import { connectorStatusProjector } from './connectorStatus/connectorStatusProjector.js';
import { deviceModelProjector } from './deviceModel/deviceModelProjector.js';
import { firmwareUpdatesProjector } from './firmwareUpdates/firmwareUpdatesProjector.js';
import { localListsProjector } from './localLists/localListsProjector.js';
import { locationsProjector } from './locations/locationsProjector.js';
import { meterValuesProjector } from './meterValues/meterValuesProjector.js';
import { ocpiPushesProjector } from './ocpiPushes/ocpiPushesProjector.js';
import { ocpiTokensProjector } from './ocpiTokens/ocpiTokensProjector.js';
import type { Projector } from './projector.js';
import { reservationsProjector } from './reservations/reservationsProjector.js';
import { sessionsProjector } from './sessions/sessionsProjector.js';
import { tariffsProjector } from './tariffs/tariffsProjector.js';
import { tokensProjector } from './tokens/tokensProjector.js';

/** Every read model, by name: what the server runs and what `npm run rebuild` can rebuild. */
export const READ_MODELS: Record<string, () => Promise<Projector>> = {
  charger_registry: () => chargerRegistryProjector(),
  connector_status: () => connectorStatusProjector(),
  sessions: () => sessionsProjector(),
  cdrs: () => cdrsProjector(),
  meter_values: () => meterValuesProjector(),
  authorization_log: () => authorizationLogProjector(),
  reservations: () => reservationsProjector(),
  charging_profiles: () => chargingProfilesProjector(),
  api_tokens: () => apiTokensProjector(),
  tokens: () => tokensProjector(),
  local_lists: () => localListsProjector(),
  firmware_updates: () => firmwareUpdatesProjector(),
  device_model: () => deviceModelProjector(),
  charger_certificates: () => chargerCertificatesProjector(),
  tariffs: () => tariffsProjector(),
  locations: () => locationsProjector(),
  ocpi_tokens: () => ocpiTokensProjector(),
  ocpi_cdr_pushes: () => ocpiPushesProjector(),
};

export const READ_MODEL_NAMES = Object.keys(READ_MODELS);
