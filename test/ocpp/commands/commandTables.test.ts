import { describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../../src/cluster/commandRouter.js';
import { commandCompletedUpcaster } from '../../../src/ocpp/commands/commandCompletedUpcaster.js';
import {
  COMMAND_TABLES,
  canTake,
  commandWeight,
  outcomeFact,
  requestFor,
} from '../../../src/ocpp/commands/outboundCommands.js';
import { SchemaRegistry } from '../../../src/ocpp/rpc/schemaRegistry.js';
import type { OcppVersion } from '../../../src/ocpp/versions.js';
import type { Checkpoint, RecordedEvent } from '../../../src/store/eventStore.js';

const schemas = SchemaRegistry.load();
const answered = (response: Record<string, unknown>): CommandOutcome => ({ status: 'answered', response });
const accepted = answered({ status: 'Accepted' });

describe('each version’s command table', () => {
  it('names only messages its version has, CSMS→charger', () => {
    for (const [version, table] of Object.entries(COMMAND_TABLES)) {
      const unknown = Object.keys(table.routes).filter(
        (action) => !schemas.knows(version as OcppVersion, action),
      );
      expect({ version, unknown }).toEqual({ version, unknown: [] });
    }
  });

  it('words our commands as requests valid against the version’s schemas', () => {
    const commands = [
      {
        kind: 'InstallFirmware',
        location: 'https://fw.example/a.bin',
        retrieveAt: '2026-12-06T00:00:00Z',
        retries: 2,
      },
      {
        kind: 'UploadLog',
        log: 'Diagnostics',
        location: 'https://up.example/',
        from: '2026-12-01T00:00:00Z',
      },
      {
        kind: 'InstallFirmware',
        location: 'https://fw.example/b.bin',
        retrieveAt: '2026-12-06T00:00:00Z',
        signed: { signingCertificate: '-----BEGIN CERTIFICATE-----', signature: 'c2lnbmF0dXJl' },
      },
      { kind: 'UploadLog', log: 'SecurityLog', location: 'https://up.example/' },
      { kind: 'ReadLocalListVersion' },
      {
        kind: 'ReplaceLocalList',
        updateType: 'Differential',
        listVersion: 3,
        entries: [
          {
            idTag: 'A',
            tokenType: 'KeyCode',
            grant: { status: 'Accepted', expiryDate: '2030-01-01T00:00:00Z', parentIdTag: 'G' },
          },
          { idTag: 'B' },
        ],
      },
      {
        kind: 'DeliverCertificate',
        certificateChain: '-----BEGIN CERTIFICATE-----',
        certificateType: 'V2GCertificate',
      },
    ] as const;
    for (const version of ['1.6', '2.0.1'] as const) {
      for (const command of commands) {
        const request = requestFor(version, command);
        if (!request) {
          expect(canTake(version, command.kind)).toBe(false);
          continue;
        }
        const validation = schemas.validate(version, request.action, 'request', request.payload);
        expect({ version, command: command.kind, errors: validation.errors }).toMatchObject({ errors: [] });
      }
    }
    for (const kind of ['ReadLocalListVersion', 'ReplaceLocalList', 'DeliverCertificate'] as const) {
      expect(canTake('1.6', kind)).toBe(true);
      expect(canTake('2.0.1', kind)).toBe(true);
    }
    expect(requestFor('9.9', { kind: 'ReadLocalListVersion' })).toBeUndefined();
  });

  it('agree on who may send an action both have', () => {
    expect(commandWeight('Reset', { type: 'Hard' })).toBe('hard');
    expect(commandWeight('Reset', { type: 'Immediate' })).toBe('hard');
    expect(commandWeight('Reset', { type: 'Soft' })).toBe('soft');
    expect(commandWeight('Reset', { type: 'OnIdle' })).toBe('soft');
    expect(commandWeight('GetVariables', {})).toBe('soft');
    expect(commandWeight('ChangeConfiguration', {})).toBe('normal');
    const [v16, v201] = [COMMAND_TABLES['1.6'].routes, COMMAND_TABLES['2.0.1'].routes];
    for (const action of Object.keys(v16).filter((name) => name in v201 && name !== 'Reset'))
      expect({ action, weight: v16[action]!.weight }).toEqual({ action, weight: v201[action]!.weight });
  });
});

describe('answers in our words', () => {
  it('a 1.6 and a 2.0.1 reservation are the same fact', () => {
    const v16 = outcomeFact('1.6', 'ReserveNow', {
      payload: { connectorId: 2, expiryDate: '2030-01-01T00:00:00Z', idTag: 'TAG', reservationId: 4 },
      outcome: accepted,
    });
    const v201 = outcomeFact('2.0.1', 'ReserveNow', {
      payload: {
        id: 4,
        evseId: 2,
        expiryDateTime: '2030-01-01T00:00:00Z',
        idToken: { idToken: 'TAG', type: 'ISO14443' },
      },
      outcome: accepted,
    });
    const fact = {
      type: 'ReservationMade',
      data: { reservationId: 4, evseId: 2, idTag: 'TAG', expiresAt: '2030-01-01T00:00:00Z' },
    };
    expect(v16).toEqual(fact);
    expect(v201).toEqual(fact);
    expect(
      outcomeFact('1.6', 'ReserveNow', {
        payload: { connectorId: 2, expiryDate: '2030-01-01T00:00:00Z', idTag: 'TAG', reservationId: 4 },
        outcome: answered({ status: 'Occupied' }),
      }),
    ).toBeUndefined();
  });

  it('a 2.0.1 clear names its criteria, so it clears no more than asked', () => {
    expect(
      outcomeFact('2.0.1', 'ClearChargingProfile', {
        payload: { chargingProfileCriteria: { evseId: 1, chargingProfilePurpose: 'TxDefaultProfile' } },
        outcome: accepted,
      }),
    ).toEqual({ type: 'ChargingProfilesCleared', data: { evseId: 1, purpose: 'TxDefaultProfile' } });
  });

  it('the local list version each version reports, and a firmware install never sent', () => {
    expect(
      outcomeFact('1.6', 'GetLocalListVersion', { payload: {}, outcome: answered({ listVersion: 5 }) }),
    ).toEqual({
      type: 'LocalListVersionReported',
      data: { listVersion: 5 },
    });
    expect(
      outcomeFact('2.0.1', 'GetLocalListVersion', { payload: {}, outcome: answered({ versionNumber: 5 }) }),
    ).toEqual({ type: 'LocalListVersionReported', data: { listVersion: 5 } });
    expect(
      outcomeFact('1.6', 'UpdateFirmware', {
        payload: { location: 'https://fw.example/a.bin', retrieveDate: '2026-12-06T00:00:00Z' },
        outcome: { status: 'timeout', timeoutMs: 1_000 },
        about: { firmwareId: 'f-1' },
      }),
    ).toEqual({
      type: 'FirmwareUpdateRequested',
      data: { location: 'https://fw.example/a.bin', firmwareId: 'f-1', status: 'NotSent', finished: true },
    });
  });
});

describe('CommandCompleted written before issue 15, read now', () => {
  const upcast = commandCompletedUpcaster(schemas);
  const stored = (data: Record<string, unknown>): RecordedEvent => ({
    id: '00000000-0000-4000-8000-000000000001',
    streamId: 'charger-OLD',
    revision: 3n,
    position: '1' as Checkpoint,
    type: 'CommandCompleted',
    schemaVersion: 1,
    data,
    metadata: { receivedAt: '2026-11-01T00:00:00.000Z', actor: 'ops' },
    recordedAt: new Date('2026-11-01T00:00:00.000Z'),
  });

  it('becomes the typed outcome of the version its payload is worded in, the exchange in its metadata', () => {
    const exchange = { messageId: 'm', sent: { frame: '[2]', at: '2026-11-01T00:00:00.000Z' } };
    const payload = {
      id: 4,
      evseId: 2,
      expiryDateTime: '2030-01-01T00:00:00Z',
      idToken: { idToken: 'T', type: 'Central' },
    };
    const event = upcast(
      stored({
        commandId: 'c-1',
        action: 'ReserveNow',
        payload,
        outcome: { status: 'answered', response: { status: 'Accepted' } },
        exchange,
      }),
    );
    expect(event).toMatchObject({
      type: 'ReservationMade',
      revision: 3n,
      position: '1',
      data: { commandId: 'c-1', action: 'ReserveNow', reservationId: 4, evseId: 2, idTag: 'T' },
      metadata: { actor: 'ops', command: { ocppVersion: '2.0.1', payload, exchange } },
    });
  });

  it('stays CommandCompleted, now saying its version, when its outcome established nothing', () => {
    const event = upcast(
      stored({
        commandId: 'c-2',
        action: 'Reset',
        payload: { type: 'Soft' },
        outcome: { status: 'answered', response: { status: 'Rejected' } },
      }),
    );
    expect(event).toMatchObject({ type: 'CommandCompleted', schemaVersion: 2, data: { ocppVersion: '1.6' } });
    expect(upcast(event)).toBe(event);
  });
});
