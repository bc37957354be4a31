import { beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistry } from '../../../src/ocpp/rpc/schemaRegistry.js';

let schemas: SchemaRegistry;
beforeAll(() => {
  schemas = SchemaRegistry.load();
});

describe('OCPP schema registry', () => {
  it('compiles every vendored file: 39 actions in 1.6, 64 in 2.0.1, 91 in 2.1', () => {
    expect(schemas.actionsOf('1.6')).toHaveLength(39);
    expect(schemas.actionsOf('2.0.1')).toHaveLength(64);
    expect(schemas.actionsOf('2.1')).toHaveLength(91);
    expect(schemas.knows('1.6', 'SignCertificate')).toBe(true); // 1.6 security extension
    expect(schemas.knows('1.6', 'TransactionEvent')).toBe(false);
    expect(schemas.knows('2.1', 'NotifyPeriodicEventStream')).toBe(true);
  });

  it('accepts a valid 1.6 BootNotification and names what is wrong with an invalid one', () => {
    expect(
      schemas.validate('1.6', 'BootNotification', 'request', {
        chargePointVendor: 'ACME',
        chargePointModel: 'X1',
      }).ok,
    ).toBe(true);
    const { ok, errors } = schemas.validate('1.6', 'BootNotification', 'request', { chargePointVendor: 7 });
    expect(ok).toBe(false);
    expect(errors.map((e) => e.keyword).sort()).toEqual(['required', 'type']);
  });

  it("bounds every integer to OCPP's 32 bits, in both versions, keeping tighter bounds the files give", () => {
    const status16 = (connectorId: number) =>
      schemas.validate('1.6', 'StatusNotification', 'request', {
        connectorId,
        errorCode: 'NoError',
        status: 'Available',
      });
    expect(status16(2 ** 31 - 1).ok).toBe(true);
    expect(status16(2 ** 31).errors.map((e) => [e.instancePath, e.keyword])).toEqual([
      ['/connectorId', 'maximum'],
    ]);
    expect(status16(2 ** 60).ok).toBe(false);
    const status201 = (evseId: number) =>
      schemas.validate('2.0.1', 'StatusNotification', 'request', {
        timestamp: '2026-12-06T10:00:00Z',
        connectorStatus: 'Available',
        evseId,
        connectorId: 1,
      });
    expect(status201(7).ok).toBe(true);
    expect(status201(2 ** 40).ok).toBe(false);
    // a bound of the file's own stays: a state of charge is 0–100
    const needs = (stateOfCharge: number) =>
      schemas.validate('2.0.1', 'NotifyEVChargingNeeds', 'request', {
        evseId: 1,
        chargingNeeds: {
          requestedEnergyTransfer: 'DC',
          dcChargingParameters: { evMaxCurrent: 100, evMaxVoltage: 400, stateOfCharge },
        },
      });
    expect(needs(80).ok).toBe(true);
    expect(needs(101).ok).toBe(false);
  });

  it('accepts charging limits that are multiples of 0.1 such as 7.1 and 0.3', () => {
    const profile = (limit: number) => ({
      connectorId: 1,
      csChargingProfiles: {
        chargingProfileId: 1,
        stackLevel: 0,
        chargingProfilePurpose: 'TxDefaultProfile',
        chargingProfileKind: 'Absolute',
        chargingSchedule: { chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit }] },
      },
    });
    for (const limit of [7.1, 0.3, 16])
      expect(schemas.validate('1.6', 'SetChargingProfile', 'request', profile(limit)).ok).toBe(true);
    expect(schemas.validate('1.6', 'SetChargingProfile', 'request', profile(7.15)).ok).toBe(false);
  });

  it('1.6 tolerates the time formats real chargers send; 2.0.1 holds to RFC 3339', () => {
    const start16 = (timestamp: string) => ({ connectorId: 1, idTag: 'TAG', meterStart: 0, timestamp });
    for (const timestamp of [
      '2026-11-22T10:00:00Z',
      '2026-11-22T10:00:00.123+01:00',
      '2026-11-22T10:00:00',
      '2026-11-22T10:00:00+02',
    ]) {
      expect(schemas.validate('1.6', 'StartTransaction', 'request', start16(timestamp)).ok).toBe(true);
    }
    expect(schemas.validate('1.6', 'StartTransaction', 'request', start16('yesterday')).ok).toBe(false);
    const heartbeat201 = (currentTime: string) => ({ currentTime });
    expect(
      schemas.validate('2.0.1', 'Heartbeat', 'response', heartbeat201('2026-11-22T10:00:00.000Z')).ok,
    ).toBe(true);
    expect(schemas.validate('2.0.1', 'Heartbeat', 'response', heartbeat201('2026-11-22T10:00:00')).ok).toBe(
      false,
    );
  });
});
