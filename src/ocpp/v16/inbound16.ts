import type { Availability } from '../../domain/charger/chargerEvents.js';
import type { ChargerReply } from '../../domain/charger/decideCharger.js';
import { firmwareStatus, type InboundTranslator, optional, sharedReports } from '../inboundTranslator.js';

const AVAILABILITY: Record<string, Availability> = {
  Available: 'Available',
  Preparing: 'Occupied',
  Charging: 'Occupied',
  SuspendedEVSE: 'Occupied',
  SuspendedEV: 'Occupied',
  Finishing: 'Occupied',
  Reserved: 'Reserved',
  Unavailable: 'Unavailable',
  Faulted: 'Faulted',
};

const bootReply = (reply: ChargerReply) =>
  reply.type === 'BootDecision'
    ? { status: reply.status, currentTime: reply.currentTime, interval: reply.interval }
    : {};

/** OCPP 1.6 charger→CSMS actions handled so far (the charging domain grows them). */
export const inbound16: Record<string, InboundTranslator> = {
  ...sharedReports,
  Authorize: {
    toCommand: (request) => ({ type: 'AuthorizeToken', idTag: String(request.idTag), token: undefined }),
    toReply: (reply) =>
      reply.type === 'AuthorizationDecision'
        ? {
            idTagInfo: {
              status: reply.status,
              ...(reply.expiryDate ? { expiryDate: reply.expiryDate } : {}),
              ...(reply.parentIdTag ? { parentIdTag: reply.parentIdTag } : {}),
            },
          }
        : {},
  },
  DiagnosticsStatusNotification: {
    toCommand: (request) => ({ type: 'ReportDiagnosticsStatus', status: String(request.status) }),
    toReply: () => ({}),
  },
  FirmwareStatusNotification: firmwareStatus(false),
  SignedFirmwareStatusNotification: firmwareStatus(true),
  BootNotification: {
    toCommand: (request) => ({
      type: 'BootCharger',
      identification: {
        vendor: String(request.chargePointVendor),
        model: String(request.chargePointModel),
        ...optional('serialNumber', request.chargePointSerialNumber),
        ...optional('chargeBoxSerialNumber', request.chargeBoxSerialNumber),
        ...optional('firmwareVersion', request.firmwareVersion),
        ...optional('iccid', request.iccid),
        ...optional('imsi', request.imsi),
        ...optional('meterType', request.meterType),
        ...optional('meterSerialNumber', request.meterSerialNumber),
      },
    }),
    toReply: bootReply,
  },
  Heartbeat: {
    toCommand: () => ({ type: 'RecordHeartbeat' }),
    toReply: (reply) => (reply.type === 'HeartbeatAnswer' ? { currentTime: reply.currentTime } : {}),
  },
  StatusNotification: {
    // 1.6 numbers connectors 1..N (0 the charger); each is read as an EVSE with one connector
    toCommand: (request) => {
      const connector = Number(request.connectorId);
      return {
        type: 'ReportConnectorStatus',
        evseId: connector,
        connectorId: connector === 0 ? 0 : 1,
        status: String(request.status),
        availability: AVAILABILITY[String(request.status)] ?? 'Unavailable',
        errorCode: String(request.errorCode),
        ...optional('info', request.info),
        ...optional('vendorId', request.vendorId),
        ...optional('vendorErrorCode', request.vendorErrorCode),
        ...optional('chargerTime', request.timestamp),
      };
    },
    toReply: () => ({}),
  },
};
