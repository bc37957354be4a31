import { randomUUID } from 'node:crypto';
import type { RemoteStartWatchdog } from '../../app/remoteStartWatchdog.js';
import type { CommandOutcome, CommandPayload, CommandRouter } from '../../cluster/commandRouter.js';
import type { ChargerCommand } from '../../domain/charger/commands/chargerCommand.js';
import type { CommandOutcomeEvent } from '../../domain/charger/commands/commandOutcomeEvents.js';
import { chargerStream } from '../../domain/charger/registry/registryEvents.js';
import { SCHEMA_VERSIONS } from '../../domain/domainEvents.js';
import type { CommandContext } from '../../domain/eventMetadata.js';
import { outcomeFact, requestFor } from '../../ocpp/commands/outboundCommands.js';
import type { EventStore, NewEvent } from '../../store/eventStore.js';

/** What became of a command: the outcome, and what it established in our words, if anything. */
export interface SentCommand {
  /** the version the charger spoke when it was sent */
  version: string;
  action: string;
  payload: CommandPayload;
  outcome: CommandOutcome;
  fact?: CommandOutcomeEvent;
}

/** Our command could not be put in the charger's words: it is not connected, or its version has none. */
export type Unsendable = { unsendable: 'offline' } | { unsendable: 'not_supported'; version: string };

/**
 * Sends an operator's command to a charger and records it: the request before it goes out, its
 * outcome when it is known, both in the charger's stream with who asked (ARCHITECTURE §3). An
 * outcome the version edge can state in our words is recorded as that typed event (the frames in
 * its metadata); any other as CommandCompleted.
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

  /** Our command, worded for the version the charger is connected with. */
  async sendCommand(
    identity: string,
    command: ChargerCommand,
    timeoutMs: number,
    context: CommandContext,
    about?: Record<string, string>,
  ): Promise<SentCommand | Unsendable> {
    const version = await this.router.connectedVersion(identity);
    if (!version) return { unsendable: 'offline' };
    const request = requestFor(version, command);
    if (!request) return { unsendable: 'not_supported', version };
    return this.send(identity, version, request.action, request.payload, timeoutMs, context, about);
  }

  /** A request in the words of `version`, the version the charger was found connected with. */
  async send(
    identity: string,
    version: string,
    action: string,
    payload: CommandPayload,
    timeoutMs: number,
    context: CommandContext,
    /** what the command is about, in our words (the firmware file it installs…), kept with it */
    about?: Record<string, string>,
  ): Promise<SentCommand> {
    const commandId = randomUUID();
    const requestedAt = this.clock().toISOString();
    const metadata = () => ({ receivedAt: this.clock().toISOString(), ...context });
    const append = (event: NewEvent) =>
      this.store.append(chargerStream(identity), [event], { expectedRevision: 'any' });
    const common = { commandId, action, ...(about ? { about } : {}) };
    await append({ type: 'CommandRequested', data: { ...common, payload }, metadata: metadata() });
    const started = performance.now();
    const outcome = await this.router.send(identity, action, payload, timeoutMs);
    this.observe(action, outcome.status, (performance.now() - started) / 1_000);
    const { exchange, ...result } = outcome;
    // the frames as they went over the wire go with the outcome: the frame journal shows them
    const record = { payload, outcome: result, ...(exchange ? { exchange } : {}) };
    const stated = outcomeFact(version, action, { payload, outcome, ...(about ? { about } : {}) });
    const fact = stated
      ? ({
          type: stated.type,
          data: { commandId, action, requestedAt, ...stated.data },
        } as CommandOutcomeEvent)
      : undefined;
    if (fact) {
      await append({ ...fact, metadata: { ...metadata(), command: { ocppVersion: version, ...record } } });
    } else {
      await append({
        type: 'CommandCompleted',
        schemaVersion: SCHEMA_VERSIONS.CommandCompleted,
        data: { ...common, ocppVersion: version, ...record },
        metadata: metadata(),
      });
    }
    if (fact?.type === 'RemoteStartAccepted') this.watchdog?.arm(identity, commandId);
    return { version, action, payload, outcome, ...(fact ? { fact } : {}) };
  }
}
