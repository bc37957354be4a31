import type { ChargerReportEvent } from '../../domain/charger/reports/chargerReportEvents.js';
import type { EVChargingNeeds } from '../../domain/charger/smartCharging/scheduleForNeeds.js';
import { defined, numberOf, stringOf } from '../commands/commandTable.js';
import type { InboundTranslator } from '../inboundTranslator.js';
import type { Payload } from '../rpc/frames.js';
import { refOf } from './deviceModel201.js';
import { statusInfo } from './statusInfo201.js';
import { samples201 } from './transactionEvent201.js';

type Documents = Array<Record<string, unknown>>;

/** A report recorded as told and answered with the empty acknowledgement 2.0.1 expects. */
const recorded = (report: (request: Payload) => ChargerReportEvent): InboundTranslator => ({
  toCommand: (request) => ({ type: 'RecordReport', report: report(request) }),
  toReply: () => ({}),
});

interface Monitoring201 {
  component: { name: string; instance?: string; evse?: { id: number; connectorId?: number } };
  variable: { name: string; instance?: string };
  variableMonitoring: Array<{
    id: number;
    transaction: boolean;
    value: number;
    type: string;
    severity: number;
  }>;
}

interface ChargingNeeds201 {
  requestedEnergyTransfer: string;
  departureTime?: string;
  acChargingParameters?: {
    energyAmount: number;
    evMinCurrent: number;
    evMaxCurrent: number;
    evMaxVoltage: number;
  };
  dcChargingParameters?: {
    evMaxCurrent: number;
    evMaxVoltage: number;
    energyAmount?: number;
    evMaxPower?: number;
  };
}

const PHASES_201: Record<string, number> = { AC_single_phase: 1, AC_two_phase: 2, AC_three_phase: 3 };

/** ISO 15118 charging needs as 2.0.1 words them (EnergyTransferModeEnumType, AC/DC parameters) → ours. */
function evChargingNeeds201(needs: ChargingNeeds201): EVChargingNeeds {
  const phases = PHASES_201[needs.requestedEnergyTransfer];
  const ac = needs.acChargingParameters;
  const dc = needs.dcChargingParameters;
  return defined({
    transfer: phases !== undefined ? 'AC' : 'DC',
    phases,
    departureAt: needs.departureTime,
    energyWh: ac?.energyAmount ?? dc?.energyAmount,
    minCurrentA: ac?.evMinCurrent,
    maxCurrentA: ac?.evMaxCurrent ?? dc?.evMaxCurrent,
    maxVoltageV: ac?.evMaxVoltage ?? dc?.evMaxVoltage,
    maxPowerW: dc?.evMaxPower,
  }) as EVChargingNeeds;
}

/** The 2.0.1 charger→CSMS reports and requests beyond transactions and the device model. */
export const reports201: Record<string, InboundTranslator> = {
  MeterValues: {
    // meter values outside a transaction (a main meter on EVSE 0, or an EVSE's own)
    toCommand: (request) => {
      const evseId = Number(request.evseId);
      return {
        type: 'ReportMeterValues',
        evseId,
        connectorId: evseId === 0 ? 0 : 1,
        samples: samples201(request.meterValue),
      };
    },
    toReply: () => ({}),
  },
  ReservationStatusUpdate: recorded((request) => ({
    type: 'ReservationEnded',
    data: {
      reservationId: Number(request.reservationId),
      reason: request.reservationUpdateStatus === 'Expired' ? 'expired' : 'removed',
    },
  })),
  NotifyMonitoringReport: recorded((request) => ({
    type: 'DeviceMonitorsReported',
    data: {
      requestId: Number(request.requestId),
      seqNo: Number(request.seqNo),
      more: request.tbc === true,
      generatedAt: String(request.generatedAt),
      variables: ((request.monitor as Monitoring201[] | undefined) ?? []).map((monitored) => ({
        ...refOf(monitored.component, monitored.variable),
        monitors: monitored.variableMonitoring.map(({ transaction, ...monitor }) => ({
          ...monitor,
          duringTransaction: transaction,
        })),
      })),
    },
  })),
  PublishFirmwareStatusNotification: recorded((request) => ({
    type: 'FirmwarePublishStatusReported',
    data: defined({
      status: String(request.status),
      requestId: numberOf(request.requestId),
      locations: Array.isArray(request.location) ? (request.location as string[]) : undefined,
    }),
  })),
  NotifyCustomerInformation: recorded((request) => ({
    type: 'CustomerInformationReported',
    data: {
      requestId: Number(request.requestId),
      seqNo: Number(request.seqNo),
      more: request.tbc === true,
      generatedAt: String(request.generatedAt),
      text: String(request.data),
    },
  })),
  NotifyDisplayMessages: recorded((request) => ({
    type: 'DisplayMessagesReported',
    data: {
      requestId: Number(request.requestId),
      more: request.tbc === true,
      messages: (request.messageInfo as Documents | undefined) ?? [],
    },
  })),
  ReportChargingProfiles: recorded((request) => ({
    type: 'ChargingProfilesReported',
    data: {
      requestId: Number(request.requestId),
      evseId: Number(request.evseId),
      limitSource: String(request.chargingLimitSource),
      more: request.tbc === true,
      profiles: (request.chargingProfile as Documents | undefined) ?? [],
    },
  })),
  NotifyChargingLimit: recorded((request) => {
    const limit = request.chargingLimit as { chargingLimitSource: string; isGridCritical?: boolean };
    return {
      type: 'ChargingLimitSet',
      data: defined({
        limitSource: limit.chargingLimitSource,
        gridCritical: limit.isGridCritical,
        evseId: numberOf(request.evseId),
        schedules: request.chargingSchedule as Documents | undefined,
      }),
    };
  }),
  ClearedChargingLimit: recorded((request) => ({
    type: 'ChargingLimitCleared',
    data: defined({ limitSource: String(request.chargingLimitSource), evseId: numberOf(request.evseId) }),
  })),
  NotifyEVChargingSchedule: {
    toCommand: (request) => ({
      type: 'RecordReport',
      report: {
        type: 'EVChargingScheduleReported',
        data: {
          evseId: Number(request.evseId),
          timeBase: String(request.timeBase),
          schedule: request.chargingSchedule as Record<string, unknown>,
        },
      },
    }),
    toReply: () => ({ status: 'Accepted' }),
  },
  NotifyEVChargingNeeds: {
    toCommand: (request) => ({
      type: 'ReportEVChargingNeeds',
      evseId: Number(request.evseId),
      needs: request.chargingNeeds as Record<string, unknown>,
      ev: evChargingNeeds201(request.chargingNeeds as ChargingNeeds201),
      ...(typeof request.maxScheduleTuples === 'number'
        ? { maxScheduleTuples: request.maxScheduleTuples }
        : {}),
    }),
    toReply: (reply) =>
      reply.type === 'ServiceDecision'
        ? { status: 'Rejected', statusInfo: statusInfo('NoSchedule', reply.reason) }
        : { status: 'Accepted' },
  },
  GetCertificateStatus: {
    toCommand: (request) => ({
      type: 'RequestCertificateStatus',
      request: request.ocspRequestData as Record<string, unknown>,
      answer: undefined,
    }),
    toReply: (reply) => {
      if (reply.type !== 'CertificateStatusDecision') return { status: 'Failed' };
      return reply.status === 'Accepted'
        ? { status: 'Accepted', ocspResult: reply.ocspResult }
        : { status: 'Failed', statusInfo: statusInfo('OCSPFailed', reply.reason) };
    },
  },
  Get15118EVCertificate: {
    toCommand: (request) => ({
      type: 'RequestEVCertificate',
      schemaVersion: String(request.iso15118SchemaVersion),
      action: String(request.action),
      exiRequest: String(stringOf(request.exiRequest) ?? ''),
      answer: undefined,
    }),
    toReply: (reply) => {
      if (reply.type !== 'EVCertificateDecision') return { status: 'Failed', exiResponse: '' };
      return reply.status === 'Accepted'
        ? { status: 'Accepted', exiResponse: reply.exiResponse }
        : { status: 'Failed', exiResponse: '', statusInfo: statusInfo('NoContractService', reply.reason) };
    },
  },
};
