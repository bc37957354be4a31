import { WebSocket } from 'ws';
import { type RpcErrorCode, spellErrorCode } from '../../src/ocpp/rpc/errorCodes.js';
import { type OcppVersion, versionOfSubprotocol } from '../../src/ocpp/versions.js';
import { makeFrame, random, VALID } from './fuzzFrames.js';

const CANONICAL_CODES: RpcErrorCode[] = [
  'NotImplemented',
  'NotSupported',
  'InternalError',
  'ProtocolError',
  'SecurityError',
  'FormatViolation',
  'PropertyConstraintViolation',
  'OccurrenceConstraintViolation',
  'TypeConstraintViolation',
  'GenericError',
  'RpcFrameworkError',
  'MessageTypeNotSupported',
];

/** The error codes a version has, as it spells them. */
const codesOf = (version: OcppVersion) =>
  new Set(CANONICAL_CODES.map((code) => spellErrorCode(code, version)));

export interface FuzzReport {
  frames: number;
  /** CALLs whose message id could be read (each must get one answer) */
  calls: number;
  answers: number;
  /** CALLs with a unique id and no answer, or more than one */
  unanswered: string[];
  answeredTwice: string[];
  /** CALLERRORs whose code the version does not have, or not the one the frame calls for */
  wrongCodes: string[];
  /** InternalError answers: something in the product failed on a frame */
  internalErrors: string[];
  /** frames sent once and not in the charger's journal (its stream), or journaled more often than sent */
  unjournaled: string[];
  /** closes other than a normal one */
  badCloses: number[];
  /** a plain charger still gets its Heartbeat answered afterwards */
  stillServes: boolean;
  /** every read model caught up with the log afterwards (none stuck on something a frame left) */
  readModelsCaughtUp: boolean;
  seconds: number;
}

export interface FuzzOptions {
  /** ws://host:port/ocpp */
  url: string;
  frames: number;
  seed: number;
  protocols?: readonly string[];
  /** chargers fuzzed at once, each one CALL at a time (default 8) */
  connections?: number;
  /** the text of every frame the product journaled for a charger, one per frame */
  journaledFrames(identity: string): Promise<string[]>;
  /** whether every read model catches up with the log (false: one is stuck) */
  readModelsCatchUp(): Promise<boolean>;
  onProgress?(sent: number): void;
}

const parsesAsJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** The id of a CALL as the rules read it. */
const callIdOf = (text: string) => /^\s*\[\s*2\s*,\s*"([^"\\]{1,36})"/.exec(text)?.[1];

/**
 * Sends seeded random, mutated and junk frames through the whole product (gateway, decider, log)
 * from several chargers at once, each one CALL at a time as the protocol has it, over as many
 * connections as it takes (500 frames each), and checks what came back: every CALL
 * with a readable id answered exactly once, every error code one its version has (NotImplemented
 * for an action nobody defines), no InternalError, every frame in its charger's journal, no
 * abnormal close, and the server still serving, its read models caught up, at the end.
 */
export async function fuzzProduct(options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const protocols = options.protocols ?? Object.keys(VALID);
  const report: FuzzReport = {
    frames: 0,
    calls: 0,
    answers: 0,
    unanswered: [],
    answeredTwice: [],
    wrongCodes: [],
    internalErrors: [],
    unjournaled: [],
    badCloses: [],
    stillServes: false,
    readModelsCaughtUp: false,
    seconds: 0,
  };
  const sentTexts = new Map<string, Map<string, number>>();
  const workers = Math.max(1, Math.min(options.connections ?? 8, 64));
  // each worker: its own chargers and its own seeded generator, so a run replays whatever the timing
  const worker = async (index: number) => {
    const rng = random(options.seed * 1_000 + index);
    const quota = Math.floor(options.frames / workers) + (index < options.frames % workers ? 1 : 0);
    let sentHere = 0;
    for (let round = 0; sentHere < quota; round++) {
      const protocol = protocols[round % protocols.length]!;
      const version = versionOfSubprotocol(protocol)!;
      const identity = `FUZZ-${options.seed}-${index}-${protocol.replace('ocpp', '').replaceAll('.', '')}-${round % 2}`;
      const ws = new WebSocket(`${options.url}/${identity}`, protocol);
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      const answers = new Map<string, number>();
      /** frames whose id can be read (JSON or not), and the valid CALLs among them, by id */
      const readable = new Map<string, number>();
      const expected = new Map<string, { action: unknown; count: number; text: string }>();
      const waiters = new Map<string, () => void>();
      ws.on('message', (data) => {
        report.answers++;
        const frame = JSON.parse(String(data)) as unknown[];
        const id = String(frame[1]);
        answers.set(id, (answers.get(id) ?? 0) + 1);
        waiters.get(id)?.();
        if (frame[0] !== 4) return;
        const code = String(frame[2]);
        if (code === 'InternalError') report.internalErrors.push(`${identity} ${id}: ${String(frame[3])}`);
        const sent = expected.get(id);
        const what = `${identity} ${id}: ${code} (${String(frame[3])}) for ${sent?.text.slice(0, 160) ?? 'an unreadable frame'}`;
        if (!codesOf(version).has(code)) report.wrongCodes.push(`${what}: not a ${protocol} code`);
        else if (id === '-1' && version !== '1.6' && code !== 'RpcFrameworkError')
          report.wrongCodes.push(`${what}: an unreadable frame is RpcFrameworkError`);
        else if (sent?.action === 'NoSuchThing' && code !== 'NotImplemented')
          report.wrongCodes.push(`${what}: an unknown action is NotImplemented`);
      });
      const closed = new Promise<number>((resolve) => ws.once('close', resolve));
      const texts = sentTexts.get(identity) ?? new Map<string, number>();
      sentTexts.set(identity, texts);
      for (let i = 0; i < 500 && sentHere < quota && ws.readyState === ws.OPEN; i++) {
        const frame = makeFrame(rng, protocol, sentHere);
        const text = typeof frame === 'string' ? frame : frame.toString('utf8');
        const readableId = callIdOf(text);
        if (readableId) readable.set(readableId, (readable.get(readableId) ?? 0) + 1);
        // a valid CALL is answered once by its id (a frame that is not JSON: by "-1" in 2.x)
        const id = readableId && parsesAsJson(text) ? readableId : undefined;
        if (id) {
          report.calls++;
          const action = (JSON.parse(text) as unknown[])[2];
          const seen = expected.get(id);
          expected.set(id, { action: seen ? undefined : action, count: (seen?.count ?? 0) + 1, text });
        }
        texts.set(text, (texts.get(text) ?? 0) + 1);
        // as a charger does, one CALL at a time: the next once this one is answered (or 5 s went by)
        const answered = id
          ? new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 5_000);
              waiters.set(id, () => {
                clearTimeout(timer);
                waiters.delete(id);
                resolve();
              });
            })
          : undefined;
        if (typeof frame === 'string') ws.send(frame);
        else ws.send(frame, { binary: true });
        report.frames++;
        sentHere++;
        if (answered) await answered;
        else if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      // what is still on its way (answers to frames that were not waited for)
      await new Promise((resolve) => setTimeout(resolve, 100));
      for (const [id, { count, text }] of expected) {
        const got = answers.get(id) ?? 0;
        if (got < count)
          report.unanswered.push(`${identity} ${id}: ${got} answers to ${count}: ${text.slice(0, 160)}`);
      }
      for (const [id, got] of answers) {
        if (id !== '-1' && got > (readable.get(id) ?? 0))
          report.answeredTwice.push(`${identity} ${id}: ${got} answers to ${readable.get(id) ?? 0} frames`);
      }
      ws.close();
      const code = await closed;
      if (![1000, 1005].includes(code)) report.badCloses.push(code);
      options.onProgress?.(report.frames);
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, index) => worker(index)));

  // every frame is in its charger's journal: once if sent once, never more often than sent
  for (const [identity, texts] of sentTexts) {
    const journaled = new Map<string, number>();
    for (const text of await options.journaledFrames(identity))
      journaled.set(text, (journaled.get(text) ?? 0) + 1);
    for (const [text, sent] of texts) {
      const got = journaled.get(text) ?? 0;
      if ((sent === 1 && got !== 1) || got === 0 || got > sent)
        report.unjournaled.push(`${identity}: sent ${sent}, journaled ${got}: ${text.slice(0, 120)}`);
    }
  }

  const after = new WebSocket(`${options.url}/FUZZ-AFTER-${options.seed}`, 'ocpp1.6');
  await new Promise((resolve, reject) => {
    after.once('open', resolve);
    after.once('error', reject);
  });
  report.stillServes = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000);
    after.once('message', (data) => {
      clearTimeout(timer);
      const frame = JSON.parse(String(data)) as unknown[];
      resolve(frame[0] === 3 && frame[1] === 'alive');
    });
    after.send(JSON.stringify([2, 'alive', 'Heartbeat', {}]));
  });
  after.close();
  report.readModelsCaughtUp = await options.readModelsCatchUp();
  report.seconds = (Date.now() - started) / 1_000;
  return report;
}

/** What a clean run is: nothing crashed, nothing unanswered, nothing unjournaled. */
export function fuzzFindings(report: FuzzReport): string[] {
  const findings: string[] = [];
  const add = (what: string, items: readonly unknown[]) => {
    if (items.length > 0) findings.push(`${items.length} ${what}, e.g. ${String(items[0])}`);
  };
  add('CALLs unanswered', report.unanswered);
  add('CALLs answered more often than sent', report.answeredTwice);
  add('wrong error codes', report.wrongCodes);
  add('InternalError answers', report.internalErrors);
  add('frames not journaled as sent', report.unjournaled);
  add('abnormal closes', report.badCloses);
  if (!report.stillServes) findings.push('the server no longer answers a Heartbeat');
  if (!report.readModelsCaughtUp)
    findings.push('a read model did not catch up with the log (stuck on an event?)');
  return findings;
}
