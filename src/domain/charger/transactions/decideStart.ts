import { timeFlags } from '../../../policies/clockSkew.js';
import { isDuplicateStart } from '../../../policies/dedup.js';
import type { Flag } from '../../../policies/energyReconciliation.js';
import { normaliseIdTag, visible } from '../../../policies/idTag.js';
import { idTagQuirk, quirksOf } from '../../../policies/vendorQuirks.js';
import type { TokenLock } from '../../tokens/tokenEvents.js';
import { activeLock, authorizeToken, authorizeTokenFor, type Token } from '../../tokens/tokens.js';
import type { ChargingEvent } from '../chargerEvents.js';
import { type ChargerState, connectorKey, tenantOf, transactionOf } from '../chargerState.js';
import { reportedHow } from './reportedHow.js';
import type { Decision, TransactionCommand, TransactionContext } from './transactionDecision.js';
import type { AuthorizationOutcome, ConnectorRef } from './transactionEvents.js';
import { recordSamples } from './transactionSamples.js';
import { chargerTimes, firstBootMs } from './transactionTimes.js';

/**
 * A StartTransaction (or 2.x's Started): a repeat gets the transaction it repeats; a new one its
 * key, its authorization (the tag's fleet-wide lock as an effect), its time flags, and the end
 * of a transaction left running on the same connector.
 */
export function decideStart(
  command: Extract<TransactionCommand, { type: 'StartTransaction' }>,
  state: ChargerState,
  context: TransactionContext,
): Decision {
  const time = chargerTimes(state, command.chargerTime, context.receivedAt);
  const quirks = quirksOf(state.boot?.identification);
  const recorded = command.samples
    ? recordSamples(command.samples, [], time.offsetMs, quirks, [])
    : { samples: [], duplicates: [], readings: [] };
  const start = {
    evseId: command.evseId,
    connectorId: command.connectorId,
    meterStartWh: command.meterStartWh ?? recorded.readings[0]?.[1] ?? 0,
    chargerTime: command.chargerTime,
  };
  const repeated = command.transactionKey
    ? transactionOf(state, command.transactionKey)
    : state.transactions.find((transaction) => isDuplicateStart(transaction, start));
  if (repeated) {
    return {
      events: [{ type: 'TransactionStartRepeated', data: { ...start, transactionKey: repeated.key } }],
      reply: {
        type: 'TransactionStartDecision',
        transactionKey: repeated.key,
        authorization: {
          status: repeated.authorization,
          reason: 'repeated start: the first decision stands',
        },
      },
    };
  }

  const idTag = command.idTag ?? '';
  const normalisedIdTag = normaliseIdTag(idTag);
  const lock = command.token?.lock;
  // a lock this charger took for this very start (its append of the start was lost): it is ours
  const ownLock = lock?.chargerId === context.chargerId && isDuplicateStart(lock, start) ? lock : undefined;
  const transactionKey = command.transactionKey ?? ownLock?.transactionKey ?? context.newTransactionKey;
  if (transactionKey === undefined) throw new Error('a new transaction needs a key');

  const authorization: AuthorizationOutcome =
    command.idTag === undefined
      ? { status: 'NotPresented', reason: 'no token shown yet' }
      : startAuthorization(command.token, command, state, context, ownLock, command.tokenType);
  const abandoned = state.transactions.filter(
    (transaction) => !transaction.stopped && connectorKey(transaction) === connectorKey(command),
  );
  const events: ChargingEvent[] = abandoned.map((transaction) => ({
    type: 'TransactionAbandoned',
    data: {
      evseId: transaction.evseId,
      connectorId: transaction.connectorId,
      transactionKey: transaction.key,
      supersededBy: transactionKey,
    },
  }));
  const nulQuirk = idTagQuirk(quirks, idTag);
  events.push({
    type: 'TransactionStarted',
    data: {
      ...start,
      transactionKey,
      tenant: tenantOf(state),
      idTag: visible(idTag),
      normalisedIdTag,
      chargerTime: command.chargerTime,
      correctedTime: time.correctedTime,
      ...(time.offsetMs !== undefined ? { clockOffsetMs: time.offsetMs } : {}),
      ...(command.reservationId !== undefined ? { reservationId: command.reservationId } : {}),
      ...remoteStartOf(state, command.remoteStartId),
      authorization,
      flags: [
        ...timeFlags({ ...time, chargerTime: command.chargerTime, firstBootAtMs: firstBootMs(state) }),
        ...lateRemoteStart(state, command.evseId, context.receivedAt),
      ],
      ...(nulQuirk ? { quirks: [nulQuirk.id] } : {}),
      ...(command.samples ? { samples: recorded.samples } : {}),
      ...(command.sequence !== undefined ? { sequence: command.sequence } : {}),
      ...reportedHow(command),
      ...(command.chargingState
        ? { chargingState: { state: command.chargingState, at: time.correctedTime } }
        : {}),
    },
  });
  const accepted = authorization.status === 'Accepted';
  return {
    events,
    reply: { type: 'TransactionStartDecision', transactionKey, authorization },
    effects: {
      ...(accepted && !ownLock
        ? {
            lockToken: {
              normalisedIdTag,
              lock: { chargerId: context.chargerId, transactionKey, ...start, lockedAt: context.receivedAt },
            },
          }
        : {}),
      releaseTokens: abandoned
        .filter((transaction) => transaction.authorization === 'Accepted')
        .map((transaction) => ({
          normalisedIdTag: transaction.normalisedIdTag,
          chargerId: context.chargerId,
          transactionKey: transaction.key,
        })),
    },
  };
}

/**
 * A start's authorization: the token's own status, and ConcurrentTx while the tag is in a
 * transaction elsewhere: on another charger, or on another connector of this one that is still
 * running. A lock left on this connector by a transaction that never stopped is taken over.
 */
export function startAuthorization(
  token: Token | undefined,
  connector: ConnectorRef,
  state: ChargerState,
  context: TransactionContext,
  ownLock: TokenLock | undefined,
  presentedType?: string,
): AuthorizationOutcome {
  if (ownLock) return authorizeToken(token, context.receivedAt, presentedType);
  const decision = authorizeTokenFor(token, context.chargerId, context.receivedAt, presentedType);
  const lock = activeLock(token, context.receivedAt);
  if (decision.status !== 'Accepted' || !lock) return decision;
  const holder = transactionOf(state, lock.transactionKey);
  if (holder && !holder.stopped && connectorKey(holder) !== connectorKey(connector)) {
    return {
      ...decision,
      status: 'ConcurrentTx',
      reason: `token is in transaction ${holder.key} on connector ${connectorKey(holder)} of this charger`,
    };
  }
  return decision;
}

/** How long after a remote start timed out a start on its connector is taken as that start, late. */
const LATE_REMOTE_START_MS = 10 * 60_000;

/** `remote_start_timeout` when a remote start on this connector timed out a little before. */
/** The accepted remote start a 2.x transaction names by its remoteStartId, if one of ours waits. */
function remoteStartOf(
  state: ChargerState,
  remoteStartId: number | undefined,
): { remoteStart?: { commandId: string; remoteStartId: number } } {
  if (remoteStartId === undefined) return {};
  const pending = state.pendingRemoteStarts?.find((start) => start.remoteStartId === remoteStartId);
  return pending ? { remoteStart: { commandId: pending.commandId, remoteStartId } } : {};
}

function lateRemoteStart(state: ChargerState, evseId: number, receivedAt: string): Flag[] {
  const now = Date.parse(receivedAt);
  const timedOut = (state.remoteStartTimeouts ?? []).findLast(
    (timeout) =>
      (timeout.evseId === undefined || timeout.evseId === evseId) &&
      now - Date.parse(timeout.at) >= 0 &&
      now - Date.parse(timeout.at) <= LATE_REMOTE_START_MS,
  );
  return timedOut
    ? [{ code: 'remote_start_timeout', detail: { commandId: timedOut.commandId, timedOutAt: timedOut.at } }]
    : [];
}
