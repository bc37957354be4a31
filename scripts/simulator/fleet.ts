import { FleetStats } from './fleetStats.js';
import {
  chargerTraits,
  DEFAULT_SETTINGS,
  driveScenario,
  type Scenario,
  type ScenarioSettings,
  stormNow,
} from './scenarios.js';
import {
  SimulatedCharger,
  type SimulatedChargerOptions,
  type SimulatedProtocol,
} from './simulatedCharger.js';

/** What the fleet speaks: one version, or both (every other charger 2.0.1). */
export type FleetProtocol = SimulatedProtocol | 'mixed';
export const FLEET_PROTOCOLS: readonly FleetProtocol[] = ['1.6', '2.0.1', 'mixed'];

/** the version charger `index` of a fleet speaks */
export const protocolOf = (protocol: FleetProtocol, index: number): SimulatedProtocol =>
  protocol === 'mixed' ? (index % 2 === 0 ? '2.0.1' : '1.6') : protocol;

export interface FleetOptions {
  url: string;
  chargers: number;
  scenario: Scenario;
  /** 1.6 when not given */
  protocol?: FleetProtocol;
  /** SIM → SIM-00001…; tags SIM-TAG-00001… */
  prefix: string;
  /** the first charger's number (a fleet split across processes) */
  firstIndex?: number;
  password?: string;
  connectors?: number;
  /** new connections per second while ramping up (0: all at once) */
  rampPerSecond?: number;
  seed?: number;
  settings?: Partial<ScenarioSettings>;
  charger?: Partial<
    Pick<
      SimulatedChargerOptions,
      'sessionSeconds' | 'idleSeconds' | 'meterIntervalSeconds' | 'callTimeoutMs' | 'backoff' | 'autoCharge'
    >
  >;
  log?: (identity: string, message: string) => void;
}

/** mulberry32: a small seeded generator, so that a scenario runs the same way twice */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export const chargerIdentity = (prefix: string, index: number) =>
  `${prefix}-${String(index).padStart(5, '0')}`;
export const chargerTag = (prefix: string, index: number) =>
  `${prefix}-TAG-${String(index).padStart(5, '0')}`;

/** Many simulated chargers and the scenario that drives them. */
export class Fleet {
  readonly stats = new FleetStats();
  readonly chargers: SimulatedCharger[];
  private stopScenario: (() => void) | undefined;
  private readonly random: () => number;
  private ramp: NodeJS.Timeout | undefined;

  constructor(readonly options: FleetOptions) {
    this.random = seededRandom(options.seed ?? 1);
    const first = options.firstIndex ?? 1;
    this.chargers = Array.from({ length: options.chargers }, (_, offset) => {
      const index = first + offset;
      return new SimulatedCharger({
        url: options.url,
        identity: chargerIdentity(options.prefix, index),
        protocol: protocolOf(options.protocol ?? '1.6', index),
        ...(options.password ? { password: options.password } : {}),
        connectors: options.connectors ?? 1,
        idTag: chargerTag(options.prefix, index),
        vendor: 'Ampledger',
        model: 'Simulator',
        firmware: '1.0.0',
        clockOffsetMs: 0,
        autoCharge: true,
        duplicates: false,
        sessionSeconds: [60, 240],
        idleSeconds: [10, 120],
        meterIntervalSeconds: 30,
        callTimeoutMs: 30_000,
        backoff: { initialMs: 1_000, maxMs: 30_000 },
        random: seededRandom((options.seed ?? 1) * 100_003 + index),
        stats: this.stats,
        ...options.charger,
        ...chargerTraits(options.scenario, index - 1, { ...DEFAULT_SETTINGS, ...options.settings }),
        ...(options.log ? { log: options.log } : {}),
      });
    });
  }

  /** Connects every charger (ramping if asked) and starts the scenario. */
  start(): void {
    const settings = { ...DEFAULT_SETTINGS, ...this.options.settings };
    this.stopScenario = driveScenario(
      this.options.scenario,
      { chargers: this.chargers, random: this.random },
      settings,
    );
    const rate = this.options.rampPerSecond ?? 0;
    if (rate <= 0) {
      for (const charger of this.chargers) charger.start();
      return;
    }
    let next = 0;
    const perTick = Math.max(1, Math.round(rate / 10));
    this.ramp = setInterval(() => {
      for (let i = 0; i < perTick && next < this.chargers.length; i++) this.chargers[next++]!.start();
      if (next >= this.chargers.length) clearInterval(this.ramp);
    }, 100);
  }

  stop(): void {
    clearInterval(this.ramp);
    this.stopScenario?.();
    for (const charger of this.chargers) charger.stop();
  }

  /** Ends the scenario's disturbances and every session, then waits until every charger delivered everything. */
  async windDown(timeoutMs: number): Promise<void> {
    this.stopScenario?.();
    for (const charger of this.chargers) charger.finishSessions();
    await this.settled(timeoutMs);
  }

  /** Resolves once every charger is online, booted and has delivered its queue; rejects after timeoutMs. */
  async settled(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.chargers.every((charger) => charger.settled)) {
      if (Date.now() > deadline) {
        const waiting = this.chargers.filter((charger) => !charger.settled).length;
        throw new Error(
          `${waiting} chargers still have messages to deliver or are offline after ${timeoutMs} ms`,
        );
      }
      await new Promise((done) => setTimeout(done, 50));
    }
  }

  /** Every charger loses its network at once (see the storm scenario). */
  storm(settings: Partial<ScenarioSettings> = {}): void {
    stormNow(this.chargers, { ...DEFAULT_SETTINGS, ...this.options.settings, ...settings });
  }

  /** transaction messages still waiting in the chargers' queues */
  queued(): number {
    let total = 0;
    for (const charger of this.chargers) total += charger.queued;
    this.stats.queued = total;
    return total;
  }

  /** transaction messages the CSMS answered (resends of the duplicates scenario not counted) */
  acknowledged(): number {
    let total = 0;
    for (const { acknowledged } of this.chargers) {
      total += acknowledged.started + acknowledged.sampled + acknowledged.ended;
    }
    return total;
  }

  activeSessions(): number {
    return this.chargers.reduce((total, charger) => total + charger.activeSessions, 0);
  }
}
