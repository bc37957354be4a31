import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from './apiClient.js';
import { TestCharger } from './gatewayHarness.js';

/** The eMSP's driver card (DE*EMP), as the eMSP pushes it. */
export const ROAMING_CARD = {
  country_code: 'DE',
  party_id: 'EMP',
  uid: 'ROAM01',
  type: 'RFID',
  contract_id: 'DE-EMP-C12345678',
  issuer: 'Roam GmbH',
  valid: true,
  whitelist: 'ALLOWED',
};

/**
 * A charger in a published location, with the eMSP's card pushed to us: what a CDR needs to be
 * an eMSP's to pull. Returns the charger, connected and booted.
 */
export async function roamingSite(options: {
  server: RunningAmpledger;
  adminToken: string;
  chargerId: string;
  locationId: string;
  /** an OCPI request as the registered eMSP */
  ocpi(method: string, path: string, body?: unknown): Promise<{ status: number }>;
}): Promise<TestCharger> {
  const { server, adminToken, chargerId, locationId, ocpi } = options;
  const { api } = apiClient(() => server.url, adminToken);
  const location = await api('POST', '/api/locations', adminToken, {
    id: locationId,
    publish: true,
    name: 'Jaarbeurs',
    address: 'Jaarbeursplein 6',
    city: 'Utrecht',
    country: 'NLD',
    coordinates: { latitude: '52.08830', longitude: '5.10550' },
    time_zone: 'Europe/Amsterdam',
    chargers: [{ chargerId }],
  });
  if (location.status !== 201) throw new Error(`location not created: ${location.status}`);
  const card = await ocpi('PUT', '/ocpi/2.2.1/tokens/DE/EMP/ROAM01', {
    ...ROAMING_CARD,
    last_updated: new Date().toISOString(),
  });
  if (card.status !== 201) throw new Error(`card not pushed: ${card.status}`);
  const charger = await TestCharger.connect(
    `${server.url.replace('http', 'ws')}/ocpp/${chargerId}`,
    'ocpp1.6',
  );
  await charger.call('boot', 'BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'CDR' });
  return charger;
}
