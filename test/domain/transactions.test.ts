import { describe, expect, it } from 'vitest';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import {
  type ChargerState,
  evolveCharger,
  initialChargerState,
  METERED_STOPPED_TRANSACTIONS,
  transactionOf,
} from '../../src/domain/charger/chargerState.js';
import {
  type ChargerCommand,
  type ChargerDecision,
  type DecisionContext,
  decideCharger,
} from '../../src/domain/charger/decideCharger.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';
import type { RawMeterSample } from '../../src/domain/charger/transactions/decideTransaction.js';
import type { Token } from '../../src/domain/tokens/tokens.js';

const T0 = '2026-11-22T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const context = (receivedAt = T0, extra: Partial<DecisionContext> = {}): DecisionContext => ({
  chargerId: 'CP1',
  receivedAt,
  heartbeatIntervalSeconds: 300,
  newTransactionKey: '101',
  ...extra,
});

const registered: RegistryEvent = {
  type: 'ChargerRegistered',
  data: { identity: 'CP1', tenant: 'acme', securityProfile: 0, autoRegistered: false },
};
const approved: RegistryEvent = { type: 'ChargerApproved', data: {} };
const valid: Token = { idTag: 'TAG1', tenant: 'acme', blocked: false };

/** A history is a list of [command, time received]: each is decided and its events folded, as the handler does. */
class Scenario {
  state: ChargerState = initialChargerState();
  decisions: ChargerDecision[] = [];
  private keys = 100;

  constructor(...facts: Array<RegistryEvent | ChargingEvent>) {
    for (const fact of facts) this.state = evolveCharger(this.state, fact, T0);
  }

  when(command: ChargerCommand, receivedAt = T0, extra: Partial<DecisionContext> = {}): ChargerDecision {
    if (command.type === 'StartTransaction') this.keys++;
    const decision = decideCharger(
      command,
      this.state,
      context(receivedAt, { newTransactionKey: String(this.keys), ...extra }),
    );
    for (const event of decision.events) this.state = evolveCharger(this.state, event, receivedAt);
    this.decisions.push(decision);
    return decision;
  }

  event<T extends ChargingEvent['type']>(decision: ChargerDecision, type: T) {
    const event = decision.events.find((candidate) => candidate.type === type);
    if (!event) throw new Error(`no ${type} in ${JSON.stringify(decision.events)}`);
    return event as Extract<ChargingEvent, { type: T }>;
  }
}

const boot = (vendor = 'ACME', firmwareVersion = '1.0'): ChargerCommand => ({
  type: 'BootCharger',
  identification: { vendor, model: 'X', firmwareVersion },
});
const start = (
  overrides: Partial<Extract<ChargerCommand, { type: 'StartTransaction' }>> = {},
): ChargerCommand => ({
  type: 'StartTransaction',
  evseId: 1,
  connectorId: 1,
  idTag: 'TAG1',
  meterStartWh: 1000,
  chargerTime: T0,
  token: valid,
  ...overrides,
});
const energy = (wh: number, time: string, unit?: string): RawMeterSample => ({
  chargerTime: time,
  values: [{ value: String(wh), measurand: 'Energy.Active.Import.Register', ...(unit ? { unit } : {}) }],
});
const stop = (
  transactionKey: string,
  overrides: Partial<Extract<ChargerCommand, { type: 'StopTransaction' }>> = {},
): ChargerCommand => ({
  type: 'StopTransaction',
  transactionKey,
  meterStopWh: 11_000,
  chargerTime: at(60),
  token: undefined,
  samples: [],
  ...overrides,
});
const meterValues = (
  samples: RawMeterSample[],
  overrides: Partial<Extract<ChargerCommand, { type: 'ReportMeterValues' }>> = {},
): ChargerCommand => ({ type: 'ReportMeterValues', evseId: 1, connectorId: 1, samples, ...overrides });
const status = (evseId: number, chargerTime: string, value = 'Available'): ChargerCommand => ({
  type: 'ReportConnectorStatus',
  evseId,
  connectorId: evseId === 0 ? 0 : 1,
  status: value,
  availability: 'Available',
  errorCode: 'NoError',
  chargerTime,
});
const codes = (flags: Array<{ code: string }>) => flags.map((flag) => flag.code).sort();

describe('StartTransaction', () => {
  it('issues the new key, authorizes the tag, takes its fleet-wide lock and records the tenant', () => {
    const given = new Scenario(registered, approved);
    const decision = given.when(start());
    expect(decision.reply).toEqual({
      type: 'TransactionStartDecision',
      transactionKey: '101',
      authorization: { status: 'Accepted', reason: 'token is valid' },
    });
    const started = given.event(decision, 'TransactionStarted').data;
    expect(started).toMatchObject({
      transactionKey: '101',
      tenant: 'acme',
      idTag: 'TAG1',
      normalisedIdTag: 'TAG1',
      meterStartWh: 1000,
      chargerTime: T0,
      correctedTime: T0,
      flags: [],
    });
    expect(decision.effects?.lockToken).toEqual({
      normalisedIdTag: 'TAG1',
      lock: {
        chargerId: 'CP1',
        transactionKey: '101',
        evseId: 1,
        connectorId: 1,
        meterStartWh: 1000,
        chargerTime: T0,
        lockedAt: T0,
      },
    });
  });

  it('a repeated start (same connector, meterStart, timestamp) gets the same key and changes nothing', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    // the same instant written another way is the same timestamp
    const again = given.when(start({ chargerTime: '2026-11-22T11:00:00+01:00' }));
    expect(again.reply).toMatchObject({ transactionKey: '101', authorization: { status: 'Accepted' } });
    expect(again.events.map((event) => event.type)).toEqual(['TransactionStartRepeated']);
    expect(again.effects).toBeUndefined();
  });

  it('a different meterStart on the same connector is a new transaction, and the one that never stopped is abandoned', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const next = given.when(start({ meterStartWh: 5000, chargerTime: at(30) }), at(30), {});
    expect(next.reply).toMatchObject({ transactionKey: '102' });
    expect(given.event(next, 'TransactionAbandoned').data).toMatchObject({
      transactionKey: '101',
      supersededBy: '102',
    });
    expect(next.effects?.releaseTokens).toEqual([
      { normalisedIdTag: 'TAG1', chargerId: 'CP1', transactionKey: '101' },
    ]);
  });

  it('an unknown tag is Invalid, still gets an id, and takes no lock', () => {
    const decision = new Scenario(registered, approved).when(start({ token: undefined, idTag: 'NOPE' }));
    expect(decision.reply).toMatchObject({ transactionKey: '101', authorization: { status: 'Invalid' } });
    expect(decision.effects?.lockToken).toBeUndefined();
  });

  it('a blocked or expired tag is answered so, with an id', () => {
    const blocked = new Scenario(registered, approved).when(start({ token: { ...valid, blocked: true } }));
    expect(blocked.reply).toMatchObject({ transactionKey: '101', authorization: { status: 'Blocked' } });
    const expired = new Scenario(registered, approved).when(
      start({ token: { ...valid, expiryDate: '2026-11-01T00:00:00.000Z' } }),
    );
    expect(expired.reply).toMatchObject({ authorization: { status: 'Expired' } });
  });

  it('a tag locked by a transaction on another charger is ConcurrentTx', () => {
    const token: Token = {
      ...valid,
      lock: {
        chargerId: 'CP2',
        transactionKey: '7',
        evseId: 1,
        connectorId: 1,
        meterStartWh: 0,
        chargerTime: T0,
      },
    };
    const decision = new Scenario(registered, approved).when(start({ token }));
    expect(decision.reply).toMatchObject({
      transactionKey: '101',
      authorization: { status: 'ConcurrentTx', reason: 'token is in transaction 7 on charger CP2' },
    });
    expect(decision.effects?.lockToken).toBeUndefined();
  });

  it('a lock older than any real session (48 h) no longer holds: the tag starts, and takes the lock', () => {
    const lockedAt = (hoursAgo: number) => new Date(Date.parse(T0) - hoursAgo * 3_600_000).toISOString();
    const held = (hoursAgo: number): Token => ({
      ...valid,
      lock: {
        chargerId: 'CP2',
        transactionKey: '7',
        evseId: 1,
        connectorId: 1,
        meterStartWh: 0,
        chargerTime: T0,
        lockedAt: lockedAt(hoursAgo),
      },
    });
    const stale = new Scenario(registered, approved).when(start({ token: held(49) }));
    expect(stale.reply).toMatchObject({ authorization: { status: 'Accepted' } });
    expect(stale.effects?.lockToken?.lock.transactionKey).toBe('101');
    const fresh = new Scenario(registered, approved).when(start({ token: held(47) }));
    expect(fresh.reply).toMatchObject({ authorization: { status: 'ConcurrentTx' } });
    const authorize = new Scenario(registered, approved).when({
      type: 'AuthorizeToken',
      idTag: 'TAG1',
      token: held(49),
    });
    expect(authorize.reply).toMatchObject({ status: 'Accepted' });
  });

  it('a tag running on another connector of this charger is ConcurrentTx', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const lock = {
      chargerId: 'CP1',
      transactionKey: '101',
      evseId: 1,
      connectorId: 1,
      meterStartWh: 1000,
      chargerTime: T0,
    };
    const second = given.when(start({ evseId: 2, chargerTime: at(1), token: { ...valid, lock } }), at(1));
    expect(second.reply).toMatchObject({ authorization: { status: 'ConcurrentTx' } });
  });

  it('a lock this charger took for this very start (its event was lost) is reused: same key, no second lock', () => {
    const lock = {
      chargerId: 'CP1',
      transactionKey: '55',
      evseId: 1,
      connectorId: 1,
      meterStartWh: 1000,
      chargerTime: T0,
    };
    const decision = new Scenario(registered, approved).when(start({ token: { ...valid, lock } }));
    expect(decision.reply).toMatchObject({ transactionKey: '55', authorization: { status: 'Accepted' } });
    expect(decision.effects?.lockToken).toBeUndefined();
  });

  it('a 2.x start brings its own key; repeating it repeats', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ transactionKey: 'tx-abc' }));
    const again = given.when(start({ transactionKey: 'tx-abc', meterStartWh: 999 }));
    expect(again.events.map((event) => event.type)).toEqual(['TransactionStartRepeated']);
    expect(again.reply).toMatchObject({ transactionKey: 'tx-abc' });
  });
});

describe('StopTransaction', () => {
  it('stops with the transaction own energy delta, keeps the samples, releases the tag', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const decision = given.when(
      stop('101', { samples: [energy(1000, T0), energy(11_000, at(60))], reason: 'Remote' }),
      at(60),
    );
    expect(decision.reply).toEqual({ type: 'TransactionStopDecision' });
    const stopped = given.event(decision, 'TransactionStopped').data;
    expect(stopped).toMatchObject({ energyWh: 10_000, reason: 'Remote', stopKind: 'normal', flags: [] });
    expect(stopped.samples).toHaveLength(2);
    expect(decision.effects?.releaseTokens).toEqual([
      { normalisedIdTag: 'TAG1', chargerId: 'CP1', transactionKey: '101' },
    ]);
  });

  it('without a reason the stop is Local; the stop tag is authorized and answered', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const decision = given.when(stop('101', { idTag: 'tag1', token: valid }), at(60));
    expect(decision.reply).toEqual({
      type: 'TransactionStopDecision',
      authorization: { status: 'Accepted', reason: 'token is valid' },
    });
    expect(given.event(decision, 'TransactionStopped').data).toMatchObject({
      reason: 'Local',
      idTag: 'tag1',
      normalisedIdTag: 'TAG1',
    });
  });

  it.each(['EVDisconnected', 'PowerLoss', 'EmergencyStop', 'HardReset', 'Reboot'])(
    'a %s stop is a failure stop, flagged for refund review',
    (reason) => {
      const given = new Scenario(registered, approved);
      given.when(start());
      const stopped = given.event(given.when(stop('101', { reason }), at(60)), 'TransactionStopped').data;
      expect(stopped.stopKind).toBe('failure');
      expect(stopped.flags).toEqual([{ code: 'failure_stop', detail: { reason } }]);
    },
  );

  it('a repeated stop changes nothing (and retries the release)', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    given.when(stop('101'), at(60));
    const again = given.when(stop('101', { meterStopWh: 99 }), at(61));
    expect(again.events.map((event) => event.type)).toEqual(['TransactionStopRepeated']);
    expect(transactionOf(given.state, '101')!.stopped?.meterStopWh).toBe(11_000);
    expect(again.effects?.releaseTokens).toHaveLength(1);
  });

  it.each(['-1', '0', '424242'])(
    'a stop for unknown transaction %s is an orphan stop, acknowledged',
    (key) => {
      const decision = new Scenario(registered, approved).when(
        stop(key, { idTag: 'TAG1', token: valid }),
        at(60),
      );
      expect(decision.reply).toMatchObject({
        type: 'TransactionStopDecision',
        authorization: { status: 'Accepted' },
      });
      const orphan = new Scenario().event(decision, 'TransactionStopOrphaned').data;
      expect(orphan.transactionKey).toBe(key);
      expect(codes(orphan.flags)).toEqual(['orphan_stop']);
    },
  );

  it('|meter delta − sample delta| > 100 Wh flags a meter discrepancy; within 100 Wh it does not', () => {
    const off = new Scenario(registered, approved);
    off.when(start());
    const flagged = off.event(
      off.when(stop('101', { samples: [energy(1000, T0), energy(10_800, at(60))] }), at(60)),
      'TransactionStopped',
    ).data;
    expect(flagged.flags).toEqual([
      { code: 'meter_discrepancy', detail: { meterDeltaWh: 10_000, sampleDeltaWh: 9_800, toleranceWh: 100 } },
    ]);
    const close = new Scenario(registered, approved);
    close.when(start());
    const fine = close.event(
      close.when(stop('101', { samples: [energy(1000, T0), energy(10_950, at(60))] }), at(60)),
      'TransactionStopped',
    ).data;
    expect(fine.flags).toEqual([]);
  });

  it('a register that went back to zero on the way is bridged and flagged register_reset', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ meterStartWh: 50_000 }));
    given.when(meterValues([energy(52_000, at(10))], { transactionKey: '101' }), at(10));
    given.when(meterValues([energy(500, at(20))], { transactionKey: '101' }), at(20)); // rebooted: register from 0
    const stopped = given.event(
      given.when(stop('101', { meterStopWh: 1500 }), at(30)),
      'TransactionStopped',
    ).data;
    expect(stopped.energyWh).toBe(2000 + 500 + 1000);
    expect(stopped.flags).toContainEqual({
      code: 'register_reset',
      detail: {
        resets: 1,
        evidence: ['near_zero'],
        meterStartWh: 50_000,
        meterStopWh: 1500,
        expected: false,
      },
    });
  });

  it('a stop a fraction of a Wh below its last kWh sample is billed once, not as a reset', () => {
    // issue 13 §1: samples of "1.0005" kWh, then meterStop 1000 Wh, billed 2000.5 Wh
    const given = new Scenario(registered, approved);
    given.when(start({ meterStartWh: 0 }));
    given.when(meterValues([energy(1.0005, at(10), 'kWh')], { transactionKey: '101' }), at(10));
    const stopped = given.event(
      given.when(stop('101', { meterStopWh: 1000 }), at(20)),
      'TransactionStopped',
    ).data;
    expect(stopped.energyWh).toBe(1000);
    expect(codes(stopped.flags)).not.toContain('register_reset');
  });

  it('a charger that booted during the session and came back lower reset its register', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ meterStartWh: 5000 }));
    given.when(meterValues([energy(6000, at(10))], { transactionKey: '101' }), at(10));
    given.when(boot(), at(15));
    given.when(meterValues([energy(3000, at(20))], { transactionKey: '101' }), at(20));
    const stopped = given.event(
      given.when(stop('101', { meterStopWh: 3500 }), at(30)),
      'TransactionStopped',
    ).data;
    expect(stopped.energyWh).toBe(1000 + 3000 + 500);
    expect(stopped.flags).toContainEqual(
      expect.objectContaining({
        code: 'register_reset',
        detail: expect.objectContaining({ evidence: ['boot'] }),
      }),
    );
  });

  it('a stop before its start is an implausible time', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ chargerTime: at(30) }), at(30));
    const stopped = given.event(
      given.when(stop('101', { chargerTime: at(10) }), at(31)),
      'TransactionStopped',
    ).data;
    expect(stopped.flags).toContainEqual({
      code: 'implausible_time',
      detail: { reason: 'stop_before_start', chargerTime: at(10) },
    });
  });
});

describe('MeterValues', () => {
  it('normalises every sample (kWh → Wh, kW → W) and keeps the raw value beside it', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const decision = given.when(
      meterValues(
        [
          {
            chargerTime: at(5),
            values: [
              {
                value: '1.5',
                measurand: 'Energy.Active.Import.Register',
                unit: 'kWh',
                context: 'Sample.Periodic',
              },
              { value: '7.2', measurand: 'Power.Active.Import', unit: 'kW' },
              { value: '40', measurand: 'SoC', unit: 'Percent' },
            ],
          },
        ],
        { transactionKey: '101' },
      ),
      at(5),
    );
    const [sample] = given.event(decision, 'MeterValuesReported').data.samples;
    expect(sample!.values).toEqual([
      {
        measurand: 'Energy.Active.Import.Register',
        value: 1500,
        unit: 'Wh',
        context: 'Sample.Periodic',
        format: 'Raw',
        raw: { value: '1.5', unit: 'kWh' },
      },
      {
        measurand: 'Power.Active.Import',
        value: 7200,
        unit: 'W',
        context: 'Sample.Periodic',
        format: 'Raw',
        raw: { value: '7.2', unit: 'kW' },
      },
      {
        measurand: 'SoC',
        value: 40,
        unit: 'Percent',
        context: 'Sample.Periodic',
        format: 'Raw',
        raw: { value: '40', unit: 'Percent' },
      },
    ]);
    expect(decision.reply).toEqual({ type: 'Acknowledged' });
  });

  it('samples without a transaction id are linked to the transaction running on their connector', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const data = given.event(
      given.when(meterValues([energy(2000, at(5))]), at(5)),
      'MeterValuesReported',
    ).data;
    expect(data).toMatchObject({ transactionKey: '101', link: 'connector' });
  });

  it('samples with transaction id −1 are linked by connector, the id the charger sent kept beside', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const data = given.event(
      given.when(meterValues([energy(2000, at(5))], { transactionKey: '-1' }), at(5)),
      'MeterValuesReported',
    ).data;
    expect(data).toMatchObject({ transactionKey: '101', link: 'connector', reportedTransactionKey: '-1' });
  });

  it('samples after the stop are linked by time, stored, and amend the flags they change', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    given.when(stop('101', { samples: [energy(1000, T0)] }), at(60));
    const late = given.when(meterValues([energy(9000, at(59))]), at(61));
    expect(given.event(late, 'MeterValuesReported').data).toMatchObject({
      transactionKey: '101',
      link: 'time',
    });
    expect(given.event(late, 'SessionFlagsAmended').data).toEqual({
      transactionKey: '101',
      flags: [
        {
          code: 'meter_discrepancy',
          detail: { meterDeltaWh: 10_000, sampleDeltaWh: 8000, toleranceWh: 100 },
        },
      ],
    });
  });

  it('given more stopped transactions than keep their meter, when another starts, only the latest few keep theirs', () => {
    const given = new Scenario(registered, approved);
    // short sessions in a row: none is stale yet, the count alone decides
    for (let session = 0; session < METERED_STOPPED_TRANSACTIONS + 2; session++) {
      const key = String(101 + session);
      given.when(start({ chargerTime: at(session * 2) }), at(session * 2));
      given.when(
        meterValues([energy(2000, at(session * 2 + 0.5))], { transactionKey: key }),
        at(session * 2 + 0.5),
      );
      given.when(stop(key, { chargerTime: at(session * 2 + 1) }), at(session * 2 + 1));
    }
    given.when(start({ chargerTime: at(10) }), at(10));
    const stopped = given.state.transactions.filter((transaction) => transaction.stopped);
    expect(stopped).toHaveLength(METERED_STOPPED_TRANSACTIONS + 2);
    expect(stopped.map((transaction) => transaction.readings.length)).toEqual([0, 0, 1, 1, 1]);
    expect(stopped.map((transaction) => transaction.meterDropped ?? false)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
    // what a repeated stop needs is still there: it is known as a repeat
    const repeated = given.when(stop('101', { chargerTime: at(1) }), at(11));
    expect(repeated.events.map((event) => event.type)).toEqual(['TransactionStopRepeated']);
  });

  it('given a transaction stopped more than 15 minutes before the next start, it lets go of its meter', () => {
    const given = new Scenario(registered, approved);
    given.when(start(), T0);
    given.when(meterValues([energy(2000, at(5))], { transactionKey: '101' }), at(5));
    given.when(stop('101', { chargerTime: at(10) }), at(10));
    given.when(start({ chargerTime: at(20) }), at(20));
    expect(transactionOf(given.state, '101')?.meterDropped).toBeUndefined();
    given.when(stop('102', { chargerTime: at(26) }), at(26));
    expect(transactionOf(given.state, '101')).toMatchObject({ readings: [], meterDropped: true });
    expect(transactionOf(given.state, '102')?.meterDropped).toBeUndefined();
  });

  it('when samples come for a transaction whose meter was let go of, they are stored, its flags stay, its meter stays empty', () => {
    const given = new Scenario(registered, approved);
    for (let session = 0; session < METERED_STOPPED_TRANSACTIONS + 2; session++) {
      const key = String(101 + session);
      given.when(start({ chargerTime: at(session * 100) }), at(session * 100));
      given.when(
        stop(key, { chargerTime: at(session * 100 + 60), samples: [energy(1000, at(session * 100))] }),
        at(session * 100 + 60),
      );
    }
    const late = given.when(meterValues([energy(9000, at(59))], { transactionKey: '101' }), at(1001));
    expect(late.events.map((event) => event.type)).toEqual(['MeterValuesReported']);
    expect(given.event(late, 'MeterValuesReported').data).toMatchObject({ transactionKey: '101' });
    expect(transactionOf(given.state, '101')).toMatchObject({
      readings: [],
      sampleKeys: [],
      meterDropped: true,
    });
  });

  it('a sample with the same transaction and timestamp is a duplicate: kept, marked, not counted', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    given.when(meterValues([energy(2000, at(5))], { transactionKey: '101' }), at(5));
    const again = given.when(
      meterValues([energy(2000, at(5)), energy(3000, at(6))], { transactionKey: '101' }),
      at(6),
    );
    expect(given.event(again, 'MeterValuesReported').data.duplicateSamples).toEqual([0]);
    expect(transactionOf(given.state, '101')!.readings).toEqual([
      [Date.parse(at(5)), 2000, 1],
      [Date.parse(at(6)), 3000, 1],
    ]);
  });

  it('main-meter samples (connector 0) belong to no transaction', () => {
    const given = new Scenario(registered, approved);
    given.when(start());
    const data = given.event(
      given.when(meterValues([energy(9, at(5))], { evseId: 0, connectorId: 0 }), at(5)),
      'MeterValuesReported',
    ).data;
    expect(data).toMatchObject({ link: 'none' });
    expect(data.transactionKey).toBeUndefined();
  });
});

describe('clock skew vs offline backlog', () => {
  it('a backlog from a charger with a good clock keeps its times and carries no flag', () => {
    const given = new Scenario(registered, approved);
    given.when(status(1, at(600)), at(600)); // live: the clock is right
    const started = given.event(
      given.when(start({ chargerTime: at(0) }), at(600)),
      'TransactionStarted',
    ).data;
    expect(started.correctedTime).toBe(at(0));
    expect(started.flags).toEqual([]);
  });

  it('a charger two hours behind is corrected by its offset, and it and its session are flagged', () => {
    const given = new Scenario(registered, approved);
    given.when(status(1, at(-120)), at(0)); // live: the clock is two hours behind
    const started = given.event(
      given.when(start({ chargerTime: at(-119) }), at(1)),
      'TransactionStarted',
    ).data;
    expect(started.correctedTime).toBe(at(1));
    expect(started.clockOffsetMs).toBe(-120 * 60_000);
    expect(started.flags).toEqual([{ code: 'clock_skew', detail: { offsetMs: -120 * 60_000 } }]);
  });

  it('a start in the future or before the first boot is implausible', () => {
    const given = new Scenario(registered, approved);
    given.when(boot(), at(0));
    const future = given.event(given.when(start({ chargerTime: at(30) }), at(0)), 'TransactionStarted').data;
    expect(future.flags).toEqual([
      { code: 'implausible_time', detail: { reason: 'future', chargerTime: at(30) } },
    ]);
    const early = given.event(
      given.when(start({ chargerTime: '1970-01-01T00:00:10Z', evseId: 2 }), at(1)),
      'TransactionStarted',
    ).data;
    expect(early.flags).toEqual([
      {
        code: 'implausible_time',
        detail: { reason: 'before_first_boot', chargerTime: '1970-01-01T00:00:10Z' },
      },
    ]);
  });
});

describe('vendor quirks', () => {
  it('meterValuesInKwhLabelledWh: energy samples labelled Wh are scaled to Wh, so the delta reconciles', () => {
    const given = new Scenario(registered, approved);
    given.when(boot('OpenEVSE', '4.1.2'));
    given.when(start({ meterStartWh: 12_000 }));
    const decision = given.when(
      stop('101', { meterStopWh: 22_000, samples: [energy(12, T0, 'Wh'), energy(22, at(60), 'Wh')] }),
      at(60),
    );
    const stopped = given.event(decision, 'TransactionStopped').data;
    expect(stopped.samples[0]!.values[0]).toMatchObject({
      value: 12_000,
      quirk: 'meter-values-kwh-as-wh',
      raw: { value: '12', unit: 'Wh' },
    });
    expect(stopped.flags).toEqual([]);
    expect(stopped.energyWh).toBe(10_000);
  });

  it('registerResetOnBoot: the reset is flagged as expected', () => {
    const given = new Scenario(registered, approved);
    given.when(boot('Resetta'));
    given.when(start({ meterStartWh: 5000 }));
    const stopped = given.event(
      given.when(stop('101', { meterStopWh: 1200 }), at(60)),
      'TransactionStopped',
    ).data;
    expect(stopped.energyWh).toBe(1200);
    expect(stopped.flags).toContainEqual({
      code: 'register_reset',
      detail: {
        resets: 1,
        evidence: ['quirk'],
        meterStartWh: 5000,
        meterStopWh: 1200,
        expected: true,
        quirk: 'register-reset-on-boot',
      },
    });
  });

  it('duplicateConnectorZeroStatus: the connector-0 echo of a connector-1 change is collapsed', () => {
    const given = new Scenario(registered, approved);
    given.when(boot('Statoflux', '2.3'));
    given.when(status(1, T0, 'Charging'));
    const echo = given.event(given.when(status(0, T0, 'Charging')), 'ConnectorStatusReported').data;
    expect(echo.collapsedInto).toBe('1/1');
    const other = new Scenario(registered, approved);
    other.when(boot('ACME'));
    other.when(status(1, T0, 'Charging'));
    expect(
      other.event(other.when(status(0, T0, 'Charging')), 'ConnectorStatusReported').data.collapsedInto,
    ).toBeUndefined();
  });

  it('fixedHeartbeat60s: the boot records 60 s as the heartbeat to expect', () => {
    const decision = new Scenario(registered, approved).when(boot('Pulsar', '1.4'));
    expect(new Scenario().event(decision, 'ChargerBooted').data).toMatchObject({
      decision: { interval: 300 },
      quirks: ['heartbeat-fixed-60s'],
      expectedHeartbeatSeconds: 60,
    });
  });

  it('idTagLeadingNul: the tag is read without its NUL, and the quirk is named', () => {
    const given = new Scenario(registered, approved);
    given.when(boot('NulTag'));
    const started = given.event(given.when(start({ idTag: '\u0000TAG1' })), 'TransactionStarted').data;
    expect(started).toMatchObject({
      idTag: '\\u0000TAG1',
      normalisedIdTag: 'TAG1',
      quirks: ['idtag-leading-nul'],
    });
  });
});

describe('Authorize', () => {
  it('is ConcurrentTx while the tag is in a transaction on another charger, Accepted on the same one', () => {
    const lock = {
      chargerId: 'CP2',
      transactionKey: '7',
      evseId: 1,
      connectorId: 1,
      meterStartWh: 0,
      chargerTime: T0,
    };
    const elsewhere = new Scenario(registered, approved).when({
      type: 'AuthorizeToken',
      idTag: 'TAG1',
      token: { ...valid, lock },
    });
    expect(elsewhere.reply).toMatchObject({ status: 'ConcurrentTx' });
    const here = new Scenario(registered, approved).when({
      type: 'AuthorizeToken',
      idTag: 'TAG1',
      token: { ...valid, lock: { ...lock, chargerId: 'CP1' } },
    });
    expect(here.reply).toMatchObject({ status: 'Accepted' });
  });
});

describe('BootNotification', () => {
  it('a serial number another identity booted with first is flagged, the boot still decided as usual', () => {
    const decision = new Scenario(registered, approved).when({
      type: 'BootCharger',
      identification: { vendor: 'ACME', model: 'X', serialNumber: 'SN-1' },
      serialClaimedBy: 'CP0',
    });
    expect(new Scenario().event(decision, 'ChargerBooted').data).toMatchObject({
      serialNumber: 'SN-1',
      duplicateSerialOf: 'CP0',
      decision: { status: 'Accepted' },
    });
  });
});

describe('transactions as 2.x reports them', () => {
  const kwh = (value: number, time: string, context = 'Sample.Periodic'): RawMeterSample => ({
    chargerTime: time,
    values: [{ value, measurand: 'Energy.Active.Import.Register', unit: 'kWh', context }],
  });

  it('a start with no token shown yet: NotPresented, no lock, meterStart read from its samples', () => {
    const given = new Scenario(registered, approved);
    const decision = given.when(
      start({
        transactionKey: 'tx-1',
        idTag: undefined,
        meterStartWh: undefined,
        token: undefined,
        samples: [kwh(12, T0, 'Transaction.Begin')],
        sequence: 0,
      }),
    );
    expect(decision.reply).toMatchObject({
      transactionKey: 'tx-1',
      authorization: { status: 'NotPresented' },
    });
    expect(decision.effects?.lockToken).toBeUndefined();
    expect(given.event(decision, 'TransactionStarted').data).toMatchObject({
      meterStartWh: 12_000,
      idTag: '',
      sequence: 0,
    });
  });

  it('a token shown during the transaction is decided, recorded and locked; shown again it changes nothing', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ transactionKey: 'tx-1', idTag: undefined, token: undefined }));
    const shown = given.when(
      meterValues([kwh(1.5, at(5))], { transactionKey: 'tx-1', idTag: 'tag1', token: valid }),
      at(5),
    );
    expect(shown.reply).toEqual({
      type: 'TransactionUpdateDecision',
      authorization: { status: 'Accepted', reason: 'token is valid' },
    });
    expect(shown.events.map((event) => event.type)).toEqual(['TransactionAuthorized', 'MeterValuesReported']);
    expect(shown.effects?.lockToken).toMatchObject({
      normalisedIdTag: 'TAG1',
      lock: { transactionKey: 'tx-1', lockedAt: at(5) },
    });
    expect(transactionOf(given.state, 'tx-1')).toMatchObject({
      authorization: 'Accepted',
      normalisedIdTag: 'TAG1',
    });
    const again = given.when(
      meterValues([kwh(2, at(6))], { transactionKey: 'tx-1', idTag: 'TAG1', token: valid }),
      at(6),
    );
    expect(again.events.map((event) => event.type)).toEqual(['MeterValuesReported']);
    // and the stop gives the lock back
    const stopped = given.when(
      stop('tx-1', { meterStopWh: undefined, samples: [kwh(3, at(7), 'Transaction.End')] }),
      at(7),
    );
    expect(given.event(stopped, 'TransactionStopped').data).toMatchObject({
      meterStopWh: 3000,
      energyWh: 2000,
    });
    expect(stopped.effects?.releaseTokens).toEqual([
      { normalisedIdTag: 'TAG1', chargerId: 'CP1', transactionKey: 'tx-1' },
    ]);
  });

  it('messages that skip sequence numbers say which are missing; a late one fills its gap, a repeated number loses nothing', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ transactionKey: 'tx-seq', sequence: 0 }));
    const types = (decision: ChargerDecision) => decision.events.map((event) => event.type);
    expect(
      types(given.when(meterValues([kwh(1, at(1))], { transactionKey: 'tx-seq', sequence: 1 }), at(1))),
    ).toEqual(['MeterValuesReported']);
    const skipping = given.when(
      meterValues([kwh(3, at(3))], { transactionKey: 'tx-seq', sequence: 4 }),
      at(3),
    );
    expect(given.event(skipping, 'TransactionSequenceGap').data).toEqual({
      transactionKey: 'tx-seq',
      received: 4,
      missing: [2, 3],
    });
    expect(transactionOf(given.state, 'tx-seq')?.sequence).toEqual({ highest: 4, missing: [2, 3] });
    // the late message fills its gap and is not a gap itself
    const late = given.when(meterValues([kwh(2, at(2))], { transactionKey: 'tx-seq', sequence: 2 }), at(4));
    expect(types(late)).toEqual(['MeterValuesReported']);
    expect(transactionOf(given.state, 'tx-seq')?.sequence).toEqual({ highest: 4, missing: [3] });
    // some chargers send one number again and again (2, 2, 2): every sample is kept
    const repeated = given.when(
      meterValues([kwh(4, at(5))], { transactionKey: 'tx-seq', sequence: 2 }),
      at(5),
    );
    expect(types(repeated)).toEqual(['MeterValuesReported']);
    expect(given.event(repeated, 'MeterValuesReported').data.samples).toHaveLength(1);
    // the stop skipping 5 says so too
    const stopped = given.when(stop('tx-seq', { sequence: 6 }), at(60));
    expect(types(stopped)).toContain('TransactionStopped');
    expect(given.event(stopped, 'TransactionSequenceGap').data).toEqual({
      transactionKey: 'tx-seq',
      received: 6,
      missing: [5],
    });
  });

  it('a transaction whose first message comes with a number above 0 starts its count there (no gap before it)', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ transactionKey: 'tx-late', sequence: 17 }));
    const next = given.when(meterValues([kwh(1, at(1))], { transactionKey: 'tx-late', sequence: 18 }), at(1));
    expect(next.events.map((event) => event.type)).toEqual(['MeterValuesReported']);
  });

  it('what the charger says of how it came to send a message (offline, its trigger) is kept on the event', () => {
    const given = new Scenario(registered, approved);
    const how = { offline: true as const, trigger: 'Authorized' };
    const started = given.when(start({ transactionKey: 'tx-how', ...how }));
    expect(given.event(started, 'TransactionStarted').data).toMatchObject(how);
    const sampled = given.when(
      meterValues([kwh(2, at(1))], { transactionKey: 'tx-how', trigger: 'MeterValuePeriodic' }),
      at(1),
    );
    expect(given.event(sampled, 'MeterValuesReported').data).toMatchObject({ trigger: 'MeterValuePeriodic' });
    expect(given.event(sampled, 'MeterValuesReported').data).not.toHaveProperty('offline');
    const stopped = given.when(stop('tx-how', { offline: true, trigger: 'EVDeparted' }), at(2));
    expect(given.event(stopped, 'TransactionStopped').data).toMatchObject({
      offline: true,
      trigger: 'EVDeparted',
    });
    // a charger that says neither (1.6) leaves them out
    const plain = given.when(start({ evseId: 2, transactionKey: 'tx-plain' }), at(3));
    expect(given.event(plain, 'TransactionStarted').data).not.toHaveProperty('offline');
    expect(given.event(plain, 'TransactionStarted').data).not.toHaveProperty('trigger');
  });

  it('samples of a named transaction carry its connector even when the report leaves the EVSE out', () => {
    const given = new Scenario(registered, approved);
    given.when(start({ transactionKey: 'tx-2', evseId: 2 }));
    const reported = given.when(
      meterValues([kwh(1, at(1))], { transactionKey: 'tx-2', evseId: 0, connectorId: 1 }),
      at(1),
    );
    expect(given.event(reported, 'MeterValuesReported').data).toMatchObject({ evseId: 2, link: 'reported' });
  });
});

describe('remote starts', () => {
  const timedOut = (evseId: number): ChargingEvent => ({
    type: 'RemoteStartTimedOut',
    data: { commandId: 'c1', evseId, idTag: 'TAG1', timeoutSeconds: 30, requestedAt: at(-1) },
  });
  it('a start on the connector of a remote start that timed out within 10 minutes is flagged', () => {
    const late = new Scenario(registered, approved, timedOut(1)).when(start(), at(5));
    expect(new Scenario().event(late, 'TransactionStarted').data.flags).toEqual([
      { code: 'remote_start_timeout', detail: { commandId: 'c1', timedOutAt: T0 } },
    ]);
    const otherConnector = new Scenario(registered, approved, timedOut(2)).when(start(), at(5));
    expect(new Scenario().event(otherConnector, 'TransactionStarted').data.flags).toEqual([]);
    const muchLater = new Scenario(registered, approved, timedOut(1)).when(
      start({ chargerTime: at(11) }),
      at(11),
    );
    expect(new Scenario().event(muchLater, 'TransactionStarted').data.flags).toEqual([]);
  });

  const accepted = (commandId: string, remoteStartId: number, evseId?: number): ChargingEvent => ({
    type: 'RemoteStartAccepted',
    data: {
      commandId,
      action: 'RequestStartTransaction',
      requestedAt: at(-1),
      idTag: 'TAG1',
      remoteStartId,
      ...(evseId !== undefined ? { evseId } : {}),
    },
  });

  it('a 2.x transaction that names its remoteStartId answers that remote start, not the oldest on its connector', () => {
    const given = new Scenario(registered, approved, accepted('c-3', 3, 1), accepted('c-7', 7));
    const started = given.when(start({ transactionKey: 'tx-r', remoteStartId: 7 }), at(1));
    expect(given.event(started, 'TransactionStarted').data.remoteStart).toEqual({
      commandId: 'c-7',
      remoteStartId: 7,
    });
    // the other still waits for its own transaction (its watchdog may still time it out)
    expect(given.state.pendingRemoteStarts?.map((pending) => pending.commandId)).toEqual(['c-3']);
  });

  it('a remoteStartId no remote start of ours waits with ties nothing; the connector decides as before', () => {
    const given = new Scenario(registered, approved, accepted('c-3', 3, 1));
    const started = given.when(start({ transactionKey: 'tx-s', remoteStartId: 99 }), at(1));
    expect(given.event(started, 'TransactionStarted').data.remoteStart).toBeUndefined();
    expect(given.state.pendingRemoteStarts ?? []).toEqual([]);
  });
});
