import { parseArgs } from 'node:util';
import pg from 'pg';
import { REPLAY_POLICIES, replayPoliciesOf, replaySession } from '../app/sessionReplay.js';
import { configuredTerms } from '../domain/billing/billSession.js';
import { commandOfRecordedCall } from '../ocpp/recordedCalls.js';
import { withCliStorage } from './cliStorage.js';

const USAGE = `usage: npm run replay -- --session {sessionId or transactionId} [--tariff {id}@{version}] [--policies ${REPLAY_POLICIES.join(',')}]\n`;

/**
 * `npm run replay -- --session {id} [--tariff {id}@{version}] [--policies …]`: the what-if of
 * GET /api/sessions/{id}/replay, from the command line: the session run again from the log (its
 * calls decided again from their raw frames unless `--policies reconciliation`), priced under
 * the tariff version given, and compared with its CDR. Prints JSON; writes nothing.
 * Exit 0 (differences or not), 2 for bad arguments, 1 when the session cannot be replayed.
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { session: { type: 'string' }, tariff: { type: 'string' }, policies: { type: 'string' } },
  });
  const tariff = values.tariff ? /^([A-Za-z0-9_.-]{1,36})@([1-9][0-9]{0,8})$/.exec(values.tariff) : null;
  const asked = replayPoliciesOf(values.policies);
  if (!values.session || (values.tariff && !tariff) || 'unknown' in asked) {
    process.stderr.write(USAGE);
    return 2;
  }
  return withCliStorage(async ({ eventStore, readModelConnection, config }) => {
    const client = new pg.Client(readModelConnection);
    await client.connect();
    try {
      const { rows } = await client
        .query(
          'SELECT id, charger_id, transaction_key, first_revision, last_revision FROM sessions WHERE id = $1 OR transaction_key = $1 LIMIT 3',
          [values.session],
        )
        .catch((error: { code?: string }) => {
          // undefined_table: no server ever ran on this database
          if (error.code === '42P01') return { rows: [] };
          throw error;
        });
      if (rows.length !== 1) {
        process.stderr.write(
          rows.length === 0
            ? `no session ${values.session}\n`
            : `transaction id ${values.session} is used by several chargers: give {chargerId}:${values.session}\n`,
        );
        return 1;
      }
      const [row] = rows;
      const replay = await replaySession(
        eventStore,
        configuredTerms(config.tariff),
        {
          id: row.id,
          chargerId: row.charger_id,
          transactionKey: row.transaction_key,
          firstRevision: BigInt(row.first_revision),
          lastRevision: BigInt(row.last_revision),
        },
        tariff ? { id: tariff[1]!, version: Number(tariff[2]) } : undefined,
        asked.policies,
        { readCall: commandOfRecordedCall, heartbeatIntervalSeconds: config.heartbeatIntervalSeconds },
      );
      process.stdout.write(`${JSON.stringify(replay, null, 2)}\n`);
      return 'refused' in replay ? 1 : 0;
    } finally {
      await client.end();
    }
  });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`replay failed: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  },
);
