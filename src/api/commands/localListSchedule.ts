import type pg from 'pg';
import { canTake } from '../../ocpp/commands/outboundCommands.js';
import type { LocalListSync } from './localListSync.js';

/** how many chargers one node synchronises at the same time */
const PARALLEL = 4;

/**
 * The daily local list synchronisation: each node looks after the chargers connected to it, and
 * synchronises every approved one whose list was last checked longer ago than the interval (so a
 * charger that could not be reached is tried again at the next tick, and a restart does not
 * resend every list).
 */
export class LocalListSchedule {
  private timer: NodeJS.Timeout | undefined;
  private tick: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly options: {
      pool: pg.Pool;
      sync: LocalListSync;
      /** the chargers connected to this node */
      connected(): Array<{ identity: string; version: string }>;
      intervalMs: number;
      clock: () => Date;
      logger: { info(detail: object, message?: string): void; warn(detail: object, message?: string): void };
    },
  ) {}

  start(): void {
    const { intervalMs } = this.options;
    // often enough that a charger waits little past its due time, seldom enough to cost nothing
    const every = Math.min(Math.max(intervalMs / 4, 1_000), 3_600_000);
    this.timer = setInterval(() => {
      this.tick ??= this.runOnce().finally(() => {
        this.tick = undefined;
      });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.tick;
  }

  /** Synchronises the due chargers of this node once; resolves when all are done. */
  async runOnce(): Promise<void> {
    const { pool, sync, intervalMs, clock, logger } = this.options;
    const candidates = this.options.connected().filter(({ version }) => canTake(version, 'ReplaceLocalList'));
    if (candidates.length === 0) return;
    const { rows } = await pool.query<{ identity: string; tenant: string }>(
      `SELECT r.identity, r.tenant FROM charger_registry r
         LEFT JOIN local_lists l ON l.charger_id = r.identity
        WHERE r.identity = ANY($1) AND r.status = 'approved'
          AND (l.reported_at IS NULL OR l.reported_at < $2)`,
      [candidates.map(({ identity }) => identity), new Date(clock().getTime() - intervalMs)],
    );
    const due = [...rows];
    const worker = async () => {
      for (let next = due.shift(); next && !this.stopped; next = due.shift()) {
        const result = await sync
          .sync(next.identity, next.tenant, { actor: 'local-list-schedule' })
          .catch((error: Error) => ({ status: 'failed', error: error.message }));
        const log = result.status === 'failed' ? logger.warn : logger.info;
        log.call(logger, { identity: next.identity, result }, 'local list synchronised');
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
  }
}
