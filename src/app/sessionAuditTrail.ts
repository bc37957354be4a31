import { withOtherDriversRedacted } from '../audit/otherDrivers.js';
import type { ExportEntry } from '../audit/sessionExport.js';
import type { ChargerStreamEvent } from '../domain/charger/chargerEvents.js';
import { type ChargerState, evolveCharger } from '../domain/charger/chargerState.js';
import { chargerStream } from '../domain/charger/registry/registryEvents.js';
import { receivedAtOf } from '../domain/eventMetadata.js';
import type { Token } from '../domain/tokens/tokens.js';
import { normaliseIdTag } from '../policies/idTag.js';
import type { EventStore, RecordedEvent } from '../store/eventStore.js';
import { chargerStateBefore } from './chargerSnapshots.js';
import { callKeyOf, type RecordedCallReader } from './redecidedHistory.js';
import { TokensAsOf } from './tokensAsOf.js';

/** calls whose frames name no driver: kept in an export whoever's transaction they served */
const CHARGER_WIDE = new Set([
  'ChargerBooted',
  'ConnectorStatusReported',
  'HeartbeatReceived',
  'SecurityEventReported',
]);

/** What a session's export carries so that its calls can be decided again offline. */
export interface SessionAuditTrail {
  entries: ExportEntry[];
  /** the charger decider's state just before the session's first event (other drivers redacted) */
  stateBefore: ChargerState;
  /** the token each of the session's calls that shows one was decided with, as its stream stood then */
  tokens: Array<{ revision: string; token: Token | null }>;
}

/** how far before a session's first event its first call's events are looked for */
const CALL_MARGIN = 20n;
const CALL_MARGIN_COUNT = 20;

const sameCall = (a: RecordedEvent, b: RecordedEvent) => callOf(a) !== undefined && callOf(a) === callOf(b);

/** the call an event was decided for, as an export's reader groups them (no connection id) */
const callOf = (event: RecordedEvent) => callKeyOf(event.metadata.ocpp, receivedAtOf(event));

/**
 * A session's stretch of its charger's log, as its export shows it: every event of the session's
 * own calls with its frame, and every other event of the stretch that moved the decider's state
 * (the charger's boots, its connectors' states, its clock's witnesses, its other transactions),
 * those of other drivers without their frames and with their tokens redacted; the state before
 * it, and the tokens the session's calls were looked up with. Enough to decide its calls again
 * from their frames, as `npm run verify` does, and no more of other drivers than that needs.
 */
export async function sessionAuditTrail(
  store: EventStore,
  readCall: RecordedCallReader,
  session: { chargerId: string; revisions: bigint[] },
): Promise<SessionAuditTrail> {
  const first = session.revisions.reduce((a, b) => (a < b ? a : b));
  const last = session.revisions.reduce((a, b) => (a > b ? a : b));
  const ownRevisions = new Set(session.revisions);
  // a call's events that are not the session's own may come before its first (a transaction
  // its start abandoned) or after its last: read a little around, keep what shares their call
  const margin = first < CALL_MARGIN ? first : CALL_MARGIN;
  const around = await store.readStream(chargerStream(session.chargerId), {
    fromRevision: first - margin,
    maxCount: Number(last - first + margin) + CALL_MARGIN_COUNT,
  });
  const own = around.filter((event) => ownRevisions.has(event.revision));
  const ownCalls = new Set(own.map(callOf).filter((call) => call !== undefined));
  const firstAt = around.findIndex((event) => event.revision === first);
  const lastAt = around.findIndex((event) => event.revision === last);
  let from = firstAt;
  while (from > 0 && sameCall(around[from - 1]!, around[firstAt]!)) from--;
  let to = lastAt;
  while (to < around.length - 1 && sameCall(around[to + 1]!, around[lastAt]!)) to++;
  const events = around.slice(from, to + 1);
  const ownTags = new Set(
    own.flatMap((event) => {
      const data = event.data as { idTag?: unknown; normalisedIdTag?: unknown; parentIdTag?: unknown };
      return [data.idTag, data.normalisedIdTag, data.parentIdTag]
        .filter((tag): tag is string => typeof tag === 'string' && tag !== '')
        .map(normaliseIdTag);
    }),
  );
  const redacted = <T>(value: T) => withOtherDriversRedacted(value, ownTags);

  const before = await chargerStateBefore(store, session.chargerId, events[0]!.revision);
  let state = before;
  const entries: ExportEntry[] = [];
  const tokens: SessionAuditTrail['tokens'] = [];
  const tokensAsOf = new TokensAsOf(store);
  const looked = new Set<string>();
  for (const event of events) {
    const receivedAt = receivedAtOf(event);
    const next = evolveCharger(state, event as unknown as ChargerStreamEvent, receivedAt);
    const call = callOf(event);
    const ofTheSession = ownRevisions.has(event.revision) || (call !== undefined && ownCalls.has(call));
    if (ofTheSession || next !== state) {
      const ocpp = event.metadata.ocpp as Record<string, unknown> | undefined;
      const { frame: _frame, frameBase64: _frameBase64, ...withoutFrame } = ocpp ?? {};
      const keepsFrame = ofTheSession || CHARGER_WIDE.has(event.type);
      entries.push({
        revision: event.revision.toString(),
        type: event.type,
        receivedAt,
        data: redacted(event.data),
        ...(ocpp ? { ocpp: keepsFrame ? ocpp : withoutFrame } : {}),
      });
    }
    if (ofTheSession && call !== undefined && !looked.has(call)) {
      looked.add(call);
      const command = readCall(event.metadata.ocpp)?.command;
      const idTag = command && 'idTag' in command ? command.idTag : undefined;
      if (typeof idTag === 'string' && idTag !== '')
        tokens.push({
          revision: event.revision.toString(),
          token: (await tokensAsOf.at(idTag, receivedAt)) ?? null,
        });
    }
    state = next;
  }
  return { entries, stateBefore: redacted(before), tokens };
}
