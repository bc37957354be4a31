import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fleet, type FleetOptions } from '../../scripts/simulator/fleet.js';
import { registerFleet } from '../../scripts/simulator/registration.js';
import type { Scenario } from '../../scripts/simulator/scenarios.js';
import type { SimulatedProtocol } from '../../scripts/simulator/simulatedCharger.js';
import type { RunningAmpledger } from '../../src/main.js';
import { VENDOR_QUIRKS } from '../../src/policies/vendorQuirks.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-for-the-simulator-tests';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
const fleets: Fleet[] = [];

beforeAll(async () => {
  running = await startTestServer('simulator', { ADMIN_TOKEN: ADMIN, LOCAL_LIST_SYNC_INTERVAL: '0' });
  server = running.server;
});
afterAll(async () => {
  for (const fleet of fleets) fleet.stop();
  await running?.stop();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** NORMAL-00001… for 1.6, V2NORMAL-00001… for 2.0.1 (a prefix that is not the other's) */
const prefixOf = (scenario: string, protocol: SimulatedProtocol) =>
  `${protocol === '2.0.1' ? 'V2' : ''}${scenario.toUpperCase()}`;

/** Registers and runs a fleet for a while, then lets it finish its sessions and deliver everything. */
async function runFleet(
  scenario: Scenario,
  chargers: number,
  runMs: number,
  options: Partial<FleetOptions> = {},
): Promise<Fleet> {
  const prefix = prefixOf(scenario, options.protocol === '2.0.1' ? '2.0.1' : '1.6');
  await registerFleet({
    api: server.url,
    token: ADMIN,
    prefix,
    firstIndex: 1,
    chargers,
    ...(options.password ? { password: options.password } : {}),
  });
  const fleet = new Fleet({
    url: `${server.url.replace('http', 'ws')}/ocpp`,
    chargers,
    scenario,
    prefix,
    ...options,
    charger: {
      sessionSeconds: [1.5, 2.5],
      idleSeconds: [0.2, 0.6],
      meterIntervalSeconds: 1,
      callTimeoutMs: 5_000,
      backoff: { initialMs: 200, maxMs: 1_000 },
      ...options.charger,
    },
  });
  fleets.push(fleet);
  fleet.start();
  await sleep(runMs);
  await fleet.windDown(20_000);
  for (const name of ['sessions', 'meter_values', 'connector_status']) {
    await server.projections.get(name)!.catchUp(20_000);
  }
  // the stopped sessions' CDRs, issued now rather than after CDR_SETTLE
  await server.cdrIssuer.sweep({ settleSeconds: 0 });
  await server.projections.get('cdrs')!.catchUp(20_000);
  return fleet;
}

async function rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await server.readModels.query(sql, params)).rows as T[];
}

interface SessionRow {
  charger_id: string;
  status: string;
  energy_wh: string;
  meter_start_wh: string;
  meter_stop_wh: string;
  flags: Array<{ code: string }>;
  id_tag: string;
  authorization_status: string;
  start_charger_time: string;
  start_corrected_time: Date;
  start_server_time: Date;
}

const sessionsOf = (prefix: string) =>
  rows<SessionRow>(`SELECT * FROM sessions WHERE charger_id LIKE $1 || '-%' ORDER BY id`, [prefix]);

describe.each<SimulatedProtocol>(['1.6', '2.0.1'])(
  'the simulator speaking OCPP %s against Ampledger, scenario by scenario',
  (protocol) => {
    const named = (scenario: string) => prefixOf(scenario, protocol);

    it('normal (with Basic auth): every session the chargers had is in the read models, stopped, with its energy and CDR', async () => {
      const fleet = await runFleet('normal', 3, 5_000, { protocol, password: 'simulated-chargers-secret' });
      const [registered] = await rows<{ profiles: number[] }>(
        `SELECT array_agg(DISTINCT security_profile) AS profiles FROM charger_registry WHERE identity LIKE $1 || '-%'`,
        [named('normal')],
      );
      expect(registered!.profiles).toEqual([1]);
      const sessions = await sessionsOf(named('normal'));
      expect(fleet.stats.sessionsStarted).toBeGreaterThanOrEqual(3);
      expect(sessions).toHaveLength(fleet.stats.sessionsStarted);
      for (const session of sessions) {
        expect(session).toMatchObject({ status: 'stopped', flags: [], authorization_status: 'Accepted' });
        expect(Number(session.energy_wh)).toBe(
          Number(session.meter_stop_wh) - Number(session.meter_start_wh),
        );
        expect(Number(session.energy_wh)).toBeGreaterThan(0);
      }
      const [cdrs] = await rows<{ count: string }>(
        `SELECT count(DISTINCT session_id) FROM cdrs WHERE charger_id LIKE $1 || '-%'`,
        [named('normal')],
      );
      expect(Number(cdrs!.count)).toBe(sessions.length);
      const [samples] = await rows<{ count: string }>(
        `SELECT count(*) FROM meter_values WHERE charger_id LIKE $1 || '-%'`,
        [named('normal')],
      );
      expect(Number(samples!.count)).toBeGreaterThan(0);
      expect(fleet.stats.errors).toBe(0);
      // it spoke the version asked for, and nothing it said was refused
      const stream = await server.eventStore.readStream(`charger-${named('normal')}-00001`);
      const types = new Set(stream.map((event) => event.type));
      expect(stream.find((event) => event.type === 'ChargerConnected')?.data).toMatchObject({
        protocol: `ocpp${protocol}`,
      });
      expect(types.has('FrameRejected')).toBe(false);
      // a 2.0.1 charger tells its availability as events at boot
      expect(types.has('DeviceEventsNotified')).toBe(protocol === '2.0.1');
    });

    it('backlog: hours of sessions queued offline arrive in a burst, in order, with their own times and no skew flag', async () => {
      const fleet = await runFleet('backlog', 2, 500, {
        protocol,
        settings: { backlogHours: 3, backlogSessions: 2 },
        charger: { autoCharge: false, meterIntervalSeconds: 60 },
      });
      const sessions = await sessionsOf(named('backlog'));
      expect(sessions).toHaveLength(4);
      for (const session of sessions) {
        expect(session).toMatchObject({ status: 'stopped', flags: [] });
        const hoursLate =
          (session.start_server_time.getTime() - Date.parse(session.start_charger_time)) / 3_600_000;
        expect(hoursLate).toBeGreaterThan(1.4);
        // a good clock: the charger's time is the corrected time
        expect(session.start_corrected_time.getTime()).toBe(Date.parse(session.start_charger_time));
      }
      expect(fleet.stats.errors).toBe(0);
      // a 2.0.1 charger says it recorded them offline, and why it sent each; 1.6 says neither
      const recorded = (await server.eventStore.readStream(`charger-${named('backlog')}-00001`))
        .filter((event) => event.type === 'TransactionStarted' || event.type === 'TransactionStopped')
        .map((event) => {
          const { offline, trigger } = event.data as { offline?: boolean; trigger?: string };
          return { type: event.type, offline, trigger };
        });
      expect(recorded).toEqual(
        [1, 2].flatMap(
          (): Array<{ type: string; offline?: boolean; trigger?: string }> =>
            protocol === '2.0.1'
              ? [
                  { type: 'TransactionStarted', offline: true, trigger: 'Authorized' },
                  { type: 'TransactionStopped', offline: true, trigger: 'StopAuthorized' },
                ]
              : [
                  { type: 'TransactionStarted', offline: undefined, trigger: undefined },
                  { type: 'TransactionStopped', offline: undefined, trigger: undefined },
                ],
        ),
      );
    });

    it('duplicates: every transaction message sent twice still makes one session and one sample each', async () => {
      const fleet = await runFleet('duplicates', 2, 4_000, { protocol });
      const sessions = await sessionsOf(named('duplicates'));
      expect(sessions).toHaveLength(fleet.stats.sessionsStarted);
      for (const session of sessions) {
        expect(session.status).toBe('stopped');
        expect(Number(session.energy_wh)).toBe(
          Number(session.meter_stop_wh) - Number(session.meter_start_wh),
        );
      }
      const [counts] = await rows<{ all: string; distinct: string }>(
        `SELECT count(*) AS all, count(DISTINCT (charger_id, transaction_key, measurand, sampled_at)) AS distinct
           FROM meter_values WHERE charger_id LIKE $1 || '-%' AND NOT duplicate`,
        [named('duplicates')],
      );
      expect(Number(counts!.all)).toBeGreaterThan(0);
      expect(counts!.all).toBe(counts!.distinct);
    });

    it('skew: chargers whose clocks are hours off are flagged, and their times corrected', async () => {
      await runFleet('skew', 2, 3_000, { protocol, settings: { skewHours: 2 } });
      const sessions = await sessionsOf(named('skew'));
      expect(sessions.length).toBeGreaterThanOrEqual(2);
      for (const session of sessions) {
        expect(session.flags.map((flag) => flag.code)).toContain('clock_skew');
        const correctedOff = Math.abs(
          session.start_corrected_time.getTime() - session.start_server_time.getTime(),
        );
        expect(correctedOff).toBeLessThan(60_000);
      }
    });

    it('flaky: chargers that keep losing their network lose no session and no stop', async () => {
      const fleet = await runFleet('flaky', 3, 6_000, { protocol, settings: { flakySeconds: 1 } });
      const sessions = await sessionsOf(named('flaky'));
      expect(sessions).toHaveLength(fleet.stats.sessionsStarted);
      expect(sessions.every((session) => session.status === 'stopped')).toBe(true);
      const [orphans] = await rows<{ count: string }>(
        `SELECT count(*) FROM orphan_stops WHERE charger_id LIKE $1 || '-%'`,
        [named('flaky')],
      );
      expect(orphans!.count).toBe('0');
      const connections = (await server.eventStore.readStream(`charger-${named('flaky')}-00001`)).filter(
        (event) => event.type === 'ChargerConnected',
      );
      expect(connections.length).toBeGreaterThan(1);
    });

    it('storm (smoke): 300 chargers drop at once with 20 queued messages each; every backlog arrives, none twice', async () => {
      const chargers = 300;
      const prefix = named('storm');
      await registerFleet({ api: server.url, token: ADMIN, prefix, firstIndex: 1, chargers, parallel: 16 });
      const fleet = new Fleet({
        url: `${server.url.replace('http', 'ws')}/ocpp`,
        chargers,
        scenario: 'storm',
        protocol,
        prefix,
        settings: {
          stormAtSeconds: 3_600,
          stormOfflineSeconds: 1,
          stormWindowSeconds: 3,
          stormBacklogMessages: 20,
        },
        charger: { autoCharge: false, meterIntervalSeconds: 60, backoff: { initialMs: 500, maxMs: 2_000 } },
      });
      fleets.push(fleet);
      fleet.start();
      await fleet.settled(30_000);
      const stormAt = Date.now();
      fleet.storm();
      await fleet.settled(60_000);
      const seconds = (Date.now() - stormAt) / 1_000;
      expect(seconds).toBeLessThan(30);
      const acknowledged = fleet.acknowledged();
      expect(acknowledged).toBe(chargers * 20);
      expect(fleet.stats.dropped).toBe(0);
      for (const name of ['sessions', 'meter_values']) await server.projections.get(name)!.catchUp(20_000);
      const sessions = await sessionsOf(prefix);
      expect(sessions).toHaveLength(chargers);
      expect(new Set(sessions.map((session) => session.charger_id)).size).toBe(chargers);
      expect(sessions.every((session) => session.status === 'stopped')).toBe(true);
      const [samples] = await rows<{ count: string }>(
        `SELECT count(DISTINCT (charger_id, sampled_at)) FROM meter_values
          WHERE charger_id LIKE $1 || '-%' AND measurand = 'Energy.Active.Import.Register'`,
        [prefix],
      );
      // each: the Transaction.Begin sample, 18 periodic ones and the Transaction.End one
      expect(Number(samples!.count)).toBe(chargers * 20);
    });
  },
);

describe('the simulator with the vendor quirks of 1.6 firmware', () => {
  it('quirks: one charger per quirk of the table is recognised, and its sessions come out clean', async () => {
    await runFleet('quirks', VENDOR_QUIRKS.length, 4_000);
    const quirksRecognised = [];
    for (let index = 1; index <= VENDOR_QUIRKS.length; index++) {
      const boot = (await server.eventStore.readStream(`charger-QUIRKS-0000${index}`)).find(
        (event) => event.type === 'ChargerBooted',
      );
      quirksRecognised.push((boot?.data as { quirks?: string[] } | undefined)?.quirks);
    }
    expect(quirksRecognised).toEqual(VENDOR_QUIRKS.map((quirk) => [quirk.id]));
    const sessions = await sessionsOf('QUIRKS');
    expect(new Set(sessions.map((session) => session.charger_id)).size).toBe(VENDOR_QUIRKS.length);
    for (const session of sessions) {
      expect(session).toMatchObject({ status: 'stopped', authorization_status: 'Accepted' });
      expect(session.id_tag).not.toContain('\u0000');
      expect(session.flags.map((flag) => flag.code)).not.toContain('meter_discrepancy');
      expect(session.flags.map((flag) => flag.code)).not.toContain('register_reset');
    }
  });
});
