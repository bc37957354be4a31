import type { Availability } from '../../domain/charger/chargerEvents.js';
import type { ChargerReply } from '../../domain/charger/decideCharger.js';
import type { RawMeterSample } from '../../domain/charger/transactions/decideTransaction.js';
import type { AuthorizationOutcome } from '../../domain/charger/transactions/transactionEvents.js';
import { firmwareStatus, type InboundTranslator, optional, sharedReports } from '../inboundTranslator.js';
import type { Payload } from '../rpc/frames.js';

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

/** 1.6 numbers connectors 1..N (0: the charger): each is read as an EVSE with one connector. */
const connectorRef16 = (connectorId: unknown) => {
  const connector = Number(connectorId);
  return { evseId: connector, connectorId: connector === 0 ? 0 : 1 };
};

const idTagInfo16 = (decision: Omit<AuthorizationOutcome, 'reason'>) => ({
  status: decision.status,
  ...(decision.expiryDate ? { expiryDate: decision.expiryDate } : {}),
  ...(decision.parentIdTag ? { parentIdTag: decision.parentIdTag } : {}),
});

type MeterValue16 = { timestamp: string; sampledValue: Array<Record<string, string>> };
const samples16 = (meterValues: unknown): RawMeterSample[] =>
  ((meterValues as MeterValue16[] | undefined) ?? []).map((meterValue) => ({
    chargerTime: meterValue.timestamp,
    values: meterValue.sampledValue.map((sampled) => ({
      value: sampled.value!,
      ...(sampled.measurand ? { measurand: sampled.measurand } : {}),
      ...(sampled.unit ? { unit: sampled.unit } : {}),
      ...(sampled.context ? { context: sampled.context } : {}),
      ...(sampled.format ? { format: sampled.format } : {}),
      ...(sampled.phase ? { phase: sampled.phase } : {}),
      ...(sampled.location ? { location: sampled.location } : {}),
    })),
  }));

const bootReply = (reply: ChargerReply) =>
  reply.type === 'BootDecision'
    ? { status: reply.status, currentTime: reply.currentTime, interval: reply.interval }
    : {};

/** Every OCPP 1.6 charger→CSMS action (core and the security extension), onto domain commands. */
export const inbound16: Record<string, InboundTranslator> = {
  ...sharedReports,
  Authorize: {
    toCommand: (request) => ({ type: 'AuthorizeToken', idTag: String(request.idTag), token: undefined }),
    toReply: (reply) => (reply.type === 'AuthorizationDecision' ? { idTagInfo: idTagInfo16(reply) } : {}),
  },
  StartTransaction: {
    toCommand: (request) => ({
      type: 'StartTransaction',
      ...connectorRef16(request.connectorId),
      idTag: String(request.idTag),
      meterStartWh: Number(request.meterStart),
      chargerTime: String(request.timestamp),
      ...(typeof request.reservationId === 'number' ? { reservationId: request.reservationId } : {}),
      token: undefined,
    }),
    // the key is the id we issued: a positive 32-bit integer
    toReply: (reply): Payload =>
      reply.type === 'TransactionStartDecision'
        ? { transactionId: Number(reply.transactionKey), idTagInfo: idTagInfo16(reply.authorization) }
        : {},
  },
  StopTransaction: {
    toCommand: (request) => ({
      type: 'StopTransaction',
      transactionKey: String(request.transactionId),
      meterStopWh: Number(request.meterStop),
      chargerTime: String(request.timestamp),
      ...optional('reason', request.reason),
      ...(typeof request.idTag === 'string' ? { idTag: request.idTag } : {}),
      token: undefined,
      samples: samples16(request.transactionData),
    }),
    toReply: (reply): Payload =>
      reply.type === 'TransactionStopDecision' && reply.authorization
        ? { idTagInfo: idTagInfo16(reply.authorization) }
        : {},
  },
  MeterValues: {
    toCommand: (request) => ({
      type: 'ReportMeterValues',
      ...connectorRef16(request.connectorId),
      ...(typeof request.transactionId === 'number' ? { transactionKey: String(request.transactionId) } : {}),
      samples: samples16(request.meterValue),
    }),
    toReply: () => ({}),
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
    toCommand: (request) => {
      return {
        type: 'ReportConnectorStatus',
        ...connectorRef16(request.connectorId),
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
