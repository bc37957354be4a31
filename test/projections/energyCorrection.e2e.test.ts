import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../support/apiClient.js';
import type { CdrView } from '../support/cdrView.js';
import { doubledSession, doubledSessionCdr } from '../support/olderPolicyLogs.js';
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
    await server.server.eventStore.append('cdr-OLD-1:7', doubledSessionCdr('OLD-1'), {
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

  const cdrsOf = async () => {
    await server.server.cdrIssuer.sweep({ settleSeconds: 0 });
    return (await api('GET', '/api/cdrs?sessionId=OLD-1:7', ADMIN)).body.items as CdrView[];
  };

  async function expectCorrected() {
    const cdrs = await eventually(cdrsOf, (items) => items.length >= 3);
    // the CDR as it was billed stays; a credit cancels it and a new CDR bills the right energy,
    // both later in the feed
    expect(cdrs.map(({ id, status, energyWh }) => ({ id, status, energyWh }))).toEqual([
      { id: 'OLD-1:7#1', status: 'credited', energyWh: 2000.5 },
      { id: 'OLD-1:7#1-credit', status: 'billable', energyWh: -2000.5 },
      { id: 'OLD-1:7#2', status: 'billable', energyWh: 1000 },
    ]);
    expect(cdrs[1]).toMatchObject({ credit: true, creditOf: 'OLD-1:7#1' });
    expect(cdrs[1]!.reason).toContain('energy 2000.5 → 1000 Wh');
    expect(cdrs[2]).toMatchObject({ credit: false, replaces: 'OLD-1:7#1' });
    expect(cdrs[1]!.cursor > cdrs[0]!.cursor && cdrs[2]!.cursor > cdrs[1]!.cursor).toBe(true);
    expect(cdrs[2]!.flags).toContain('energy_corrected');
    expect(cdrs[2]!.flags).not.toContain('register_reset');
    const session = (await api('GET', '/api/sessions/OLD-1:7', ADMIN)).body;
    expect(session.energyWh).toBe(1000);
    expect(session.flags).not.toContain('register_reset');
    expect(session.flagDetails.energy_corrected).toMatchObject({ recordedEnergyWh: 2000.5 });
    // the correction's fact is appended by its own job (every few seconds): wait for it, do not race it
    const corrections = () =>
      server.server.eventStore
        .readStream('charger-OLD-1')
        .then((log) =>
          log.filter((event) => event.type === 'SessionEnergyCorrected').map((event) => event.data),
        );
    expect(await eventually(corrections, (found) => found.length > 0)).toEqual([
      expect.objectContaining({
        recordedEnergyWh: 2000.5,
        energyWh: 1000,
        policy: 'energy-reconciliation/2',
      }),
    ]);
  }

  it('reads the right energy; the correction becomes a fact, a credit of the CDR billed and a new CDR', async () => {
    await expectCorrected();
  });

  it('a rebuild from zero gives the same rows, and neither the correction nor the credit is made twice', async () => {
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
