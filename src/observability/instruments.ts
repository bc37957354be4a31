import type { ProjectionRunner } from '../../projections/projectionRunner.js';
import type { FrameJournal } from '../ocpp/rpc/frameJournal.js';
import type { CallHandler } from '../ocpp/rpc/rpcConnection.js';
import type { EventStore } from '../store/eventStore.js';
import type { Metrics } from './metrics.js';

/** A charger session's handler whose calls are counted by action and outcome. */
export function countedCalls(handle: CallHandler, metrics: Metrics): CallHandler {
  return async (call) => {
    try {
      const answer = await handle(call);
      metrics.calls.inc({ action: call.action, outcome: 'answered' });
      return answer;
    } catch (error) {
      metrics.calls.inc({ action: call.action, outcome: 'error' });
      throw error;
    }
  };
}

/** A frame journal that also counts the frames refused before any handler saw them. */
export function countedRejections(journal: FrameJournal, metrics: Metrics): FrameJournal {
  return {
    record(entry) {
      if (entry.direction === 'in' && entry.rejected)
        metrics.calls.inc({ action: actionOf(entry.text), outcome: 'rejected' });
      journal.record(entry);
    },
  };
}

/** The action of a CALL frame's text, when it has one a label can hold. */
function actionOf(text: string): string {
  const action = /^\s*\[\s*2\s*,\s*"[^"]*"\s*,\s*"([A-Za-z]{1,64})"/.exec(text)?.[1];
  return action ?? 'unreadable';
}

/** Per projection, seconds since the oldest event it has not applied (0 when it is caught up). */
export async function projectionLag(
  store: EventStore,
  projections: ReadonlyMap<string, ProjectionRunner>,
): Promise<Record<string, number>> {
  const lag: Record<string, number> = {};
  const byRunner = new Map<ProjectionRunner, string[]>();
  for (const [name, runner] of projections) byRunner.set(runner, [...(byRunner.get(runner) ?? []), name]);
  for (const [runner, names] of byRunner) {
    const [oldest] = await store.readAll({
      ...(runner.position ? { fromCheckpoint: runner.position } : {}),
      maxCount: 1,
      streamPrefix: runner.streamPrefix,
    });
    const seconds = oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1_000) : 0;
    for (const name of names) lag[name] = seconds;
  }
  return lag;
}
