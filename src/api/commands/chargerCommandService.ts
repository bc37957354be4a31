import { randomUUID } from 'node:crypto';
import type { CommandOutcome, CommandPayload, CommandRouter } from '../../cluster/commandRouter.js';
import type { CommandContext } from '../../domain/chargers/chargerRegistryService.js';
import { chargerStream } from '../../domain/chargers/registryEvents.js';
import type { EventStore } from '../../store/eventStore.js';

/**
 * Sends an operator's command to a charger and records it: the request before it goes out, its
 * outcome when it is known, both in the charger's stream with who asked (ARCHITECTURE §3).
 */
export class ChargerCommandService {
  constructor(
    private readonly store: EventStore,
    private readonly router: CommandRouter,
    private readonly clock: () => Date,
    /** told of every command's outcome and how long it took (metrics) */
    private readonly observe: (
      action: string,
      outcome: CommandOutcome['status'],
      seconds: number,
    ) => void = () => {},
  ) {}

  async send(
    identity: string,
    action: string,
    payload: CommandPayload,
    timeoutMs: number,
    context: CommandContext,
  ): Promise<CommandOutcome> {
    const commandId = randomUUID();
    const record = (type: string, data: Record<string, unknown>) =>
      this.store.append(
        chargerStream(identity),
        [
          {
            type,
            data: { commandId, action, ...data },
            metadata: { receivedAt: this.clock().toISOString(), ...context },
          },
        ],
        { expectedRevision: 'any' },
      );
    await record('CommandRequested', { payload });
    const started = performance.now();
    const outcome = await this.router.send(identity, action, payload, timeoutMs);
    this.observe(action, outcome.status, (performance.now() - started) / 1_000);
    await record('CommandCompleted', { outcome });
    return outcome;
  }
}
