import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/store/eventStore.js';
import { apiClient } from '../support/apiClient.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-energy-correction-token';
const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/**
 * A session as the decider before issue 13 recorded it (minimal repro of §1): meterStart 0, a
 * sample of "1.0005" kWh, meterStop 1000 Wh; the stop below the sample was taken for a register
 * reset and the session billed 2000.5 Wh.
 */
function doubledSession(chargerId: string): NewEvent[] {
  const sample = {
    chargerTime: at(10),
    correctedTime: at(10),
    values: [
      {
        measurand: 'Energy.Active.Import.Register',
        value: 1000.5,
        unit: 'Wh',
        context: 'Sample.Periodic',
        format: 'Raw',
        raw: { value: '1.0005', unit: 'kWh' },
      },
    ],
  };
  const connector = { evseId: 1, connectorId: 1 };
  const common = { transactionKey: '7', tenant: 'default' };
  const metadata = (minutes: number) => ({ metadata: { receivedAt: at(minutes) } });
  return [
    {
      type: 'ChargerRegistered',
      data: { identity: chargerId, tenant: 'default', securityProfile: 0, autoRegistered: false },
      ...metadata(0),
    },
    {
      type: 'TransactionStarted',
      data: {
        ...connector,
        ...common,
        idTag: 'TAG',
        normalisedIdTag: 'TAG',
        meterStartWh: 0,
        chargerTime: at(0),
        correctedTime: at(0),
        authorization: { status: 'Accepted', reason: 'known token' },
        flags: [],
      },
      ...metadata(0),
    },
    {
      type: 'MeterValuesReported',
      data: { ...connector, ...common, link: 'reported', samples: [sample], duplicateSamples: [] },
      ...metadata(10),
    },
    {
      type: 'TransactionStopped',
      data: {
        ...common,
        meterStopWh: 1000,
        chargerTime: at(20),
        correctedTime: at(20),
        reason: 'Local',
        stopKind: 'normal',
        samples: [],
        duplicateSamples: [],
        energyWh: 2000.5,
        flags: [
          {
            code: 'register_reset',
            detail: { resets: 1, meterStartWh: 0, meterStopWh: 1000, expected: false },
          },
        ],
      },
      ...metadata(20),
    },
  ];
}

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
