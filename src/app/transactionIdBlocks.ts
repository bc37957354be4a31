import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import {
  MAX_TRANSACTION_ID,
  type TransactionIdIssuer,
} from '../domain/charger/transactions/transactionIds.js';
import { loadMigrations, migrate } from '../store/postgres/migrate.js';

const MIGRATIONS = fileURLToPath(new URL('./transactionIds/', import.meta.url));
/** ids per block; must match the sequence's INCREMENT BY */
export const TRANSACTION_ID_BLOCK = 100;

/**
 * Issues transaction ids from blocks of a PostgreSQL sequence: one round trip per 100 ids, and
 * nodes sharing the database never issue the same id. The rest of a block dies with the process.
 */
export class TransactionIdBlocks implements TransactionIdIssuer {
  private nextId = 0;
  private blockEnd = -1;
  private refill: Promise<void> | undefined;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(pool: pg.Pool): Promise<TransactionIdBlocks> {
    await migrate(pool, 'transaction_ids', await loadMigrations(MIGRATIONS));
    return new TransactionIdBlocks(pool);
  }

  async next(): Promise<number> {
    while (this.nextId > this.blockEnd) {
      this.refill ??= this.takeBlock().finally(() => {
        this.refill = undefined;
      });
      await this.refill;
    }
    return this.nextId++;
  }

  private async takeBlock(): Promise<void> {
    const { rows } = await this.pool.query<{ start: number }>(
      `SELECT nextval('transaction_id_blocks')::integer AS start`,
    );
    const start = rows[0]!.start;
    this.nextId = start;
    this.blockEnd = Math.min(start + TRANSACTION_ID_BLOCK - 1, MAX_TRANSACTION_ID);
  }
}
