import type { ChargerCommand, ChargerReply } from '../../domain/charger/decideCharger.js';
import type { RawMeterSample } from '../../domain/charger/transactions/decideTransaction.js';
import type { AuthorizationOutcome } from '../../domain/charger/transactions/transactionEvents.js';
import type { InboundTranslator } from '../inboundTranslator.js';
import type { Payload } from '../rpc/frames.js';
import { idTokenInfo201 } from './idTokenInfo201.js';

type SampledValue201 = {
  value: number;
  context?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unitOfMeasure?: { unit?: string; multiplier?: number };
};
type MeterValue201 = { timestamp: string; sampledValue: SampledValue201[] };

/** 2.x samples: numbers with a unit and a power-of-ten multiplier (the domain reads both). */
export const samples201 = (meterValues: unknown): RawMeterSample[] =>
  ((meterValues as MeterValue201[] | undefined) ?? []).map((meterValue) => ({
    chargerTime: meterValue.timestamp,
    values: meterValue.sampledValue.map((sampled) => ({
      value: sampled.value,
      ...(sampled.measurand ? { measurand: sampled.measurand } : {}),
      ...(sampled.unitOfMeasure?.unit ? { unit: sampled.unitOfMeasure.unit } : {}),
      ...(sampled.unitOfMeasure?.multiplier !== undefined
        ? { multiplier: sampled.unitOfMeasure.multiplier }
        : {}),
      ...(sampled.context ? { context: sampled.context } : {}),
      ...(sampled.phase ? { phase: sampled.phase } : {}),
      ...(sampled.location ? { location: sampled.location } : {}),
    })),
  }));

/** A decision about a token shown with the event: 2.x answers it as idTokenInfo. */
const idTokenInfo = (authorization: AuthorizationOutcome | undefined): Payload =>
  authorization && authorization.status !== 'NotPresented'
    ? { idTokenInfo: idTokenInfo201(authorization) }
    : {};

/**
 * 2.x TransactionEvent onto the domain's transaction commands: Started starts (with the
 * charger's own transaction id, its token if one was shown, and its samples), Updated reports
 * samples (and a token shown since), Ended stops. The charger's seqNo goes along with each.
 */
export const transactionEvent201: InboundTranslator = {
  toCommand: (request): ChargerCommand => {
    const info = request.transactionInfo as {
      transactionId: string;
      stoppedReason?: string;
      chargingState?: string;
      remoteStartId?: number;
    };
    const evse = request.evse as { id: number; connectorId?: number } | undefined;
    const { idToken, type: tokenType } =
      (request.idToken as { idToken?: string; type?: string } | undefined) ?? {};
    const common = {
      transactionKey: info.transactionId,
      samples: samples201(request.meterValue),
      sequence: Number(request.seqNo),
      token: undefined,
      ...(idToken ? { idTag: idToken, ...(tokenType ? { tokenType } : {}) } : {}),
      ...(info.chargingState ? { chargingState: info.chargingState } : {}),
      ...(request.offline === true ? { offline: true as const } : {}),
      ...(typeof request.triggerReason === 'string' ? { trigger: request.triggerReason } : {}),
    };
    // the EVSE comes with the first event of a transaction; later ones may leave it out
    const connector = { evseId: evse?.id ?? 0, connectorId: evse?.connectorId ?? 1 };
    switch (request.eventType) {
      case 'Started':
        return {
          type: 'StartTransaction',
          ...common,
          ...connector,
          chargerTime: String(request.timestamp),
          ...(typeof request.reservationId === 'number' ? { reservationId: request.reservationId } : {}),
          ...(typeof info.remoteStartId === 'number' ? { remoteStartId: info.remoteStartId } : {}),
        };
      case 'Ended':
        return {
          type: 'StopTransaction',
          ...common,
          chargerTime: String(request.timestamp),
          ...(info.stoppedReason ? { reason: info.stoppedReason } : {}),
        };
      default:
        return { type: 'ReportMeterValues', ...common, ...connector, chargerTime: String(request.timestamp) };
    }
  },
  toReply: (reply: ChargerReply): Payload => {
    if (reply.type === 'TransactionStopDecision')
      return {
        ...idTokenInfo(reply.authorization),
        ...(reply.totalCost !== undefined ? { totalCost: reply.totalCost } : {}),
      };
    if (reply.type === 'TransactionStartDecision' || reply.type === 'TransactionUpdateDecision') {
      return idTokenInfo(reply.authorization);
    }
    return {};
  },
  answersStopWithCost: true,
};
