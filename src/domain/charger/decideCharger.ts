import { isFirmwareFailure } from '../../policies/firmwareStatus.js';
import { normaliseIdTag, visible } from '../../policies/idTag.js';
import { fixedHeartbeatSeconds, idTagQuirk, isStatusEcho, quirksOf } from '../../policies/vendorQuirks.js';
import { type AuthorizationStatus, authorizeTokenFor, type Token } from '../tokens/tokens.js';
import type { CertificateUse } from './certificates/certificateEvents.js';
import type { CertificateStatusAnswer } from './certificates/certificateStatus.js';
import type { EVCertificateAnswer, EVCertificateRequest } from './certificates/contractCertificates.js';
import { type CsrReading, csrProblem } from './certificates/csrRules.js';
import type {
  BootStatus,
  ChargerIdentification,
  ChargingEvent,
  ConnectorStatus,
  DataTransferStatus,
} from './chargerEvents.js';
import { type ChargerState, connectorKey, tenantOf } from './chargerState.js';
import type { DeviceModelEvent } from './deviceModel/deviceModelEvents.js';
import type { ChargerReportEvent } from './reports/chargerReportEvents.js';
import { type EVChargingNeeds, scheduleForNeeds } from './smartCharging/scheduleForNeeds.js';
import {
  decideTransaction,
  type TransactionCommand,
  type TransactionEffects,
  type TransactionReply,
} from './transactions/decideTransaction.js';

/** What a charger's call asks of the CSMS, in the domain's words. */
export type ChargerCommand =
  | {
      type: 'BootCharger';
      identification: ChargerIdentification;
      reason?: string;
      /** another identity that booted first with the same serial number (looked up before deciding) */
      serialClaimedBy?: string;
    }
  | { type: 'RecordHeartbeat' }
  | ({ type: 'ReportConnectorStatus' } & ConnectorStatus)
  | { type: 'TransferData'; vendorId: string; messageId?: string; data?: unknown }
  | { type: 'ReportDiagnosticsStatus'; status: string }
  | { type: 'ReportFirmwareStatus'; status: string; requestId?: number; signed: boolean }
  | { type: 'ReportLogStatus'; status: string; requestId?: number }
  | { type: 'ReportSecurityEvent'; eventType: string; chargerTime: string; techInfo?: string }
  | {
      type: 'RequestCertificateSigning';
      csr: string;
      certificateType?: CertificateUse;
      /** the CSR as read before deciding (undefined: not read) */
      reading: CsrReading | undefined;
      /** the operator's organization name a CSR must carry (CPO_NAME), if configured */
      organization?: string;
    }
  | ({ type: 'ReportDeviceModel' } & Extract<DeviceModelEvent, { type: 'DeviceModelReported' }>['data'])
  | ({ type: 'NotifyDeviceEvents' } & Extract<DeviceModelEvent, { type: 'DeviceEventsNotified' }>['data'])
  /** a report the charger makes for the record */
  | { type: 'RecordReport'; report: ChargerReportEvent }
  | {
      type: 'ReportEVChargingNeeds';
      evseId: number;
      /** as the charger sent them, kept for the record */
      needs: Record<string, unknown>;
      /** the same, in our words, to decide on */
      ev: EVChargingNeeds;
      maxScheduleTuples?: number;
    }
  | {
      type: 'RequestCertificateStatus';
      request: Record<string, unknown>;
      /** what the certificate's OCSP responder said, asked before deciding (undefined: not asked) */
      answer: CertificateStatusAnswer | undefined;
    }
  | ({
      type: 'RequestEVCertificate';
      /** the contract certificate service's answer, asked before deciding (absent: none is configured) */
      answer: EVCertificateAnswer | undefined;
    } & EVCertificateRequest)
  /** the token as its stream has it (undefined: unknown), looked up before deciding */
  | {
      type: 'AuthorizeToken';
      idTag: string;
      token: Token | undefined;
      /** the type the charger read the token as (2.x) */
      tokenType?: string;
    }
  | TransactionCommand;

export interface DecisionContext {
  /** the charger's identity */
  chargerId: string;
  /** server time at receipt, ISO UTC with milliseconds */
  receivedAt: string;
  /** the key a new transaction gets when the charger does not bring its own (1.6) */
  newTransactionKey?: string;
  heartbeatIntervalSeconds: number;
}

export type ChargerReply =
  | { type: 'BootDecision'; status: BootStatus; interval: number; currentTime: string }
  | { type: 'HeartbeatAnswer'; currentTime: string }
  | { type: 'DataTransferDecision'; status: DataTransferStatus }
  | { type: 'SigningDecision'; status: 'Accepted' | 'Rejected'; reason?: string }
  | ({ type: 'CertificateStatusDecision' } & CertificateStatusAnswer)
  | ({ type: 'EVCertificateDecision' } & EVCertificateAnswer)
  | { type: 'AuthorizationDecision'; status: AuthorizationStatus; expiryDate?: string; parentIdTag?: string }
  | TransactionReply
  | { type: 'Acknowledged' }
  /** a request turned down (no schedule for an EV), and why */
  | { type: 'ServiceDecision'; status: 'Rejected' | 'Failed'; reason: string };

export interface ChargerDecision {
  events: ChargingEvent[];
  reply: ChargerReply;
  /** writes to other streams the decision needs (a tag's fleet-wide lock) */
  effects?: TransactionEffects;
}

/** Two reports of one change this close together are a vendor's echo, not two changes. */

/** Why a request for a service that is not configured is turned down. */
const NO_OCSP_RESPONDER = 'no OCSP responder is configured';
const NO_CONTRACT_SERVICE = 'no ISO 15118 contract certificate service is configured';

const acknowledge = (event: ChargingEvent): { events: ChargingEvent[]; reply: ChargerReply } => ({
  events: [event],
  reply: { type: 'Acknowledged' },
});

/** How long a charger that is not accepted waits before booting again. */
export const PENDING_BOOT_INTERVAL_SECONDS = 60;

/** decide(command, state) → the events to record and the reply they carry. Pure. */
export function decideCharger(
  command: ChargerCommand,
  state: ChargerState,
  context: DecisionContext,
): ChargerDecision {
  switch (command.type) {
    case 'StartTransaction':
    case 'StopTransaction':
    case 'ReportMeterValues':
      return decideTransaction(command, state, context);
    case 'BootCharger': {
      const registration = state.registration?.status;
      const status: BootStatus =
        registration === 'approved' ? 'Accepted' : registration === 'blocked' ? 'Rejected' : 'Pending';
      const decision = {
        status,
        interval: status === 'Accepted' ? context.heartbeatIntervalSeconds : PENDING_BOOT_INTERVAL_SECONDS,
        currentTime: context.receivedAt,
      };
      const quirks = quirksOf(command.identification);
      const heartbeatSeconds = fixedHeartbeatSeconds(quirks);
      return {
        events: [
          {
            type: 'ChargerBooted',
            data: {
              ...command.identification,
              ...(command.reason ? { reason: command.reason } : {}),
              decision,
              ...(quirks.length > 0 ? { quirks: quirks.map((quirk) => quirk.id) } : {}),
              ...(command.serialClaimedBy ? { duplicateSerialOf: command.serialClaimedBy } : {}),
              ...(heartbeatSeconds ? { expectedHeartbeatSeconds: heartbeatSeconds } : {}),
            },
          },
        ],
        reply: { type: 'BootDecision', ...decision },
      };
    }
    case 'RecordHeartbeat':
      return {
        events: [{ type: 'HeartbeatReceived', data: { currentTime: context.receivedAt } }],
        reply: { type: 'HeartbeatAnswer', currentTime: context.receivedAt },
      };
    case 'ReportConnectorStatus': {
      const { type: _type, ...data } = command;
      const echoOf = statusEchoOf(command, state, context);
      return {
        events: [
          { type: 'ConnectorStatusReported', data: echoOf ? { ...data, collapsedInto: echoOf } : data },
        ],
        reply: { type: 'Acknowledged' },
      };
    }
    case 'TransferData': {
      const { type: _type, ...data } = command;
      // no vendor extension is implemented: UnknownVendorId, never an error, and the charger moves on
      const status: DataTransferStatus = 'UnknownVendorId';
      return {
        events: [{ type: 'DataTransferReceived', data: { ...data, decision: { status } } }],
        reply: { type: 'DataTransferDecision', status },
      };
    }
    case 'ReportDiagnosticsStatus':
      return acknowledge({ type: 'DiagnosticsStatusReported', data: { status: command.status } });
    case 'ReportFirmwareStatus': {
      const { type: _type, ...data } = command;
      const reported = acknowledge({ type: 'FirmwareStatusReported', data });
      if (isFirmwareFailure(data.status)) {
        const alert = {
          status: data.status,
          ...(data.requestId !== undefined ? { requestId: data.requestId } : {}),
        };
        reported.events.push({ type: 'FirmwareUpdateFailed', data: alert });
      }
      return reported;
    }
    case 'ReportLogStatus': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'LogStatusReported', data });
    }
    case 'ReportSecurityEvent': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'SecurityEventReported', data });
    }
    case 'ReportDeviceModel': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'DeviceModelReported', data });
    }
    case 'NotifyDeviceEvents': {
      const { type: _type, ...data } = command;
      return acknowledge({ type: 'DeviceEventsNotified', data });
    }
    case 'RecordReport':
      return acknowledge(command.report);
    case 'ReportEVChargingNeeds': {
      const { type: _type, ev, ...data } = command;
      const decision = scheduleForNeeds({
        evseId: command.evseId,
        needs: ev,
        limits: state.chargingLimits ?? [],
        transactionKey: state.transactions.find(
          (transaction) => !transaction.stopped && transaction.evseId === command.evseId,
        )?.key,
        now: Date.parse(context.receivedAt),
      });
      return {
        events: [{ type: 'EVChargingNeedsReported', data: { ...data, decision } }],
        reply:
          decision.status === 'Accepted'
            ? { type: 'Acknowledged' }
            : { type: 'ServiceDecision', status: 'Rejected', reason: decision.reason },
      };
    }
    case 'RequestCertificateStatus': {
      const decision = command.answer ?? { status: 'Failed' as const, reason: NO_OCSP_RESPONDER };
      return {
        events: [{ type: 'CertificateStatusRequested', data: { request: command.request, decision } }],
        reply: { type: 'CertificateStatusDecision', ...decision },
      };
    }
    case 'RequestEVCertificate': {
      const { type: _type, answer, ...data } = command;
      const decision = answer ?? { status: 'Failed' as const, reason: NO_CONTRACT_SERVICE };
      return {
        events: [{ type: 'EVCertificateRequested', data: { ...data, decision } }],
        reply: { type: 'EVCertificateDecision', ...decision },
      };
    }
    case 'AuthorizeToken': {
      const { status, reason, ...details } = authorizeTokenFor(
        command.token,
        context.chargerId,
        context.receivedAt,
        command.tokenType,
      );
      const nulQuirk = idTagQuirk(quirksOf(state.boot?.identification), command.idTag);
      return {
        events: [
          {
            type: 'AuthorizationDecided',
            data: {
              tenant: tenantOf(state),
              idTag: visible(command.idTag),
              normalisedIdTag: normaliseIdTag(command.idTag),
              ...(command.tokenType ? { tokenType: command.tokenType } : {}),
              status,
              reason,
              ...details,
              ...(nulQuirk ? { quirks: [nulQuirk.id] } : {}),
            },
          },
        ],
        reply: { type: 'AuthorizationDecision', status, ...details },
      };
    }
    case 'RequestCertificateSigning': {
      const { csr, certificateType, reading, organization } = command;
      const problem = csrProblem(reading ?? { readable: false, problem: 'it was not read' }, {
        chargerId: context.chargerId,
        ...(organization !== undefined ? { organization } : {}),
      });
      const decision = problem
        ? { status: 'Rejected' as const, reason: problem }
        : { status: 'Accepted' as const };
      return {
        events: [
          {
            type: 'CertificateSigningRequested',
            data: {
              csr,
              ...(certificateType ? { certificateType } : {}),
              ...(reading?.readable ? { subject: reading.subject.text } : {}),
              decision,
            },
          },
        ],
        reply: { type: 'SigningDecision', ...decision },
      };
    }
  }
}

/**
 * With the vendor quirk that echoes a change on connector 0, a connector-0 report of the status
 * connector 1 reported a moment ago is that echo: the connector it copies ("evse/connector").
 */
function statusEchoOf(
  report: ConnectorStatus,
  state: ChargerState,
  context: DecisionContext,
): string | undefined {
  const first = connectorKey({ evseId: 1, connectorId: 1 });
  const echo = isStatusEcho(
    quirksOf(state.boot?.identification),
    { ...report, at: context.receivedAt },
    state.connectors[first],
  );
  return echo ? first : undefined;
}
