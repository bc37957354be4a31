import { timeFlags } from '../../../policies/clockSkew.js';
import { normaliseIdTag, visible } from '../../../policies/idTag.js';
import { classifyStopReason, DEFAULT_STOP_REASON } from '../../../policies/stopReasons.js';
import { quirksOf, registerResetQuirk } from '../../../policies/vendorQuirks.js';
import { authorizeToken } from '../../tokens/tokens.js';
import { type ChargerState, type TransactionState, tenantOf, transactionOf } from '../chargerState.js';
import { mergeFlags } from './flags.js';
import { reportedHow } from './reportedHow.js';
import { reconcileSessionEnergy } from './sessionMeter.js';
import type {
  Decision,
  TransactionCommand,
  TransactionContext,
  TransactionReply,
} from './transactionDecision.js';
import { recordSamples } from './transactionSamples.js';
import { chargerTimes, firstBootMs } from './transactionTimes.js';

/**
 * A StopTransaction (or 2.x's Ended): always acknowledged. A repeat changes nothing; an unknown
 * transaction is an orphan stop; a known one gets its energy reconciled and its flags.
 */
export function decideStop(
  command: Extract<TransactionCommand, { type: 'StopTransaction' }>,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  const transaction = transactionOf(state, command.transactionKey);
  const reason = command.reason ?? DEFAULT_STOP_REASON;
  const stopTag = command.idTag !== undefined && command.idTag !== '' ? command.idTag : undefined;
  const authorization =
    stopTag !== undefined ? authorizeToken(command.token, context.receivedAt, command.tokenType) : undefined;
  const reply: TransactionReply = {
    type: 'TransactionStopDecision',
    ...(authorization ? { authorization } : {}),
  };
  const tagFields =
    stopTag !== undefined
      ? { idTag: visible(stopTag), normalisedIdTag: normaliseIdTag(stopTag), authorization: authorization! }
      : {};
  const time = chargerTimes(state, command.chargerTime, context.receivedAt);
  const quirks = quirksOf(state.boot?.identification);

  if (transaction?.stopped) {
    return {
      events: [
        {
          type: 'TransactionStopRepeated',
          data: {
            transactionKey: transaction.key,
            meterStopWh: command.meterStopWh ?? transaction.stopped.meterStopWh,
            chargerTime: command.chargerTime,
          },
        },
      ],
      reply,
      effects: { releaseTokens: releaseOf(transaction, context) },
    };
  }
  if (!transaction) {
    const { samples, readings } = recordSamples(command.samples, [], time.offsetMs, quirks, []);
    return {
      events: [
        {
          type: 'TransactionStopOrphaned',
          data: {
            transactionKey: command.transactionKey,
            tenant: tenantOf(state),
            meterStopWh: command.meterStopWh ?? readings.at(-1)?.[1] ?? 0,
            chargerTime: command.chargerTime,
            correctedTime: time.correctedTime,
            reason,
            ...tagFields,
            samples,
            flags: [
              { code: 'orphan_stop', detail: { transactionKey: command.transactionKey } },
              ...timeFlags({ ...time, chargerTime: command.chargerTime, firstBootAtMs: firstBootMs(state) }),
            ],
          },
        },
      ],
      reply,
    };
  }

  const { samples, duplicates, readings } = recordSamples(
    command.samples,
    transaction.sampleKeys,
    time.offsetMs,
    quirks,
    transaction.readings,
  );
  // 2.x sends no meterStop: the last register reading is it
  const meterStopWh = command.meterStopWh ?? readings.at(-1)?.[1] ?? transaction.meterStartWh;
  const energy = reconcileSessionEnergy(
    { ...transaction, readings },
    meterStopWh,
    registerResetQuirk(quirks),
  );
  const stopKind = classifyStopReason(reason);
  const flags = mergeFlags(
    transaction.flags,
    timeFlags({
      ...time,
      chargerTime: command.chargerTime,
      firstBootAtMs: firstBootMs(state),
      ...(transaction.startedMs !== undefined ? { startedMs: transaction.startedMs } : {}),
    }),
    energy.flags,
    stopKind === 'failure' ? [{ code: 'failure_stop', detail: { reason } }] : [],
  );
  return {
    events: [
      {
        type: 'TransactionStopped',
        data: {
          transactionKey: transaction.key,
          tenant: tenantOf(state),
          meterStopWh,
          chargerTime: command.chargerTime,
          correctedTime: time.correctedTime,
          reason,
          stopKind,
          ...tagFields,
          samples,
          duplicateSamples: duplicates,
          energyWh: energy.energyWh,
          flags,
          ...(command.sequence !== undefined ? { sequence: command.sequence } : {}),
          ...reportedHow(command),
          ...(command.chargingState
            ? { chargingState: { state: command.chargingState, at: time.correctedTime } }
            : {}),
        },
      },
    ],
    reply,
    effects: { releaseTokens: releaseOf(transaction, context) },
  };
}

const releaseOf = (transaction: TransactionState, context: TransactionContext) =>
  transaction.authorization === 'Accepted'
    ? [
        {
          normalisedIdTag: transaction.normalisedIdTag,
          chargerId: context.chargerId,
          transactionKey: transaction.key,
        },
      ]
    : [];
