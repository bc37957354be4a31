/**
 * npm run simulate -- --url ws://127.0.0.1:8080/ocpp --chargers N --protocol 1.6|2.0.1|mixed --scenario <name>
 *   [--api http://127.0.0.1:8080 --token T] [--password P] [--duration S] [--prefix SIM] …
 * Simulated OCPP 1.6 and 2.0.1 charge points against a CSMS (see scripts/simulator). With --api,
 * registers its chargers (SIM-00001…) and tags (SIM-TAG-00001…) through the operator API first.
 */
import { parseArgs } from 'node:util';
import { FLEET_PROTOCOLS, Fleet, type FleetProtocol } from './simulator/fleet.js';
import { registerFleet } from './simulator/registration.js';
import { DEFAULT_SETTINGS, SCENARIOS, type Scenario } from './simulator/scenarios.js';
import { printSummary, summaryLine } from './simulator/summary.js';

const USAGE = `usage: npm run simulate -- --url ws://127.0.0.1:8080/ocpp [--chargers 10] [--protocol ${FLEET_PROTOCOLS.join('|')}]
  [--scenario ${SCENARIOS.join('|')}] [--api http://127.0.0.1:8080 --token TOKEN] [--password P]
  [--duration SECONDS] [--prefix SIM] [--first 1] [--connectors 1] [--ramp PER_SECOND] [--seed 1]
  [--session-seconds 60-240] [--idle-seconds 10-120] [--meter-interval 30]
  [--backlog-hours 3] [--skew-hours 2] [--flaky-seconds 60] [--storm-at 30]
mixed: every other charger speaks 2.0.1; the quirks scenario's chargers speak 1.6 (the quirks are of 1.6 firmware)`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        chargers: { type: 'string', default: '10' },
        protocol: { type: 'string', default: '1.6' },
        scenario: { type: 'string', default: 'normal' },
        api: { type: 'string' },
        token: { type: 'string' },
        password: { type: 'string' },
        duration: { type: 'string', default: '0' },
        prefix: { type: 'string', default: 'SIM' },
        first: { type: 'string', default: '1' },
        connectors: { type: 'string', default: '1' },
        ramp: { type: 'string', default: '200' },
        seed: { type: 'string', default: '1' },
        'session-seconds': { type: 'string', default: '60-240' },
        'idle-seconds': { type: 'string', default: '10-120' },
        'meter-interval': { type: 'string', default: '30' },
        'backlog-hours': { type: 'string', default: String(DEFAULT_SETTINGS.backlogHours) },
        'skew-hours': { type: 'string', default: String(DEFAULT_SETTINGS.skewHours) },
        'flaky-seconds': { type: 'string', default: String(DEFAULT_SETTINGS.flakySeconds) },
        'storm-at': { type: 'string', default: String(DEFAULT_SETTINGS.stormAtSeconds) },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
})();

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const number = (name: string, raw: string, min: number, max: number) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max)
    fail(`--${name} must be a number from ${min} to ${max}`);
  return value;
};
const range = (name: string, raw: string): [number, number] => {
  const [least, most = least] = raw.split('-').map((part) => number(name, part, 0, 86_400));
  if (least! > most!) fail(`--${name} must be MIN-MAX`);
  return [least!, most!];
};
if (!values.url || !/^wss?:\/\//.test(values.url)) fail('--url ws://host:port/ocpp is required');
if (!(FLEET_PROTOCOLS as readonly string[]).includes(values.protocol))
  fail(`--protocol must be one of ${FLEET_PROTOCOLS.join(', ')}`);
if (!(SCENARIOS as readonly string[]).includes(values.scenario)) fail(`unknown scenario ${values.scenario}`);
if (values.api && !values.token) fail('--api needs --token (an operator or admin API token)');

const chargers = number('chargers', values.chargers, 1, 50_000);
const first = number('first', values.first, 1, 99_999);
const duration = number('duration', values.duration, 0, 7 * 86_400);
const fleet = new Fleet({
  url: values.url.replace(/\/$/, ''),
  chargers,
  firstIndex: first,
  scenario: values.scenario as Scenario,
  protocol: values.protocol as FleetProtocol,
  prefix: values.prefix,
  ...(values.password ? { password: values.password } : {}),
  connectors: number('connectors', values.connectors, 1, 10),
  rampPerSecond: number('ramp', values.ramp, 0, 100_000),
  seed: number('seed', values.seed, 0, 2 ** 31),
  settings: {
    backlogHours: number('backlog-hours', values['backlog-hours'], 0, 720),
    skewHours: number('skew-hours', values['skew-hours'], -720, 720),
    flakySeconds: number('flaky-seconds', values['flaky-seconds'], 1, 86_400),
    stormAtSeconds: number('storm-at', values['storm-at'], 0, 86_400),
  },
  charger: {
    sessionSeconds: range('session-seconds', values['session-seconds']),
    idleSeconds: range('idle-seconds', values['idle-seconds']),
    meterIntervalSeconds: number('meter-interval', values['meter-interval'], 1, 3_600),
  },
});

if (values.api) {
  process.stdout.write(`registering ${chargers} chargers and tags through ${values.api} …\n`);
  await registerFleet({
    api: values.api,
    token: values.token!,
    prefix: values.prefix,
    firstIndex: first,
    chargers,
    connectors: number('connectors', values.connectors, 1, 10),
    ...(values.password ? { password: values.password } : {}),
  });
}
process.stdout.write(
  `${chargers} chargers (OCPP ${values.protocol}), scenario ${values.scenario}, against ${values.url}\n`,
);
fleet.start();
const stopSummary = printSummary(fleet);
let stopping = false;
/** Ends the sessions under way and delivers what is queued (at most 15 s); a second signal quits at once. */
const stop = async (code: number) => {
  if (stopping) process.exit(1);
  stopping = true;
  stopSummary();
  process.stdout.write('ending the sessions under way (Ctrl-C again to quit now) …\n');
  await fleet.windDown(15_000).catch((error: Error) => process.stdout.write(`${error.message}\n`));
  fleet.stop();
  process.stdout.write(`${summaryLine(fleet, 0)}\n`);
  setTimeout(() => process.exit(code), 200).unref();
};
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));
if (duration > 0) setTimeout(() => void stop(0), duration * 1_000);
