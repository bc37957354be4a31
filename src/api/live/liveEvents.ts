import { alertOf, type ChargerAlert } from '../../../projections/connectorStatus/chargerAlerts.js';
import { chargerIdOf, receivedAtOf } from '../../domain/eventMetadata.js';
import type { Checkpoint, EventStore, RecordedEvent } from '../../store/eventStore.js';

/** What the console is told of a charger's fact as it happens: enough to update a row or fetch more. */
export interface LiveEvent {
  chargerId: string;
  type: string;
  /** the charger stream's revision (the journal's cursor) */
  revision: number;
  /** server time of the fact */
  at: string;
  /** the charger said something (a frame, a connection): it was seen */
  fromCharger: boolean;
  data: Record<string, unknown>;
}

export interface LiveFilter {
  /** undefined: every tenant */
  tenant?: string;
  chargerId?: string;
}

interface Subscriber {
  filter: LiveFilter;
  send(event: LiveEvent): void;
}

/** How far back a new subscriber is told what happened (read models may be this far behind). */
const REPLAY_MS = 10_000;
const REPLAY_MAX = 5_000;

/**
 * The console's push channel, fed from the log: one subscription to the chargers' streams per
 * node, whatever the number of browsers, fanned out by tenant and charger. A new subscriber is
 * first told the last few seconds, so that what its read-model query did not show yet is not lost.
 */
export class LiveEvents {
  private readonly subscribers = new Set<Subscriber>();
  private readonly recent: LiveEvent[] = [];
  private readonly tenants = new Map<string, string>();
  /** the subscription to the log, while anyone listens (and a while after) */
  private reading: { abort: AbortController; done: Promise<void> } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: {
      store: EventStore;
      /** the tenant of a charger (a query; cached, as tenants do not change) */
      tenantOf(chargerId: string): Promise<string | undefined>;
      clock: () => Date;
      logger: { warn(detail: object, message?: string): void };
      /** how long the log is still read after the last listener left (a page reload comes back) */
      idleMs?: number;
    },
  ) {}

  subscribe(filter: LiveFilter, send: (event: LiveEvent) => void): () => void {
    clearTimeout(this.idleTimer);
    if (!this.reading) {
      const abort = new AbortController();
      this.reading = { abort, done: this.run(abort.signal) };
    }
    const subscriber = { filter, send };
    const since = this.options.clock().getTime() - REPLAY_MS;
    for (const event of this.recent) {
      if (Date.parse(event.at) >= since) void this.deliver(subscriber, event);
    }
    this.subscribers.add(subscriber);
    return () => {
      this.subscribers.delete(subscriber);
      // nobody listens: the log is not read (and parsed) for nobody
      if (this.subscribers.size === 0) {
        this.idleTimer = setTimeout(() => void this.stopReading(), this.options.idleMs ?? 60_000);
        this.idleTimer.unref();
      }
    };
  }

  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.stopReading();
  }

  private async stopReading(): Promise<void> {
    const reading = this.reading;
    this.reading = undefined;
    this.recent.length = 0;
    reading?.abort.abort();
    await reading?.done.catch(() => undefined);
  }

  private async run(signal: AbortSignal): Promise<void> {
    const { store, logger } = this.options;
    let from: Checkpoint | undefined;
    while (!signal.aborted) {
      try {
        from ??= await store.headCheckpoint({ streamPrefix: 'charger-' });
        const events = store.subscribe({
          streamPrefix: 'charger-',
          signal,
          ...(from ? { fromCheckpoint: from } : {}),
        });
        for await (const recorded of events) {
          from = recorded.position;
          this.publish(toLiveEvent(recorded));
        }
      } catch (error) {
        if (signal.aborted) return;
        // read again from the last fact published: none lost, none twice
        logger.warn({ err: error }, 'the console push channel lost the log; reading it again');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  private publish(event: LiveEvent): void {
    this.recent.push(event);
    const since = Date.parse(event.at) - REPLAY_MS;
    while (this.recent.length > REPLAY_MAX || (this.recent[0] && Date.parse(this.recent[0].at) < since)) {
      this.recent.shift();
    }
    for (const subscriber of this.subscribers) void this.deliver(subscriber, event);
  }

  private async deliver(subscriber: Subscriber, event: LiveEvent): Promise<void> {
    const { tenant, chargerId } = subscriber.filter;
    if (chargerId !== undefined && event.chargerId !== chargerId) return;
    if (tenant !== undefined && (await this.tenantOf(event.chargerId)) !== tenant) return;
    subscriber.send(event);
  }

  private async tenantOf(chargerId: string): Promise<string | undefined> {
    const known = this.tenants.get(chargerId);
    if (known !== undefined) return known;
    const tenant = await this.options.tenantOf(chargerId).catch(() => undefined);
    if (tenant !== undefined) this.tenants.set(chargerId, tenant);
    return tenant;
  }
}

/** A recorded fact of a charger as the console needs it (no payloads beyond what a row shows). */
export function toLiveEvent(event: RecordedEvent): LiveEvent {
  const data = event.data as Record<string, unknown>;
  return {
    chargerId: chargerIdOf(event.streamId),
    type: event.type,
    revision: Number(event.revision),
    at: receivedAtOf(event),
    fromCharger:
      event.type === 'ChargerConnected' ||
      (event.metadata as { ocpp?: unknown } | undefined)?.ocpp !== undefined,
    data: { ...summaryOf(event.type, data), ...alertField(event.type, data, receivedAtOf(event)) },
  };
}

/** The alert the fact raises on its charger, as the read model keeps it. */
function alertField(type: string, data: Record<string, unknown>, at: string): { alert?: ChargerAlert } {
  const alert = alertOf(type, data, at);
  return alert ? { alert } : {};
}

function summaryOf(type: string, data: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'ChargerConnected':
      return { protocol: data.protocol };
    case 'ChargerDisconnected':
      return { code: data.code };
    case 'ConnectorStatusReported':
      return {
        evseId: data.evseId,
        connectorId: data.connectorId,
        status: data.status,
        errorCode: data.errorCode ?? null,
      };
    case 'ChargerBooted':
      return {
        vendor: data.vendor,
        model: data.model,
        firmwareVersion: data.firmwareVersion ?? null,
        status: (data.decision as { status?: string } | undefined)?.status,
      };
    case 'TransactionStarted':
    case 'TransactionStopped':
      return { transactionKey: data.transactionKey };
    default:
      return {};
  }
}
