import { randomUUID } from 'node:crypto';
import type { CommandOutcome, CommandPayload, CommandRouter } from '../../cluster/commandRouter.js';
import type { CommandContext } from '../../domain/charger/registry/chargerRegistryService.js';
import { chargerStream } from '../../domain/charger/registry/registryEvents.js';
import type { EventStore } from '../../store/eventStore.js';
import type { RemoteStartWatchdog } from './remoteStartWatchdog.js';

/** 1.6's and 2.x's names of a remote start */
const REMOTE_STARTS = new Set(['RemoteStartTransaction', 'RequestStartTransaction']);

/** The connector and tag a remote start names, in either version's words. */
function remoteStart(payload: CommandPayload): { evseId?: number; idTag: string } {
  const evseId = typeof payload.connectorId === 'number' ? payload.connectorId : payload.evseId;
  const idToken = payload.idToken as { idToken?: string } | undefined;
  return {
    ...(typeof evseId === 'number' ? { evseId } : {}),
    idTag: String(payload.idTag ?? idToken?.idToken ?? ''),
  };
}

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
    private readonly watchdog?: RemoteStartWatchdog,
  ) {}

  async send(
    identity: string,
    action: string,
    payload: CommandPayload,
    timeoutMs: number,
    context: CommandContext,
    /** what the command is about, in our words (the firmware file it installs…), kept with it */
    about?: Record<string, string>,
  ): Promise<CommandOutcome> {
    const commandId = randomUUID();
    const requestedAt = this.clock().toISOString();
    const record = (type: string, data: Record<string, unknown>) =>
      this.store.append(
        chargerStream(identity),
        [
          {
            type,
            data: { commandId, action, ...(about ? { about } : {}), ...data },
            metadata: { receivedAt: this.clock().toISOString(), ...context },
          },
        ],
        { expectedRevision: 'any' },
      );
    await record('CommandRequested', { payload });
    const started = performance.now();
    const outcome = await this.router.send(identity, action, payload, timeoutMs);
    this.observe(action, outcome.status, (performance.now() - started) / 1_000);
    const { exchange, ...result } = outcome;
    // the frames as they went over the wire go with the outcome: the frame journal shows them
    await record('CommandCompleted', { payload, outcome: result, ...(exchange ? { exchange } : {}) });
    const accepted = outcome.status === 'answered' && outcome.response.status === 'Accepted';
    if (accepted && REMOTE_STARTS.has(action)) {
      this.watchdog?.arm(identity, { commandId, requestedAt, ...remoteStart(payload) });
    }
    return outcome;
  }
}
