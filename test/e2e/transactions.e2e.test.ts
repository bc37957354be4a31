import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildProjection } from '../../projections/projectionRebuild.js';
import { READ_MODELS } from '../../projections/readModels.js';
import { TokenRegistryService } from '../../src/app/tokenRegistryService.js';
import type { RunningAmpledger } from '../../src/main.js';
import { databaseUrl } from '../support/database.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let schema: string;
let tokens: TokenRegistryService;

beforeAll(async () => {
  running = await startTestServer('transactions', {
    AUTO_REGISTER: 'accept',
    TARIFF_PER_KWH: '0.30',
    TARIFF_PER_SESSION: '1',
  });
  ({ server, schema } = running);
  tokens = new TokenRegistryService(server.eventStore, () => new Date());
  for (const idTag of ['TAG-A', 'TAG-B', 'TAG-C', 'TAG-D', 'TAG-E', 'TAG-SHARED', 'TAG-201']) {
    await tokens.execute(idTag, { type: 'IssueToken', idTag });
  }
});
afterAll(async () => {
  await running?.stop();
});

const minutesAgo = (minutes: number, from = Date.now()) => new Date(from - minutes * 60_000).toISOString();

async function connect(identity: string, serial?: string) {
  const charger = await TestCharger.connect(
    `${server.url.replace('http', 'ws')}/ocpp/${identity}`,
    'ocpp1.6',
  );
  const [, , boot] = await charger.call('boot', 'BootNotification', {
    chargePointVendor: 'ACME',
    chargePointModel: 'E2E',
    ...(serial ? { chargePointSerialNumber: serial } : {}),
  });
  expect(boot).toMatchObject({ status: 'Accepted' });
  return charger;
}

let messages = 0;
async function call(charger: TestCharger, action: string, payload: object) {
  const [type, , answer] = await charger.call(`m${++messages}`, action, payload);
  expect(type).toBe(3); // never a CALLERROR
  return answer as Record<string, unknown>;
}

/** Every read model has caught up with everything written so far. */
async function caughtUp() {
  for (const runner of server.projections.values()) expect(await runner.catchUp(10_000)).toBe(true);
}

/** The CDRs of every stopped session issued now (no waiting for them to settle), and read. */
async function billed() {
  await caughtUp();
  await server.cdrIssuer.sweep({ settleSeconds: 0 });
  await caughtUp();
}

async function rows<T = Record<string, unknown>>(sql: string, values: unknown[] = []): Promise<T[]> {
  const client = await server.readModels.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    return (await client.query(sql, values)).rows as T[];
  } finally {
    client.release();
  }
}

const energy = (wh: number, timestamp: string, unit = 'Wh') => ({
  timestamp,
  sampledValue: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', unit }],
});

describe('transactions over OCPP 1.6', () => {
  it('a complete session: authorize, start, samples, stop; session, CDR, status, samples and log agree', async () => {
    const charger = await connect('TX-FULL');
    const now = Date.now();
    await call(charger, 'StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Preparing',
      timestamp: minutesAgo(0),
    });
    expect(await call(charger, 'Authorize', { idTag: 'tag-a' })).toEqual({
      idTagInfo: { status: 'Accepted' },
    });
    const started = await call(charger, 'StartTransaction', {
      connectorId: 1,
      idTag: 'tag-a',
      meterStart: 1000,
      timestamp: minutesAgo(30, now),
    });
    const transactionId = started.transactionId as number;
    expect(Number.isInteger(transactionId) && transactionId > 0 && transactionId <= 2 ** 31 - 1).toBe(true);
    expect(started.idTagInfo).toEqual({ status: 'Accepted' });
    await call(charger, 'MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [
        {
          timestamp: minutesAgo(20, now),
          sampledValue: [
            { value: '4.5', measurand: 'Energy.Active.Import.Register', unit: 'kWh' },
            { value: '11', measurand: 'Power.Active.Import', unit: 'kW' },
            { value: '55', measurand: 'SoC', unit: 'Percent' },
          ],
        },
      ],
    });
    expect(
      await call(charger, 'StopTransaction', {
        transactionId,
        meterStop: 11_000,
        timestamp: minutesAgo(0, now),
        idTag: 'TAG-A',
        reason: 'Local',
        transactionData: [energy(1000, minutesAgo(30, now)), energy(11_000, minutesAgo(0, now))],
      }),
    ).toEqual({ idTagInfo: { status: 'Accepted' } });
    await caughtUp();

    const [session] = await rows('SELECT * FROM sessions WHERE transaction_key = $1', [
      String(transactionId),
    ]);
    expect(session).toMatchObject({
      id: `TX-FULL:${transactionId}`,
      charger_id: 'TX-FULL',
      tenant: 'default',
      status: 'stopped',
      evse_id: 1,
      id_tag: 'tag-a',
      authorization_status: 'Accepted',
      energy_wh: '10000',
      stop_reason: 'Local',
      stop_kind: 'normal',
      flags: [],
    });
    const own = await rows(
      'SELECT revision, readings FROM session_events WHERE session_id = $1 ORDER BY revision',
      [session!.id],
    );
    expect(own).toHaveLength(3); // start, samples, stop
    // the readings each brought: none at the start, the 4.5 kWh sample, the stop's two
    expect(own.map((event) => (event.readings as unknown[][]).map((reading) => reading[1]))).toEqual([
      [],
      [4500],
      [1000, 11_000],
    ]);
    expect(own[0]!.revision).toBe(session!.first_revision);
    expect(own.at(-1)!.revision).toBe(session!.last_revision);

    await billed();
    const [cdr] = await rows('SELECT * FROM cdrs WHERE transaction_key = $1', [String(transactionId)]);
    expect(cdr).toMatchObject({
      id: `TX-FULL:${transactionId}#1`,
      session_id: `TX-FULL:${transactionId}`,
      credit: false,
      status: 'billable',
      energy_wh: '10000',
      charging_seconds: '1800',
      idle_seconds: '0',
      currency: 'EUR',
      // no published tariff is for it: the configured one (0.30/kWh, 1 a session)
      tariff: null,
      total_excl_vat: '4',
      total_incl_vat: '4',
    });
    expect(cdr!.cost).toMatchObject({ energy: { excl_vat: 3 }, flat: { excl_vat: 1 } });

    const samples = await rows<{ measurand: string; value: string; raw_value: string; unit: string }>(
      `SELECT measurand, value::text, raw_value, unit FROM meter_values WHERE charger_id = 'TX-FULL'
       ORDER BY revision, sample_index, value_index`,
    );
    expect(samples[0]).toEqual({
      measurand: 'Energy.Active.Import.Register',
      value: '4500',
      raw_value: '4.5',
      unit: 'Wh',
    });
    expect(samples[1]).toEqual({
      measurand: 'Power.Active.Import',
      value: '11000',
      raw_value: '11',
      unit: 'W',
    });
    expect(samples).toHaveLength(5);

    const log = await rows<{ action: string; status: string }>(
      `SELECT action, status FROM authorization_log WHERE charger_id = 'TX-FULL' ORDER BY revision`,
    );
    expect(log).toEqual([
      { action: 'Authorize', status: 'Accepted' },
      { action: 'StartTransaction', status: 'Accepted' },
      { action: 'StopTransaction', status: 'Accepted' },
    ]);
    const [connector] = await rows(`SELECT status FROM connector_status WHERE charger_id = 'TX-FULL'`);
    expect(connector).toEqual({ status: 'Preparing' });
    const [presence] = await rows(
      `SELECT online, protocol FROM charger_liveness WHERE charger_id = 'TX-FULL'`,
    );
    expect(presence).toEqual({ online: true, protocol: 'ocpp1.6' });
    charger.close();
  });

  it('repeated Start, MeterValues and Stop: same transaction id, one session, samples counted once', async () => {
    const charger = await connect('TX-REPEAT');
    const start = { connectorId: 1, idTag: 'TAG-B', meterStart: 0, timestamp: minutesAgo(10) };
    const first = await call(charger, 'StartTransaction', start);
    const again = await call(charger, 'StartTransaction', start);
    expect(again.transactionId).toBe(first.transactionId);
    const samples = {
      connectorId: 1,
      transactionId: first.transactionId,
      meterValue: [energy(500, minutesAgo(5))],
    };
    await call(charger, 'MeterValues', samples);
    await call(charger, 'MeterValues', samples);
    const stop = { transactionId: first.transactionId, meterStop: 800, timestamp: minutesAgo(1) };
    await call(charger, 'StopTransaction', stop);
    await call(charger, 'StopTransaction', { ...stop, meterStop: 999 });
    await billed();
    const sessions = await rows(`SELECT id, energy_wh FROM sessions WHERE charger_id = 'TX-REPEAT'`);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ energy_wh: '800' });
    const own = await rows('SELECT count(*)::int AS n FROM session_events WHERE session_id = $1', [
      sessions[0]!.id,
    ]);
    expect(own).toEqual([{ n: 6 }]);
    const counted = await rows(
      `SELECT count(*)::int AS n FROM meter_values WHERE charger_id = 'TX-REPEAT' AND NOT duplicate`,
    );
    expect(counted).toEqual([{ n: 1 }]);
    expect(await rows(`SELECT count(*)::int AS n FROM cdrs WHERE charger_id = 'TX-REPEAT'`)).toEqual([
      { n: 1 },
    ]);
    charger.close();
  });

  it('unknown, −1 and 0 transaction ids: acknowledged, recorded as orphan stops', async () => {
    const charger = await connect('TX-ORPHAN');
    for (const transactionId of [-1, 0, 987_654]) {
      expect(
        await call(charger, 'StopTransaction', { transactionId, meterStop: 5, timestamp: minutesAgo(1) }),
      ).toEqual({});
    }
    expect(
      await call(charger, 'MeterValues', {
        connectorId: 1,
        transactionId: -1,
        meterValue: [energy(5, minutesAgo(1))],
      }),
    ).toEqual({});
    await caughtUp();
    const orphans = await rows<{ transaction_key: string }>(
      `SELECT transaction_key FROM orphan_stops WHERE charger_id = 'TX-ORPHAN' ORDER BY revision`,
    );
    expect(orphans.map((orphan) => orphan.transaction_key)).toEqual(['-1', '0', '987654']);
    charger.close();
  });

  it('a tag in a transaction on one charger is ConcurrentTx on another until that transaction stops', async () => {
    const one = await connect('TX-CONC-1');
    const two = await connect('TX-CONC-2');
    const started = await call(one, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-SHARED',
      meterStart: 0,
      timestamp: minutesAgo(2),
    });
    expect(started.idTagInfo).toEqual({ status: 'Accepted' });
    expect(await call(two, 'Authorize', { idTag: 'tag-shared' })).toEqual({
      idTagInfo: { status: 'ConcurrentTx' },
    });
    const refused = await call(two, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-SHARED',
      meterStart: 0,
      timestamp: minutesAgo(1),
    });
    expect(refused.idTagInfo).toEqual({ status: 'ConcurrentTx' });
    expect(refused.transactionId).not.toBe(started.transactionId); // an id always, whatever the status
    await call(one, 'StopTransaction', {
      transactionId: started.transactionId,
      meterStop: 10,
      timestamp: minutesAgo(0),
    });
    expect(await call(two, 'Authorize', { idTag: 'TAG-SHARED' })).toEqual({
      idTagInfo: { status: 'Accepted' },
    });
    one.close();
    two.close();
  });

  it('two chargers starting with one tag at the same moment: exactly one is Accepted', async () => {
    const chargers = await Promise.all([connect('TX-RACE-1'), connect('TX-RACE-2'), connect('TX-RACE-3')]);
    const answers = await Promise.all(
      chargers.map((charger) =>
        call(charger, 'StartTransaction', {
          connectorId: 1,
          idTag: 'TAG-E',
          meterStart: 0,
          timestamp: minutesAgo(0),
        }),
      ),
    );
    const statuses = answers.map((answer) => (answer.idTagInfo as { status: string }).status).sort();
    expect(statuses).toEqual(['Accepted', 'ConcurrentTx', 'ConcurrentTx']);
    expect(new Set(answers.map((answer) => answer.transactionId)).size).toBe(3);
    for (const charger of chargers) charger.close();
  });

  it('an offline backlog (hours-old messages in a burst) keeps its times; a clock two hours off is corrected and flagged', async () => {
    // online once, then offline for hours; back, it delivers its queue in a burst
    const before = await connect('TX-BACKLOG');
    before.close();
    await before.closed();
    const backlog = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/TX-BACKLOG`,
      'ocpp1.6',
    );
    await call(backlog, 'StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Available',
      timestamp: minutesAgo(0),
    });
    const old = await call(backlog, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-C',
      meterStart: 0,
      timestamp: minutesAgo(300),
    });
    await call(backlog, 'MeterValues', {
      connectorId: 1,
      transactionId: old.transactionId,
      meterValue: [energy(3000, minutesAgo(270))],
    });
    await call(backlog, 'StopTransaction', {
      transactionId: old.transactionId,
      meterStop: 6000,
      timestamp: minutesAgo(240),
    });

    const skewed = await connect('TX-SKEW');
    await call(skewed, 'StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Available',
      timestamp: minutesAgo(120),
    });
    const late = await call(skewed, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-D',
      meterStart: 0,
      timestamp: minutesAgo(121),
    });
    await call(skewed, 'StopTransaction', {
      transactionId: late.transactionId,
      meterStop: 100,
      timestamp: minutesAgo(120),
    });
    await caughtUp();

    const [fine] = await rows<{ flags: unknown[]; start_corrected_time: Date; start_charger_time: string }>(
      `SELECT flags, start_corrected_time, start_charger_time FROM sessions WHERE charger_id = 'TX-BACKLOG'`,
    );
    expect(fine!.flags).toEqual([]);
    expect(fine!.start_corrected_time.toISOString()).toBe(new Date(fine!.start_charger_time).toISOString());
    const [off] = await rows<{ flags: Array<{ code: string }>; start_corrected_time: Date }>(
      `SELECT flags, start_corrected_time FROM sessions WHERE charger_id = 'TX-SKEW'`,
    );
    expect(off!.flags.map((flag) => flag.code)).toEqual(['clock_skew']);
    expect(Math.abs(off!.start_corrected_time.getTime() - (Date.now() - 60_000))).toBeLessThan(30_000);
    backlog.close();
    skewed.close();
  });

  it('Wh/kWh mix, a register reset, and samples after the stop', async () => {
    const charger = await connect('TX-METER');
    const base = Date.now();
    const started = await call(charger, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-A',
      meterStart: 80_000,
      timestamp: minutesAgo(60, base),
    });
    const transactionId = started.transactionId;
    await call(charger, 'MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [energy(82, minutesAgo(50, base), 'kWh')],
    });
    // the charger rebooted: its register starts again from zero
    await call(charger, 'MeterValues', {
      connectorId: 1,
      transactionId,
      meterValue: [energy(1000, minutesAgo(30, base))],
    });
    await call(charger, 'StopTransaction', {
      transactionId,
      meterStop: 3000,
      timestamp: minutesAgo(10, base),
    });
    // a sample delivered after the stop, without a transaction id: linked by connector and time
    await call(charger, 'MeterValues', { connectorId: 1, meterValue: [energy(2000, minutesAgo(20, base))] });
    await caughtUp();
    const [session] = await rows<{ energy_wh: string; flags: Array<{ code: string }> }>(
      `SELECT energy_wh, flags FROM sessions WHERE charger_id = 'TX-METER'`,
    );
    expect(session!.energy_wh).toBe(String(2000 + 1000 + 2000));
    expect(session!.flags.map((flag) => flag.code)).toContain('register_reset');
    const late = await rows(
      `SELECT transaction_key FROM meter_values WHERE charger_id = 'TX-METER' AND value = 2000 AND evse_id = 1`,
    );
    expect(late).toEqual([{ transaction_key: String(transactionId) }]);
    // the samples disagree with the stop: its one CDR is held for review, for that flag
    await billed();
    const cdrs = await rows(`SELECT id, status, held_for, flags FROM cdrs WHERE charger_id = 'TX-METER'`);
    expect(cdrs).toMatchObject([
      {
        status: 'review',
        held_for: ['meter_discrepancy'],
        flags: expect.arrayContaining([expect.objectContaining({ code: 'register_reset' })]),
      },
    ]);
    charger.close();
  });

  it('2.0.1 TransactionEvent lands on the same domain events: plugged in first, card after, samples, end', async () => {
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/TX-201`, 'ocpp2.0.1');
    const boot = await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'ACME', model: 'E2E-201' },
    });
    expect(boot[2]).toMatchObject({ status: 'Accepted' });
    const base = Date.now();
    const energy201 = (kwh: number, timestamp: string, context = 'Sample.Periodic') => [
      {
        timestamp,
        sampledValue: [
          { value: kwh, measurand: 'Energy.Active.Import.Register', context, unitOfMeasure: { unit: 'kWh' } },
        ],
      },
    ];
    const event = (seqNo: number, eventType: string, extra: object) => ({
      eventType,
      timestamp: minutesAgo(40 - seqNo * 10, base),
      triggerReason: 'MeterValuePeriodic',
      seqNo,
      transactionInfo: { transactionId: 'tx-201-a' },
      ...extra,
    });
    const answers = [
      await call(
        charger,
        'TransactionEvent',
        event(0, 'Started', {
          triggerReason: 'CablePluggedIn',
          evse: { id: 1, connectorId: 1 },
          meterValue: energy201(12, minutesAgo(40, base), 'Transaction.Begin'),
        }),
      ),
      await call(
        charger,
        'TransactionEvent',
        event(1, 'Updated', {
          triggerReason: 'Authorized',
          idToken: { idToken: 'tag-201', type: 'ISO14443' },
          meterValue: energy201(12.5, minutesAgo(30, base)),
        }),
      ),
      await call(
        charger,
        'TransactionEvent',
        event(2, 'Updated', { meterValue: energy201(15, minutesAgo(20, base)) }),
      ),
      // the same event sent again (an offline queue replayed): one sample, not two
      await call(
        charger,
        'TransactionEvent',
        event(2, 'Updated', { meterValue: energy201(15, minutesAgo(20, base)) }),
      ),
      await call(
        charger,
        'TransactionEvent',
        event(3, 'Ended', {
          triggerReason: 'EVCommunicationLost',
          transactionInfo: { transactionId: 'tx-201-a', stoppedReason: 'EVDisconnected' },
          meterValue: energy201(20, minutesAgo(10, base), 'Transaction.End'),
        }),
      ),
    ];
    // the Ended answer carries the session's cost, by the configured tariff: 8 kWh × 0.30 + 1.00
    expect(answers).toEqual([{}, { idTokenInfo: { status: 'Accepted' } }, {}, {}, { totalCost: 3.4 }]);
    const types = (await server.eventStore.readStream('charger-TX-201'))
      .map((recorded) => recorded.type)
      .filter((type) => type.startsWith('Transaction') || type === 'MeterValuesReported');
    expect(types).toEqual([
      'TransactionStarted',
      'TransactionAuthorized',
      'MeterValuesReported',
      'MeterValuesReported',
      'MeterValuesReported',
      'TransactionStopped',
    ]);
    await caughtUp();
    const [session] = await rows(`SELECT * FROM sessions WHERE charger_id = 'TX-201'`);
    expect(session).toMatchObject({
      id: 'TX-201:tx-201-a',
      status: 'stopped',
      id_tag: 'tag-201',
      authorization_status: 'Accepted',
      meter_start_wh: '12000',
      meter_stop_wh: '20000',
      energy_wh: '8000',
      stop_reason: 'EVDisconnected',
      stop_kind: 'failure',
    });
    expect((session!.flags as Array<{ code: string }>).map((flag) => flag.code)).toEqual(['failure_stop']);
    await billed();
    // a failure stop: the CDR is held for review
    expect(await rows(`SELECT id_tag, energy_wh, status FROM cdrs WHERE charger_id = 'TX-201'`)).toEqual([
      { id_tag: 'tag-201', energy_wh: '8000', status: 'review' },
    ]);
    expect(await rows(`SELECT action, status FROM authorization_log WHERE charger_id = 'TX-201'`)).toEqual([
      { action: 'TransactionAuthorized', status: 'Accepted' },
    ]);
    const counted = await rows(
      `SELECT count(*)::int AS n FROM meter_values WHERE charger_id = 'TX-201' AND NOT duplicate`,
    );
    expect(counted).toEqual([{ n: 4 }]);
    charger.close();
  });

  it('a serial number another identity booted with first is flagged at boot (and in the boot info)', async () => {
    const first = await connect('TX-SERIAL-1', 'DEFAULT-SN-0001');
    const second = await connect('TX-SERIAL-2', 'default-sn-0001 ');
    first.close();
    const again = await connect('TX-SERIAL-1', 'DEFAULT-SN-0001'); // its own serial: no flag
    const booted = async (identity: string) =>
      (await server.eventStore.readStream(`charger-${identity}`))
        .filter((event) => event.type === 'ChargerBooted')
        .map((event) => (event.data as { duplicateSerialOf?: string }).duplicateSerialOf ?? null);
    expect(await booted('TX-SERIAL-1')).toEqual([null, null]);
    expect(await booted('TX-SERIAL-2')).toEqual(['TX-SERIAL-1']);
    await caughtUp();
    expect(
      await rows(
        `SELECT boot->>'duplicateSerialOf' AS of FROM charger_presence WHERE charger_id = 'TX-SERIAL-2'`,
      ),
    ).toEqual([{ of: 'TX-SERIAL-1' }]);
    second.close();
    again.close();
  });

  it('replay determinism: every read model rebuilt from the log equals the live one, row for row', async () => {
    // the chargers above are closed: wait until their disconnections are recorded and projected
    let head = await server.eventStore.headCheckpoint();
    for (;;) {
      await new Promise((done) => setTimeout(done, 300));
      const now = await server.eventStore.headCheckpoint();
      if (now === head) break;
      head = now;
    }
    await caughtUp();
    const before = await dumpReadModels();
    expect(before.sessions!.length).toBeGreaterThan(5);
    // a damaged read model: the rebuild must restore it from the log, not copy it
    await rows(`UPDATE sessions SET energy_wh = -1`);
    await rows(`DELETE FROM meter_values WHERE measurand = 'SoC'`);
    const tableBefore = await rows(`SELECT 'sessions'::regclass::oid AS oid`);
    const connection = {
      connectionString: databaseUrl(),
      options: `-c search_path=${pg.escapeIdentifier(schema)}`,
    };
    for (const build of Object.values(READ_MODELS)) {
      const phases: string[] = [];
      const projector = await build();
      const applied = await rebuildProjection({
        store: server.eventStore,
        connection,
        projector,
        onProgress: (progress) => phases.push(progress.phase),
      });
      // every event of its streams was applied (a read model whose streams are empty applied none)
      const streams = await server.eventStore.readAll({ streamPrefix: projector.streamPrefix, maxCount: 1 });
      expect(applied > 0).toBe(streams.length > 0);
      expect(phases.at(-1)).toBe('done');
    }
    expect(await dumpReadModels()).toEqual(before);
    expect(await rows(`SELECT 'sessions'::regclass::oid AS oid`)).not.toEqual(tableBefore);
    // the live projectors carry on in the swapped-in tables
    const charger = await connect('TX-AFTER-REBUILD');
    await call(charger, 'StartTransaction', {
      connectorId: 1,
      idTag: 'TAG-C',
      meterStart: 0,
      timestamp: minutesAgo(0),
    });
    await caughtUp();
    expect(await rows(`SELECT status FROM sessions WHERE charger_id = 'TX-AFTER-REBUILD'`)).toEqual([
      { status: 'active' },
    ]);
    charger.close();
  });
});

const READ_MODEL_TABLES = [
  'sessions',
  'orphan_stops',
  'charger_presence',
  'connector_status',
  'cdrs',
  'meter_values',
  'authorization_log',
  'charger_registry',
  'reservations',
  'charging_profiles',
  'tokens',
  'local_lists',
  'local_list_entries',
  'firmware_updates',
];

/** Every row of every read-model table, in a stable order. */
async function dumpReadModels(): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of READ_MODEL_TABLES) {
    const result = await rows<{ row: unknown }>(
      `SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY to_jsonb(t)::text`,
    );
    dump[table] = result.map((entry) => entry.row);
  }
  return dump;
}
