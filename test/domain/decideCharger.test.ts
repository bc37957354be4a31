import { describe, expect, it } from 'vitest';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { evolveCharger, initialChargerState } from '../../src/domain/charger/chargerState.js';
import {
  type ChargerCommand,
  type DecisionContext,
  decideCharger,
} from '../../src/domain/charger/decideCharger.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';

const context: DecisionContext = {
  chargerId: 'CP1',
  receivedAt: '2026-11-22T10:00:00.000Z',
  heartbeatIntervalSeconds: 300,
};
const registered: RegistryEvent = {
  type: 'ChargerRegistered',
  data: { identity: 'CP1', tenant: 'default', securityProfile: 0, autoRegistered: false },
};
const approved: RegistryEvent = { type: 'ChargerApproved', data: {} };
const blocked: RegistryEvent = { type: 'ChargerBlocked', data: {} };

function given(...history: Array<RegistryEvent | ChargingEvent>) {
  const state = history.reduce(
    (current, event) => evolveCharger(current, event, context.receivedAt),
    initialChargerState(),
  );
  return {
    when: (command: ChargerCommand, extra: Partial<DecisionContext> = {}) => ({
      thenExpect: (expected: ReturnType<typeof decideCharger>) =>
        expect(decideCharger(command, state, { ...context, ...extra })).toEqual(expected),
    }),
  };
}

const boot: ChargerCommand = { type: 'BootCharger', identification: { vendor: 'ACME', model: 'X1' } };
const booted = (status: 'Accepted' | 'Pending' | 'Rejected', interval: number) => ({
  events: [
    {
      type: 'ChargerBooted' as const,
      data: { vendor: 'ACME', model: 'X1', decision: { status, interval, currentTime: context.receivedAt } },
    },
  ],
  reply: { type: 'BootDecision' as const, status, interval, currentTime: context.receivedAt },
});

describe('charger decisions', () => {
  it('an approved charger boots Accepted with the configured heartbeat interval', () =>
    given(registered, approved).when(boot).thenExpect(booted('Accepted', 300)));
  it('a registered, unapproved charger boots Pending and retries in 60 s', () =>
    given(registered).when(boot).thenExpect(booted('Pending', 60)));
  it('a charger blocked while connected boots Rejected', () =>
    given(registered, approved, blocked).when(boot).thenExpect(booted('Rejected', 60)));

  it('a heartbeat is answered with the server time it was received at', () =>
    given(registered, approved)
      .when({ type: 'RecordHeartbeat' })
      .thenExpect({
        events: [{ type: 'HeartbeatReceived', data: { currentTime: context.receivedAt } }],
        reply: { type: 'HeartbeatAnswer', currentTime: context.receivedAt },
      }));

  it('DataTransfer for a vendor extension we do not implement is UnknownVendorId, recorded with its data', () =>
    given(registered)
      .when({ type: 'TransferData', vendorId: 'com.acme', messageId: 'm', data: '{"x":1}' })
      .thenExpect({
        events: [
          {
            type: 'DataTransferReceived',
            data: {
              vendorId: 'com.acme',
              messageId: 'm',
              data: '{"x":1}',
              decision: { status: 'UnknownVendorId' },
            },
          },
        ],
        reply: { type: 'DataTransferDecision', status: 'UnknownVendorId' },
      }));

  it('a part of a device model report, and device events, are recorded as told and acknowledged', () => {
    const variables = [
      {
        component: 'OCPPCommCtrlr',
        variable: 'HeartbeatInterval',
        attributes: [{ type: 'Actual', value: '300', mutability: 'ReadWrite' }],
      },
    ];
    given(registered, approved)
      .when({ type: 'ReportDeviceModel', requestId: 7, seqNo: 0, more: true, generatedAt: 'T', variables })
      .thenExpect({
        events: [
          {
            type: 'DeviceModelReported',
            data: { requestId: 7, seqNo: 0, more: true, generatedAt: 'T', variables },
          },
        ],
        reply: { type: 'Acknowledged' },
      });
    const events = [
      {
        component: 'Connector',
        evseId: 1,
        connectorId: 1,
        variable: 'AvailabilityState',
        eventId: 2,
        chargerTime: 'T',
        trigger: 'Alerting',
        actualValue: 'Faulted',
        notificationType: 'PreconfiguredMonitor',
      },
    ];
    // before its boot is accepted too: a charger tells of its components at boot
    given(registered)
      .when({ type: 'NotifyDeviceEvents', seqNo: 0, more: false, generatedAt: 'T', events })
      .thenExpect({
        events: [{ type: 'DeviceEventsNotified', data: { seqNo: 0, more: false, generatedAt: 'T', events } }],
        reply: { type: 'Acknowledged' },
      });
  });

  it("a certificate's status is what its OCSP responder said, or Failed with why it could not be asked", () => {
    given(registered, approved)
      .when({ type: 'RequestCertificateStatus', request: { serialNumber: '01' }, answer: undefined })
      .thenExpect({
        events: [
          {
            type: 'CertificateStatusRequested',
            data: {
              request: { serialNumber: '01' },
              decision: { status: 'Failed', reason: 'no OCSP responder is configured' },
            },
          },
        ],
        reply: {
          type: 'CertificateStatusDecision',
          status: 'Failed',
          reason: 'no OCSP responder is configured',
        },
      });
    given(registered, approved)
      .when({
        type: 'RequestCertificateStatus',
        request: { serialNumber: '01' },
        answer: { status: 'Accepted', ocspResult: 'MIIB' },
      })
      .thenExpect({
        events: [
          {
            type: 'CertificateStatusRequested',
            data: { request: { serialNumber: '01' }, decision: { status: 'Accepted', ocspResult: 'MIIB' } },
          },
        ],
        reply: { type: 'CertificateStatusDecision', status: 'Accepted', ocspResult: 'MIIB' },
      });
  });

  it("an EV's contract certificate is what the contract service answered, or Failed with why", () => {
    const request = { schemaVersion: 'urn:iso:15118:2:2013:MsgDef', action: 'Install', exiRequest: 'AAEC' };
    given(registered, approved)
      .when({ type: 'RequestEVCertificate', ...request, answer: undefined })
      .thenExpect({
        events: [
          {
            type: 'EVCertificateRequested',
            data: {
              ...request,
              decision: {
                status: 'Failed',
                reason: 'no ISO 15118 contract certificate service is configured',
              },
            },
          },
        ],
        reply: {
          type: 'EVCertificateDecision',
          status: 'Failed',
          reason: 'no ISO 15118 contract certificate service is configured',
        },
      });
    given(registered, approved)
      .when({ type: 'RequestEVCertificate', ...request, answer: { status: 'Accepted', exiResponse: 'BBED' } })
      .thenExpect({
        events: [
          {
            type: 'EVCertificateRequested',
            data: { ...request, decision: { status: 'Accepted', exiResponse: 'BBED' } },
          },
        ],
        reply: { type: 'EVCertificateDecision', status: 'Accepted', exiResponse: 'BBED' },
      });
  });

  it("an EV's charging needs get a schedule under the charger's standing limit while a transaction runs on its EVSE", () => {
    const needs: ChargerCommand = {
      type: 'ReportEVChargingNeeds',
      evseId: 1,
      needs: { requestedEnergyTransfer: 'AC_three_phase' },
      ev: { transfer: 'AC', phases: 3, maxCurrentA: 16 },
    };
    const stationMax: ChargingEvent = {
      type: 'ChargingProfileSet',
      data: {
        commandId: 'c1',
        action: 'SetChargingProfile',
        evseId: 0,
        profileId: 1,
        purpose: 'ChargingStationMaxProfile',
        stackLevel: 0,
        profile: {},
        limit: { value: 32, unit: 'A' },
      },
    };
    const started = decideCharger(
      {
        type: 'StartTransaction',
        evseId: 1,
        connectorId: 1,
        transactionKey: 'TX-1',
        idTag: 'TAG',
        token: undefined,
        chargerTime: context.receivedAt,
      },
      [registered, approved].reduce(
        (state, event) => evolveCharger(state, event, context.receivedAt),
        initialChargerState(),
      ),
      context,
    ).events;
    const rejected = (reason: string) => ({
      events: [
        {
          type: 'EVChargingNeedsReported' as const,
          data: {
            evseId: 1,
            needs: { requestedEnergyTransfer: 'AC_three_phase' },
            decision: { status: 'Rejected' as const, reason },
          },
        },
      ],
      reply: { type: 'ServiceDecision' as const, status: 'Rejected' as const, reason },
    });
    given(registered, approved, stationMax)
      .when(needs)
      .thenExpect(rejected('no transaction is under way on EVSE 1'));
    given(registered, approved, ...started)
      .when(needs)
      .thenExpect(
        rejected(
          'no charging limit of ours applies to EVSE 1 (a ChargingStationMaxProfile or TxDefaultProfile the charger accepted)',
        ),
      );
    given(registered, approved, stationMax, ...started)
      .when(needs)
      .thenExpect({
        events: [
          {
            type: 'EVChargingNeedsReported',
            data: {
              evseId: 1,
              needs: { requestedEnergyTransfer: 'AC_three_phase' },
              decision: {
                status: 'Accepted',
                transactionKey: 'TX-1',
                profile: { profileId: 900_001, stackLevel: 0, unit: 'A', limit: 16, phases: 3 },
              },
            },
          },
        ],
        reply: { type: 'Acknowledged' },
      });
    // the limit cleared: nothing to schedule under any more
    const cleared: ChargingEvent = {
      type: 'ChargingProfilesCleared',
      data: { commandId: 'c2', action: 'ClearChargingProfile', profileId: 1 },
    };
    given(registered, approved, stationMax, cleared, ...started)
      .when(needs)
      .thenExpect(
        rejected(
          'no charging limit of ours applies to EVSE 1 (a ChargingStationMaxProfile or TxDefaultProfile the charger accepted)',
        ),
      );
  });

  it('a report is recorded as told and acknowledged', () => {
    const report = {
      type: 'ReservationEnded' as const,
      data: { reservationId: 3, reason: 'expired' as const },
    };
    given(registered, approved)
      .when({ type: 'RecordReport', report })
      .thenExpect({
        events: [report],
        reply: { type: 'Acknowledged' },
      });
  });

  it('a firmware status that is a failure raises an alert beside the report; progress does not', () => {
    for (const status of ['DownloadFailed', 'InstallationFailed', 'InvalidSignature']) {
      given(registered)
        .when({ type: 'ReportFirmwareStatus', status, signed: false })
        .thenExpect({
          events: [
            { type: 'FirmwareStatusReported', data: { status, signed: false } },
            { type: 'FirmwareUpdateFailed', data: { status } },
          ],
          reply: { type: 'Acknowledged' },
        });
    }
    given(registered)
      .when({ type: 'ReportFirmwareStatus', status: 'Downloading', signed: false })
      .thenExpect({
        events: [{ type: 'FirmwareStatusReported', data: { status: 'Downloading', signed: false } }],
        reply: { type: 'Acknowledged' },
      });
  });

  it('status, firmware, log and security reports are recorded and acknowledged', () => {
    given(registered)
      .when({ type: 'ReportFirmwareStatus', status: 'Installed', requestId: 7, signed: true })
      .thenExpect({
        events: [
          { type: 'FirmwareStatusReported', data: { status: 'Installed', requestId: 7, signed: true } },
        ],
        reply: { type: 'Acknowledged' },
      });
    given(registered)
      .when({
        type: 'ReportSecurityEvent',
        eventType: 'TamperDetectionActivated',
        chargerTime: '2026-11-22T09:59:00Z',
      })
      .thenExpect({
        events: [
          {
            type: 'SecurityEventReported',
            data: { eventType: 'TamperDetectionActivated', chargerTime: '2026-11-22T09:59:00Z' },
          },
        ],
        reply: { type: 'Acknowledged' },
      });
  });
});
