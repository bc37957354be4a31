import type { EventStore } from '../../src/store/eventStore.js';

/**
 * The inbound frames a charger's stream journals, one per frame: the events one call decided
 * carry the same frame and receipt time, and count once.
 */
export async function journaledFrames(store: EventStore, identity: string): Promise<string[]> {
  const frames: string[] = [];
  let last = '';
  for (const event of await store.readStream(`charger-${identity}`)) {
    const ocpp = (event.metadata as { ocpp?: { frame?: string; frameBase64?: string } }).ocpp;
    if (!ocpp) continue;
    const text = ocpp.frame ?? Buffer.from(ocpp.frameBase64 ?? '', 'base64').toString('utf8');
    const key = `${String(event.metadata.receivedAt)}\u0000${text}`;
    if (key !== last) frames.push(text);
    last = key;
  }
  return frames;
}

/** Whether every projection of a server catches up with the log within `timeoutMs`. */
export async function readModelsCatchUp(
  projections: ReadonlyMap<string, { catchUp(timeoutMs: number): Promise<boolean> }>,
  timeoutMs = 20_000,
): Promise<boolean> {
  const caughtUp = await Promise.all(
    [...new Set(projections.values())].map((runner) => runner.catchUp(timeoutMs)),
  );
  return caughtUp.every(Boolean);
}
