import { VENDOR_QUIRKS } from '../../src/policies/vendorQuirks.js';
import type { SimulatedChargerOptions, SimulatedQuirk } from './simulatedCharger.js';

export const SCENARIOS = ['normal', 'backlog', 'duplicates', 'skew', 'quirks', 'flaky', 'storm'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** The knobs of a scenario, with defaults a person watching the simulator can follow. */
export interface ScenarioSettings {
  /** backlog: how long the chargers were offline, and the sessions they had meanwhile */
  backlogHours: number;
  backlogSessions: number;
  /** skew: how far the clocks are off (every other charger behind instead of ahead) */
  skewHours: number;
  /** flaky: mean time between one charger's disconnects */
  flakySeconds: number;
  /** storm: when every charger drops, how long they stay away, and the window they come back in */
  stormAtSeconds: number;
  stormOfflineSeconds: number;
  stormWindowSeconds: number;
  /** storm: transaction messages each charger queues while away (besides its live sessions') */
  stormBacklogMessages: number;
}

export const DEFAULT_SETTINGS: ScenarioSettings = {
  backlogHours: 3,
  backlogSessions: 2,
  skewHours: 2,
  flakySeconds: 60,
  stormAtSeconds: 30,
  stormOfflineSeconds: 5,
  stormWindowSeconds: 10,
  stormBacklogMessages: 0,
};

/** a firmware version the quirk's pattern matches, so that the CSMS recognises the charger */
function firmwareFor(pattern: RegExp): string {
  return ['1.0.0', '2.0.0', '4.0.0', '5.0.0', '9.0.0'].find((version) => pattern.test(version)) ?? '1.0.0';
}

/** What makes charger `index` of a scenario different from a well-behaved one. */
export function chargerTraits(
  scenario: Scenario,
  index: number,
  settings: ScenarioSettings,
): Partial<SimulatedChargerOptions> {
  switch (scenario) {
    case 'duplicates':
      return { duplicates: true };
    case 'skew':
      return { clockOffsetMs: (index % 2 === 0 ? 1 : -1) * settings.skewHours * 3_600_000 };
    case 'quirks': {
      const quirk = VENDOR_QUIRKS[index % VENDOR_QUIRKS.length]!;
      // the quirks table is of 1.6 firmware: its chargers speak 1.6 whatever the fleet speaks
      return {
        protocol: '1.6',
        vendor: quirk.vendor,
        firmware: firmwareFor(quirk.firmware),
        quirk: quirk.behaviour as SimulatedQuirk,
      };
    }
    default:
      return {};
  }
}

/** The scenario's events over the whole fleet (disconnects, storms), as timers the caller can stop. */
export interface FleetHandle {
  chargers: Array<{
    dropConnection(offlineMs: number, reconnectWithinMs?: number): void;
    queueBacklog(messages: number): void;
    recordPastSession(connectorId: number, startedAt: Date, minutes: number): void;
    start(): void;
  }>;
  random(): number;
}

export function driveScenario(
  scenario: Scenario,
  fleet: FleetHandle,
  settings: ScenarioSettings,
): () => void {
  const timers: NodeJS.Timeout[] = [];
  if (scenario === 'backlog') {
    // what happened while they were offline, queued before they ever connect
    const now = Date.now();
    for (const charger of fleet.chargers) {
      for (let session = 0; session < settings.backlogSessions; session++) {
        const startedAt =
          now -
          settings.backlogHours * 3_600_000 +
          session * ((settings.backlogHours * 3_600_000) / settings.backlogSessions);
        charger.recordPastSession(1, new Date(startedAt), 20);
      }
    }
  }
  if (scenario === 'flaky') {
    const dropLater = (charger: FleetHandle['chargers'][number]) => {
      const wait = -Math.log(1 - fleet.random()) * settings.flakySeconds * 1_000;
      timers.push(
        setTimeout(() => {
          charger.dropConnection(500 + fleet.random() * 2_000);
          dropLater(charger);
        }, wait),
      );
    };
    for (const charger of fleet.chargers) dropLater(charger);
  }
  if (scenario === 'storm') {
    timers.push(setTimeout(() => stormNow(fleet.chargers, settings), settings.stormAtSeconds * 1_000));
  }
  return () => {
    for (const timer of timers) clearTimeout(timer);
  };
}

/** Every charger drops at once, queues while away, and comes back at a random moment of the window. */
export function stormNow(chargers: FleetHandle['chargers'], settings: ScenarioSettings): void {
  for (const charger of chargers) {
    charger.dropConnection(settings.stormOfflineSeconds * 1_000, settings.stormWindowSeconds * 1_000);
    if (settings.stormBacklogMessages > 0) charger.queueBacklog(settings.stormBacklogMessages);
  }
}
