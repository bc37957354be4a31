import type { ChargerCommand, ChargerReply } from '../domain/charger/decideCharger.js';
import type { Payload } from './rpc/frames.js';

/** The version edge of one charger→CSMS action: frame payload in, domain command out, reply back. */
export interface InboundTranslator {
  toCommand(request: Payload): ChargerCommand;
  toReply(reply: ChargerReply): Payload;
  /** its answer to a transaction's stop carries the session's cost (2.x TransactionEventResponse.totalCost) */
  answersStopWithCost?: true;
}

export const optional = <K extends string>(key: K, value: unknown): Partial<Record<K, string>> =>
  typeof value === 'string' && value !== '' ? ({ [key]: value } as Record<K, string>) : {};

/** Reports whose payloads 1.6 and 2.x share, with the reply each expects. */
export const sharedReports: Record<string, InboundTranslator> = {
  DataTransfer: {
    toCommand: (request) => ({
      type: 'TransferData',
      vendorId: String(request.vendorId),
      ...optional('messageId', request.messageId),
      ...(request.data !== undefined ? { data: request.data } : {}),
    }),
    toReply: (reply) => (reply.type === 'DataTransferDecision' ? { status: reply.status } : {}),
  },
  LogStatusNotification: {
    toCommand: (request) => ({
      type: 'ReportLogStatus',
      status: String(request.status),
      ...(typeof request.requestId === 'number' ? { requestId: request.requestId } : {}),
    }),
    toReply: () => ({}),
  },
  SecurityEventNotification: {
    toCommand: (request) => ({
      type: 'ReportSecurityEvent',
      eventType: String(request.type),
      chargerTime: String(request.timestamp),
      ...optional('techInfo', request.techInfo),
    }),
    toReply: () => ({}),
  },
  SignCertificate: {
    // 1.6's security extension signs the charger's own certificate only
    toCommand: (request) => ({
      type: 'RequestCertificateSigning',
      csr: String(request.csr),
      reading: undefined,
    }),
    toReply: (reply) => (reply.type === 'SigningDecision' ? { status: reply.status } : {}),
  },
};

export const firmwareStatus = (signed: boolean): InboundTranslator => ({
  toCommand: (request) => ({
    type: 'ReportFirmwareStatus',
    status: String(request.status),
    signed,
    ...(typeof request.requestId === 'number' ? { requestId: request.requestId } : {}),
  }),
  toReply: () => ({}),
});
