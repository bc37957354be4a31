import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/apiClient.js';
import { doubledSession } from '../support/olderPolicyLogs.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-energy-correction-token';
describe('a log holding a session an older policy billed double', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const { api } = apiClient(() => server.server.url, ADMIN);

  beforeAll(async () => {
    server = await startTestServer('energy-correction', { ADMIN_TOKEN: ADMIN });
    await server.server.eventStore.append('charger-OLD-1', doubledSession('OLD-1'), {
      expectedRevision: 'no_stream',
    });
  });
  afterAll(() => server?.stop());

  async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await read();
    for (let tries = 0; tries < 150 && !done(value); tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      value = await read();
    }
    return value;
  }

  const cdrsOf = async () =>
    (await api('GET', '/api/cdrs', ADMIN)).body.items.filter(
      (cdr: { sessionId: string }) => cdr.sessionId === 'OLD-1:7',
    ) as Array<{ version: number; energyWh: number; flags: string[]; cursor: string }>;

  async function expectCorrected() {
    const cdrs = await eventually(cdrsOf, (items) => items.length >= 2);
    // the CDR as it was billed stays; the correction is a new version, later in the feed
    expect(cdrs.map(({ version, energyWh }) => ({ version, energyWh }))).toEqual([
      { version: 1, energyWh: 2000.5 },
      { version: 2, energyWh: 1000 },
    ]);
    expect(cdrs[1]!.cursor > cdrs[0]!.cursor).toBe(true);
    expect(cdrs[1]!.flags).toContain('energy_corrected');
    expect(cdrs[1]!.flags).not.toContain('register_reset');
    const session = (await api('GET', '/api/sessions/OLD-1:7', ADMIN)).body;
    expect(session.energyWh).toBe(1000);
    expect(session.flags).not.toContain('register_reset');
    expect(session.flagDetails.energy_corrected).toMatchObject({ recordedEnergyWh: 2000.5 });
    const log = await server.server.eventStore.readStream('charger-OLD-1');
    expect(log.filter((event) => event.type === 'SessionEnergyCorrected').map((event) => event.data)).toEqual(
      [
        expect.objectContaining({
          recordedEnergyWh: 2000.5,
          energyWh: 1000,
          policy: 'energy-reconciliation/2',
        }),
      ],
    );
  }

  it('reads the right energy, and the correction becomes a fact and a new CDR version', async () => {
    await expectCorrected();
  });

  it('a rebuild from zero gives the same rows, and the correction is not made twice', async () => {
    expect(
      (await api('POST', '/api/projections/rebuild', ADMIN, { names: ['sessions', 'cdrs'] })).status,
    ).toBe(202);
    await eventually(
      () => api('GET', '/api/projections', ADMIN),
      (response) => !response.body.some((projection: { rebuilding: boolean }) => projection.rebuilding),
    );
    await new Promise((resolve) => setTimeout(resolve, 300)); // a sweep may run in between
    await expectCorrected();
  });
});
