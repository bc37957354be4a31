import type { Availability } from '../../domain/charger/chargerEvents.js';
import { firmwareStatus, type InboundTranslator, optional, sharedReports } from '../inboundTranslator.js';
import { certificates201 } from './certificates201.js';
import { notifyEvent201, notifyReport201 } from './deviceModel201.js';
import { idTokenInfo201 } from './idTokenInfo201.js';
import { reports201 } from './reports201.js';
import { transactionEvent201 } from './transactionEvent201.js';

type Modem = { iccid?: string; imsi?: string };
type Station = {
  vendorName?: string;
  model?: string;
  serialNumber?: string;
  firmwareVersion?: string;
  modem?: Modem;
};

/** OCPP 2.0.1 (and 2.1) charger→CSMS actions handled so far, onto the same domain commands as 1.6. */
export const inbound201: Record<string, InboundTranslator> = {
  ...sharedReports,
  FirmwareStatusNotification: firmwareStatus(false),
  TransactionEvent: transactionEvent201,
  NotifyReport: notifyReport201,
  NotifyEvent: notifyEvent201,
  ...reports201,
  ...certificates201,
  Authorize: {
    toCommand: (request) => {
      const { idToken, type } = request.idToken as { idToken?: string; type?: string };
      return { type: 'AuthorizeToken', idTag: String(idToken), token: undefined, tokenType: String(type) };
    },
    toReply: (reply) =>
      reply.type === 'AuthorizationDecision' ? { idTokenInfo: idTokenInfo201(reply) } : {},
  },
  BootNotification: {
    toCommand: (request) => {
      const station = request.chargingStation as Station;
      return {
        type: 'BootCharger',
        reason: String(request.reason),
        identification: {
          vendor: String(station.vendorName),
          model: String(station.model),
          ...optional('serialNumber', station.serialNumber),
          ...optional('firmwareVersion', station.firmwareVersion),
          ...optional('iccid', station.modem?.iccid),
          ...optional('imsi', station.modem?.imsi),
        },
      };
    },
    toReply: (reply) =>
      reply.type === 'BootDecision'
        ? { status: reply.status, currentTime: reply.currentTime, interval: reply.interval }
        : {},
  },
  Heartbeat: {
    toCommand: () => ({ type: 'RecordHeartbeat' }),
    toReply: (reply) => (reply.type === 'HeartbeatAnswer' ? { currentTime: reply.currentTime } : {}),
  },
  StatusNotification: {
    toCommand: (request) => ({
      type: 'ReportConnectorStatus',
      evseId: Number(request.evseId),
      connectorId: Number(request.connectorId),
      status: String(request.connectorStatus),
      availability: request.connectorStatus as Availability,
      ...optional('chargerTime', request.timestamp),
    }),
    toReply: () => ({}),
  },
};
