import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, dropSchema, freshSchemaName, schemaClient } from '../support/database.js';
import { describeEventStoreContract } from './eventStoreContract.js';

describeEventStoreContract('PostgreSQL', { lateCommits: true, connectionLoss: true }, async () => {
  const schema = freshSchemaName('contract');
  // a name of this file's own, so that killing connections touches no other test file's
  const applicationName = `contract-${schema}`.slice(0, 60);
  const open = () =>
    PostgresEventStore.open({
      connectionString: databaseUrl(),
      schema,
      pollIntervalMs: 100,
      applicationName,
    });
  const store = await open();
  const others: PostgresEventStore[] = [];
  return {
    store,
    async openAnother() {
      const another = await open();
      others.push(another);
      return another;
    },
    async holdOpenAppend(streamId, event) {
      const client = await schemaClient(schema);
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO events (stream_id, revision, event_id, type, schema_version, data, metadata)
         VALUES ($1, 0, $2, $3, 1, $4, '{}')`,
        [streamId, event.id ?? randomUUID(), event.type, JSON.stringify(event.data)],
      );
      return {
        async commit() {
          await client.query('COMMIT');
          await client.end();
        },
      };
    },
    async breakConnections() {
      const admin = new pg.Client({ connectionString: databaseUrl() });
      await admin.connect();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name IN ($1, $1 || '-listen') AND pid <> pg_backend_pid()`,
        [applicationName],
      );
      await admin.end();
    },
    async dispose() {
      await Promise.all([store, ...others].map((s) => s.close()));
      await dropSchema(schema);
    },
  };
});
