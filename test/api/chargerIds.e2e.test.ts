import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-charger-id-tests';

describe('charger ids', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const { api } = apiClient(() => server.server.url, ADMIN);
  beforeAll(async () => {
    server = await startTestServer('charger_ids', { ADMIN_TOKEN: ADMIN });
  });
  afterAll(() => server?.stop());

  it('a charger id is an OCPP identity: the API refuses one that could never connect, naming the rule', async () => {
    for (const id of [
      'bad id/../x',
      'with space',
      'tab\there',
      'nul\u0000',
      'colon:ed',
      'x'.repeat(49),
      '',
    ]) {
      const answer = await api('POST', '/api/chargers', ADMIN, { id });
      expect({ id, ...answer }).toEqual({
        id,
        status: 400,
        body: {
          error: 'invalid_request',
          message: 'body/id: a charger id is 1–48 characters without /, :, whitespace or control characters',
        },
      });
    }
    // what the API registers, the gateway admits (percent-encoded in the URL)
    for (const id of ['CHÉ-Ünïcode', 'RDAM|123*=+@.', 'x'.repeat(48)]) {
      expect((await api('POST', '/api/chargers', ADMIN, { id })).status).toBe(201);
      const charger = await TestCharger.connect(
        `${server.server.url.replace('http', 'ws')}/ocpp/${encodeURIComponent(id)}`,
      );
      expect((await charger.call('h', 'Heartbeat'))[0]).toBe(3);
      charger.close();
    }
  });
});
