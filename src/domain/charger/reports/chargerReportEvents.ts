import type { EVCertificateRequest } from '../certificates/contractCertificates.js';
import type { DeviceVariableRef } from '../deviceModel/deviceModelEvents.js';
import type { ChargingNeedsDecision } from '../smartCharging/scheduleForNeeds.js';

/** A monitor a charger keeps on a variable (it raises Alerting or Periodic events). */
export interface VariableMonitor {
  id: number;
  /** UpperThreshold, LowerThreshold, Delta, Periodic, PeriodicClockAligned */
  type: string;
  value: number;
  /** 0 (danger) … 9 (debug) */
  severity: number;
  /** only while a transaction runs */
  duringTransaction: boolean;
}

/**
 * What a charger reports for the record, answered with an acknowledgement: its monitors,
 * firmware it publishes, customer information, display messages, the charging profiles and limits
 * it holds, an EV's charging schedule, and a reservation that ended on its side.
 */
export type ChargerReportEvent =
  | { type: 'ReservationEnded'; data: { reservationId: number; reason: 'expired' | 'removed' } }
  | {
      type: 'DeviceMonitorsReported';
      data: {
        requestId: number;
        seqNo: number;
        more: boolean;
        generatedAt: string;
        variables: Array<DeviceVariableRef & { monitors: VariableMonitor[] }>;
      };
    }
  | {
      type: 'FirmwarePublishStatusReported';
      data: { status: string; requestId?: number; locations?: string[] };
    }
  | {
      type: 'CustomerInformationReported';
      data: { requestId: number; seqNo: number; more: boolean; generatedAt: string; text: string };
    }
  | {
      /** the messages a charger displays, as it described them (kept for operators) */
      type: 'DisplayMessagesReported';
      data: { requestId: number; more: boolean; messages: Array<Record<string, unknown>> };
    }
  | {
      /** the charging profiles a charger holds, from one source, as it described them */
      type: 'ChargingProfilesReported';
      data: {
        requestId: number;
        evseId: number;
        limitSource: string;
        more: boolean;
        profiles: Array<Record<string, unknown>>;
      };
    }
  | {
      /** a limit set on the charger by another party (an energy manager, the grid operator) */
      type: 'ChargingLimitSet';
      data: {
        limitSource: string;
        gridCritical?: boolean;
        evseId?: number;
        schedules?: Array<Record<string, unknown>>;
      };
    }
  | { type: 'ChargingLimitCleared'; data: { limitSource: string; evseId?: number } }
  | {
      type: 'EVChargingScheduleReported';
      data: { evseId: number; timeBase: string; schedule: Record<string, unknown> };
    };

/** Answers Ampledger cannot give yet, each with why (a service it would need is not configured). */
export type ServiceRequestEvent =
  | {
      /** an EV's charging needs, and the schedule we decided for it (or why none) */
      type: 'EVChargingNeedsReported';
      data: {
        evseId: number;
        needs: Record<string, unknown>;
        maxScheduleTuples?: number;
        /** the schedule it gets, sent with SetChargingProfile after the answer; or why none */
        decision: ChargingNeedsDecision;
      };
    }
  | {
      /** a certificate's status, asked of its OCSP responder: the response relayed, or why not */
      type: 'CertificateStatusRequested';
      data: {
        request: Record<string, unknown>;
        decision: { status: 'Accepted'; ocspResult: string } | { status: 'Failed'; reason: string };
      };
    }
  | {
      /** an ISO 15118 contract certificate the EV asks for: the contract service's answer relayed, or why not */
      type: 'EVCertificateRequested';
      data: EVCertificateRequest & {
        decision: { status: 'Accepted'; exiResponse: string } | { status: 'Failed'; reason: string };
      };
    };
