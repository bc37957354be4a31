import { parseChargerTime } from '../../../policies/chargerTime.js';
import { correctChargerTime } from '../../../policies/clockSkew.js';
import { ENERGY_FLAG_CODES } from '../../../policies/energyReconciliation.js';
import { normaliseIdTag, visible } from '../../../policies/idTag.js';
import { quirksOf, registerResetQuirk } from '../../../policies/vendorQuirks.js';
import { authorizeToken, type Token } from '../../tokens/tokens.js';
import type { ChargingEvent } from '../chargerEvents.js';
import {
  type ChargerState,
  connectorKey,
  type TransactionState,
  tenantOf,
  transactionOf,
} from '../chargerState.js';
import { startAuthorization } from './decideStart.js';
import { mergeFlags } from './flags.js';
import { reportedHow } from './reportedHow.js';
import { reconcileSessionEnergy } from './sessionMeter.js';
import type {
  Decision,
  TransactionCommand,
  TransactionContext,
  TransactionEffects,
} from './transactionDecision.js';
import type { AuthorizationOutcome } from './transactionEvents.js';
import { recordSamples } from './transactionSamples.js';
import { chargerTimes } from './transactionTimes.js';

/**
 * MeterValues (or 2.x's Updated): samples linked to their transaction, duplicates marked; late
 * samples may amend a stopped session's flags, and a token shown meanwhile is authorized.
 */
export function decideMeterValues(
  command: Extract<TransactionCommand, { type: 'ReportMeterValues' }>,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  const time = chargerTimes(
    state,
    command.chargerTime ?? command.samples[0]?.chargerTime ?? context.receivedAt,
    context.receivedAt,
  );
  const quirks = quirksOf(state.boot?.identification);
  const { transaction, link } = linkSamples(command, state, time.offsetMs);
  const { samples, duplicates, readings } = recordSamples(
    command.samples,
    transaction?.sampleKeys ?? [],
    time.offsetMs,
    quirks,
    transaction?.readings ?? [],
  );
  const events: ChargingEvent[] = [
    {
      type: 'MeterValuesReported',
      data: {
        tenant: tenantOf(state),
        // a transaction's samples are on its connector (2.x may leave the EVSE out after the start)
        evseId: transaction?.evseId ?? command.evseId,
        connectorId: transaction?.connectorId ?? command.connectorId,
        ...(transaction ? { transactionKey: transaction.key } : {}),
        link,
        ...(command.transactionKey !== undefined && command.transactionKey !== transaction?.key
          ? { reportedTransactionKey: command.transactionKey }
          : {}),
        samples,
        duplicateSamples: duplicates,
        ...(command.sequence !== undefined ? { sequence: command.sequence } : {}),
        ...reportedHow(command),
        ...(command.chargingState
          ? { chargingState: { state: command.chargingState, at: time.correctedTime } }
          : {}),
      },
    },
  ];
  const shown = command.idTag !== undefined && command.idTag !== '' ? command.idTag : undefined;
  const authorized =
    shown === undefined
      ? undefined
      : authorizeShownToken(shown, command.token, transaction, state, context, command.tokenType);
  if (authorized?.event) events.unshift(authorized.event);
  // samples after the stop: the session's meter reconciliation is done again with them (while the
  // state still keeps its meter: a transaction long stopped keeps the flags its stop gave it)
  if (transaction?.stopped && !transaction.meterDropped && readings.length !== transaction.readings.length) {
    const energy = reconcileSessionEnergy(
      { ...transaction, readings },
      transaction.stopped.meterStopWh,
      registerResetQuirk(quirks),
    );
    const flags = mergeFlags(
      transaction.stopped.flags.filter((flag) => !ENERGY_FLAG_CODES.has(flag.code)),
      energy.flags,
    );
    if (JSON.stringify(flags) !== JSON.stringify(transaction.stopped.flags)) {
      events.push({ type: 'SessionFlagsAmended', data: { transactionKey: transaction.key, flags } });
    }
  }
  if (!authorized) return { events, reply: { type: 'Acknowledged' } };
  return {
    events,
    reply: { type: 'TransactionUpdateDecision', authorization: authorized.authorization },
    ...(authorized.lock ? { effects: { lockToken: authorized.lock } } : {}),
  };
}

/**
 * A token shown while a transaction runs (2.x: plugged in first, the card after): decided like
 * a start's, and when it is the transaction's first or another token, recorded and, if accepted,
 * given the tag's lock.
 */
function authorizeShownToken(
  idTag: string,
  token: Token | undefined,
  transaction: TransactionState | undefined,
  state: ChargerState,
  context: TransactionContext,
  presentedType?: string,
): {
  authorization: AuthorizationOutcome;
  event?: ChargingEvent;
  lock?: NonNullable<TransactionEffects['lockToken']>;
} {
  if (!transaction || transaction.stopped)
    return { authorization: authorizeToken(token, context.receivedAt, presentedType) };
  const authorization = startAuthorization(token, transaction, state, context, undefined, presentedType);
  const normalisedIdTag = normaliseIdTag(idTag);
  const known =
    transaction.authorization !== 'NotPresented' && transaction.normalisedIdTag === normalisedIdTag;
  if (known) return { authorization };
  return {
    authorization,
    event: {
      type: 'TransactionAuthorized',
      data: {
        transactionKey: transaction.key,
        tenant: tenantOf(state),
        idTag: visible(idTag),
        normalisedIdTag,
        authorization,
      },
    },
    ...(authorization.status === 'Accepted'
      ? {
          lock: {
            normalisedIdTag,
            lock: {
              chargerId: context.chargerId,
              transactionKey: transaction.key,
              evseId: transaction.evseId,
              connectorId: transaction.connectorId,
              meterStartWh: transaction.meterStartWh,
              chargerTime: transaction.chargerTime,
              lockedAt: context.receivedAt,
            },
          },
        }
      : {}),
  };
}

/**
 * Which transaction samples belong to: the one the charger names if we know it; otherwise
 * (no id, −1, 0, unknown) the transaction running on that connector, or the one on that
 * connector whose start and stop enclose the samples' time (ocpp-reference §7.6, §7.8).
 */
function linkSamples(
  command: Extract<TransactionCommand, { type: 'ReportMeterValues' }>,
  state: ChargerState,
  offsetMs: number | undefined,
): { transaction?: TransactionState; link: 'reported' | 'connector' | 'time' | 'none' } {
  const named =
    command.transactionKey !== undefined ? transactionOf(state, command.transactionKey) : undefined;
  if (named) return { transaction: named, link: 'reported' };
  if (command.evseId === 0) return { link: 'none' };
  const onConnector = state.transactions.filter(
    (transaction) => connectorKey(transaction) === connectorKey(command),
  );
  const running = onConnector.find((transaction) => !transaction.stopped);
  if (running) return { transaction: running, link: 'connector' };
  const sampleMs = parseChargerTime(command.samples[0]?.chargerTime);
  if (sampleMs === undefined) return { link: 'none' };
  const at = correctChargerTime(sampleMs, offsetMs);
  const enclosing = onConnector.find(
    (transaction) =>
      transaction.startedMs !== undefined &&
      transaction.stopped?.stoppedMs !== undefined &&
      transaction.startedMs <= at &&
      at <= transaction.stopped.stoppedMs,
  );
  return enclosing ? { transaction: enclosing, link: 'time' } : { link: 'none' };
}
