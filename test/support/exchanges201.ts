import type { Exchanges } from './everyCommand.js';

const CERTIFICATE = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
const HASH = { hashAlgorithm: 'SHA256', issuerNameHash: 'aa', issuerKeyHash: 'bb', serialNumber: '01' };
const TOKEN = { idToken: 'TAG-1', type: 'ISO14443' };
const EVSE_POWER = { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } };
const ACCEPTED = { status: 'Accepted' };
const PROFILE = {
  id: 5,
  stackLevel: 0,
  chargingProfilePurpose: 'TxDefaultProfile',
  chargingProfileKind: 'Absolute',
  chargingSchedule: [
    { id: 1, chargingRateUnit: 'A', chargingSchedulePeriod: [{ startPeriod: 0, limit: 16 }] },
  ],
};

/** Every 2.0.1 CSMS→charger message: a request valid against its schema, and an answer a charger may give. */
export const EXCHANGES_201: Exchanges = {
  CancelReservation: { request: { reservationId: 3 }, answer: ACCEPTED },
  CertificateSigned: {
    request: { certificateChain: CERTIFICATE, certificateType: 'ChargingStationCertificate' },
    answer: ACCEPTED,
  },
  ChangeAvailability: {
    request: { operationalStatus: 'Inoperative', evse: { id: 1 } },
    answer: { status: 'Scheduled' },
  },
  ClearCache: { request: {}, answer: ACCEPTED },
  ClearChargingProfile: { request: { chargingProfileId: 5 }, answer: ACCEPTED },
  ClearDisplayMessage: { request: { id: 9 }, answer: ACCEPTED },
  ClearVariableMonitoring: {
    request: { id: [11, 12] },
    answer: {
      clearMonitoringResult: [
        { id: 11, status: 'Accepted' },
        { id: 12, status: 'NotFound' },
      ],
    },
  },
  CostUpdated: { request: { totalCost: 4.2, transactionId: 'TX-1' }, answer: {} },
  CustomerInformation: {
    request: { requestId: 4, report: true, clear: false, idToken: TOKEN },
    answer: ACCEPTED,
  },
  DataTransfer: {
    request: { vendorId: 'com.acme', messageId: 'ping' },
    answer: { status: 'UnknownVendorId' },
  },
  DeleteCertificate: { request: { certificateHashData: HASH }, answer: ACCEPTED },
  GetBaseReport: { request: { requestId: 5, reportBase: 'FullInventory' }, answer: ACCEPTED },
  GetChargingProfiles: {
    request: { requestId: 6, chargingProfile: { chargingProfilePurpose: 'TxDefaultProfile' } },
    answer: { status: 'NoProfiles' },
  },
  GetCompositeSchedule: { request: { duration: 3600, evseId: 1 }, answer: { status: 'Rejected' } },
  GetDisplayMessages: { request: { requestId: 7 }, answer: { status: 'Unknown' } },
  GetInstalledCertificateIds: {
    request: { certificateType: ['CSMSRootCertificate'] },
    answer: { status: 'NotFound' },
  },
  GetLocalListVersion: { request: {}, answer: { versionNumber: 3 } },
  GetLog: {
    request: { logType: 'SecurityLog', requestId: 8, log: { remoteLocation: 'https://up.example/' } },
    answer: { status: 'Accepted', filename: 'security.log' },
  },
  GetMonitoringReport: {
    request: { requestId: 9, monitoringCriteria: ['ThresholdMonitoring'] },
    answer: ACCEPTED,
  },
  GetReport: {
    request: { requestId: 10, componentVariable: [EVSE_POWER] },
    answer: { status: 'EmptyResultSet' },
  },
  GetTransactionStatus: {
    request: { transactionId: 'TX-1' },
    answer: { ongoingIndicator: false, messagesInQueue: false },
  },
  GetVariables: {
    request: { getVariableData: [EVSE_POWER] },
    answer: { getVariableResult: [{ ...EVSE_POWER, attributeStatus: 'Accepted', attributeValue: '22000' }] },
  },
  InstallCertificate: {
    request: { certificateType: 'CSMSRootCertificate', certificate: CERTIFICATE },
    answer: ACCEPTED,
  },
  PublishFirmware: {
    request: {
      location: 'https://fw.example/a.bin',
      checksum: '0123456789abcdef0123456789abcdef',
      requestId: 11,
    },
    answer: ACCEPTED,
  },
  RequestStartTransaction: { request: { idToken: TOKEN, remoteStartId: 12, evseId: 1 }, answer: ACCEPTED },
  RequestStopTransaction: { request: { transactionId: 'TX-1' }, answer: ACCEPTED },
  ReserveNow: {
    request: { id: 3, expiryDateTime: '2030-01-01T00:00:00Z', idToken: TOKEN, evseId: 1 },
    answer: ACCEPTED,
  },
  Reset: { request: { type: 'OnIdle' }, answer: ACCEPTED },
  SendLocalList: {
    request: {
      versionNumber: 2,
      updateType: 'Full',
      localAuthorizationList: [{ idToken: TOKEN, idTokenInfo: { status: 'Accepted' } }],
    },
    answer: ACCEPTED,
  },
  SetChargingProfile: { request: { evseId: 1, chargingProfile: PROFILE }, answer: ACCEPTED },
  SetDisplayMessage: {
    request: { message: { id: 9, priority: 'NormalCycle', message: { format: 'UTF8', content: 'Hi' } } },
    answer: ACCEPTED,
  },
  SetMonitoringBase: { request: { monitoringBase: 'FactoryDefault' }, answer: ACCEPTED },
  SetMonitoringLevel: { request: { severity: 4 }, answer: ACCEPTED },
  SetNetworkProfile: {
    request: {
      configurationSlot: 1,
      connectionData: {
        ocppVersion: 'OCPP20',
        ocppTransport: 'JSON',
        ocppCsmsUrl: 'wss://csms.example/ocpp',
        messageTimeout: 30,
        securityProfile: 2,
        ocppInterface: 'Wired0',
      },
    },
    answer: ACCEPTED,
  },
  SetVariableMonitoring: {
    request: { setMonitoringData: [{ ...EVSE_POWER, value: 22000, type: 'UpperThreshold', severity: 4 }] },
    answer: {
      setMonitoringResult: [
        { ...EVSE_POWER, id: 11, status: 'Accepted', type: 'UpperThreshold', severity: 4 },
      ],
    },
  },
  SetVariables: {
    request: {
      setVariableData: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeValue: '60',
        },
      ],
    },
    answer: {
      setVariableResult: [
        {
          component: { name: 'OCPPCommCtrlr' },
          variable: { name: 'HeartbeatInterval' },
          attributeStatus: 'Accepted',
        },
      ],
    },
  },
  TriggerMessage: {
    request: { requestedMessage: 'StatusNotification', evse: { id: 1, connectorId: 1 } },
    answer: ACCEPTED,
  },
  UnlockConnector: { request: { evseId: 1, connectorId: 1 }, answer: { status: 'Unlocked' } },
  UnpublishFirmware: {
    request: { checksum: '0123456789abcdef0123456789abcdef' },
    answer: { status: 'Unpublished' },
  },
  UpdateFirmware: {
    request: {
      requestId: 13,
      firmware: { location: 'https://fw.example/b.bin', retrieveDateTime: '2026-12-06T00:00:00Z' },
    },
    answer: ACCEPTED,
  },
};
