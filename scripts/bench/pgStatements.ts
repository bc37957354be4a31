import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type pg from 'pg';

/**
 * BENCH_PG_STATS=1: where PostgreSQL's time goes during a phase of a bench, from
 * pg_stat_statements (the embedded server is then started with it preloaded).
 */
export const pgStatsWanted = () => Boolean(process.env.BENCH_PG_STATS);

export const PG_STATS_SETTINGS = {
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track_planning': 'on',
};

interface StatementCost {
  calls: number;
  totalMs: number;
  planMs: number;
  microsEach: number;
  rows: number;
  query: string;
}

/** Starts counting afresh. */
export async function resetStatements(pool: pg.Pool): Promise<void> {
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await pool.query('SELECT pg_stat_statements_reset()');
}

/** The statements that took most of the server's time since the reset: printed, and written to bench/results. */
export async function reportStatements(pool: pg.Pool, name: string, top = 30): Promise<StatementCost[]> {
  const { rows: all } = await pool.query<{ calls: number; totalMs: number; planMs: number }>(
    `SELECT coalesce(sum(calls), 0)::int AS calls, round(coalesce(sum(total_exec_time), 0))::int AS "totalMs",
            round(coalesce(sum(total_plan_time), 0))::int AS "planMs"
     FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'`,
  );
  const { rows } = await pool.query<StatementCost>(
    `SELECT calls::int, round(total_exec_time)::int AS "totalMs", round(total_plan_time)::int AS "planMs",
            round((1000 * total_exec_time / calls)::numeric)::int AS "microsEach", rows::int,
            left(regexp_replace(query, '\\s+', ' ', 'g'), 200) AS query
     FROM pg_stat_statements WHERE calls > 0 ORDER BY total_exec_time DESC LIMIT $1`,
    [top],
  );
  const lines = rows.map(
    (row) =>
      `${String(row.totalMs).padStart(7)} ms (+${row.planMs} planning) ${String(row.calls).padStart(8)} calls ${String(row.microsEach).padStart(6)} µs each ${String(row.rows).padStart(8)} rows  ${row.query}`,
  );
  const { calls, totalMs, planMs } = all[0]!;
  const text = `PostgreSQL's time by statement (${name}): ${calls} statements, ${totalMs} ms executing and ${planMs} ms planning in all\n${lines.join('\n')}\n`;
  process.stdout.write(`\n${text}`);
  await writeFile(join(process.cwd(), 'bench', 'results', `${name}.pg-statements.txt`), text);
  return rows;
}
