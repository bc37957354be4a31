/** When the server received what the event records (events without it: when it was stored). */
export function receivedAtOf(event: { metadata: Record<string, unknown>; recordedAt: Date }): string {
  const receivedAt = (event.metadata as { receivedAt?: unknown } | undefined)?.receivedAt;
  return typeof receivedAt === 'string' ? receivedAt : event.recordedAt.toISOString();
}

/** The charger identity of a charger-{identity} stream. */
export const chargerIdOf = (streamId: string) => streamId.slice('charger-'.length);

/** A session's id across the fleet: the charger and its transaction key (identities hold no ':'). */
export const sessionIdOf = (chargerId: string, transactionKey: string) => `${chargerId}:${transactionKey}`;

/** Who asked, carried into every event's metadata. */
export interface CommandContext {
  correlationId?: string;
  actor?: string;
}
