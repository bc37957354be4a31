import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import { databaseUrl } from '../support/database.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { tablesDifferingFromRebuild } from '../support/readModelsVsRebuild.js';
import { startTestServer } from '../support/testServer.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** how far the test has stepped the server's system clock */
let stepped = 0;
const running = await startTestServer(
  'clock_jump',
  { AUTO_REGISTER: 'accept' },
  undefined,
  () => Date.now() + stepped,
);
afterAll(() => running.stop());

describe("the server's system clock steps during a session", () => {
  it('an hour back and a day forward: no negative durations, no clock_skew on the charger, flags replayable', async () => {
    const { server, schema } = running;
    await new TokenRegistryService(server.eventStore, () => new Date()).execute('JUMP-TAG', {
      type: 'IssueToken',
      idTag: 'JUMP-TAG',
    });
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CLOCK-JUMP`,
      'ocpp1.6',
    );
    let n = 0;
    // the charger's own clock is right all along
    const call = async (action: string, payload: object) => {
      const [type, , answer] = await charger.call(`m${++n}`, action, payload);
      expect(type, `${action} answered`).toBe(3);
      await sleep(100);
      return answer as Record<string, unknown>;
    };
    const now = () => new Date().toISOString();
    const status = (state: string) =>
      call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: state, timestamp: now() });
    let meter = 0;
    const sample = (transactionId: unknown) => {
      meter += 50;
      return call('MeterValues', {
        connectorId: 1,
        transactionId,
        meterValue: [{ timestamp: now(), sampledValue: [{ value: String(meter), unit: 'Wh' }] }],
      });
    };

    await call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'Jump' });
    await status('Available');
    await status('Preparing');
    const started = await call('StartTransaction', {
      connectorId: 1,
      idTag: 'JUMP-TAG',
      meterStart: 0,
      timestamp: now(),
    });
    const { transactionId } = started;
    await status('Charging');
    await sample(transactionId);

    stepped = -HOUR;
    for (const state of ['SuspendedEV', 'Charging', 'SuspendedEV', 'Charging']) {
      await status(state);
      await sample(transactionId);
    }
    stepped = DAY;
    for (const state of ['SuspendedEV', 'Charging', 'SuspendedEV', 'Charging']) {
      await status(state);
      await sample(transactionId);
    }
    await call('StopTransaction', { transactionId, meterStop: meter, timestamp: now(), reason: 'Local' });
    await status('Finishing');
    await status('Available');
    charger.close();
    for (const runner of server.projections.values()) expect(await runner.catchUp(10_000)).toBe(true);

    // the receipt times in the log never went backwards, nor jumped a day
    const events = await server.eventStore.readStream('charger-CLOCK-JUMP');
    const received = events
      .map((event) => Date.parse(String((event.metadata as { receivedAt?: string }).receivedAt)))
      .filter((at) => !Number.isNaN(at));
    expect(received.length).toBeGreaterThan(20);
    for (let i = 1; i < received.length; i++) expect(received[i]!).toBeGreaterThanOrEqual(received[i - 1]!);
    expect(received.at(-1)! - received[0]!).toBeLessThan(60_000);
    // no time flag on anything the charger said: its clock was right
    const flagged = events.flatMap((event) =>
      ((event.data as { flags?: Array<{ code: string }> }).flags ?? []).map(
        (flag) => `${event.type}: ${flag.code}`,
      ),
    );
    expect(flagged).toEqual([]);

    const client = new pg.Client({
      connectionString: databaseUrl(),
      options: `-c search_path=${pg.escapeIdentifier(schema)}`,
    });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT flags, charging_seconds::float8 AS charging, idle_seconds::float8 AS idle,
                extract(epoch FROM stop_corrected_time - start_corrected_time)::float8 AS duration
           FROM sessions WHERE charger_id = 'CLOCK-JUMP'`,
      );
      expect(rows).toHaveLength(1);
      const [session] = rows as Array<{ flags: unknown[]; charging: number; idle: number; duration: number }>;
      expect(session!.flags).toEqual([]);
      expect(session!.duration).toBeGreaterThan(0);
      expect(session!.duration).toBeLessThan(60);
      expect(session!.charging).toBeGreaterThanOrEqual(0);
      expect(session!.idle).toBeGreaterThanOrEqual(0);
      expect(session!.charging + session!.idle).toBeLessThanOrEqual(session!.duration + 1);
    } finally {
      await client.end();
    }
    // the flags are a function of the log: a rebuild gives the same rows
    const { differing } = await tablesDifferingFromRebuild(server.eventStore, {
      connectionString: databaseUrl(),
      options: `-c search_path=${pg.escapeIdentifier(schema)}`,
    });
    expect(differing).toEqual([]);
  }, 60_000);
});
