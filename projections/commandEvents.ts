import type { RecordedEvent } from '../src/store/eventStore.js';

/** The payload of a command of this action that the charger answered with status Accepted. */
export function acceptedCommand(event: RecordedEvent, action: string): Record<string, unknown> | undefined {
  if (event.type !== 'CommandCompleted') return undefined;
  const data = event.data as {
    action: string;
    payload?: Record<string, unknown>;
    outcome: { status: string; response?: { status?: string } };
  };
  if (
    data.action !== action ||
    data.outcome.status !== 'answered' ||
    data.outcome.response?.status !== 'Accepted'
  )
    return undefined;
  return data.payload ?? {};
}
