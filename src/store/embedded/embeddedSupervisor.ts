import type { StoreLogger } from '../logger.js';

export interface SupervisedServer {
  /** the running server's process id, if it has one */
  pid(): Promise<number | undefined>;
  /** starts the server again on the same port (its clients keep their connection strings) */
  restart(): Promise<void>;
  /** what the server said last, to tell why it would not start */
  lastWords(): string[];
}

const FIRST_RETRY_MS = 1_000;
const LONGEST_RETRY_MS = 30_000;

/**
 * Watches the embedded PostgreSQL this process owns and starts it again when it dies (killed, out
 * of memory, its disk full), retrying with backoff for as long as it takes and logging PostgreSQL's
 * own reason each time it will not start. The event store and read models reconnect by themselves.
 */
export function superviseEmbeddedPostgres(
  server: SupervisedServer,
  logger: StoreLogger,
  checkEveryMs = 1_000,
): { stop(): void } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number, next: () => Promise<void>) => {
    if (stopped) return;
    timer = setTimeout(() => void next(), ms);
    timer.unref();
  };
  const check = async () => {
    const pid = await server.pid();
    if (pid !== undefined && isAlive(pid)) return schedule(checkEveryMs, check);
    if (stopped) return;
    const diedAt = Date.now();
    logger.error({ pid }, 'the embedded PostgreSQL stopped: starting it again');
    await restartWithBackoff(diedAt, FIRST_RETRY_MS, 1);
  };
  const restartWithBackoff = async (diedAt: number, waitMs: number, attempt: number): Promise<void> => {
    if (stopped) return;
    try {
      await server.restart();
      logger.warn({ attempt, downMs: Date.now() - diedAt }, 'the embedded PostgreSQL is running again');
      schedule(checkEveryMs, check);
    } catch (error) {
      logger.error(
        { attempt, err: error, postgres: server.lastWords().join('\n'), retryInMs: waitMs },
        'the embedded PostgreSQL will not start again yet (its own words are in "postgres")',
      );
      schedule(waitMs, () => restartWithBackoff(diedAt, Math.min(waitMs * 2, LONGEST_RETRY_MS), attempt + 1));
    }
  };
  schedule(checkEveryMs, check);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}
