import { fileURLToPath } from 'node:url';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, writeRows } from '../sqlRows.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

const COLUMNS: Columns = {
  charger_id: 'text',
  revision: 'bigint',
  tenant: 'text',
  action: 'text',
  id_tag: 'text',
  normalised_id_tag: 'text',
  status: 'text',
  reason: 'text',
  transaction_key: 'text',
  decided_at: 'timestamptz',
};

interface Decision {
  action: 'Authorize' | 'StartTransaction' | 'StopTransaction' | 'TransactionAuthorized';
  tenant: string;
  idTag: string;
  normalisedIdTag: string;
  status: string;
  reason: string;
  transactionKey?: string;
}

/** The decision an event records about a tag, if it records one. */
function decisionOf(event: ChargingEvent): Decision | undefined {
  switch (event.type) {
    case 'AuthorizationDecided':
      return { action: 'Authorize', ...event.data };
    case 'TransactionStarted': {
      const { data } = event;
      // a transaction begun before any token was shown decided nothing about a tag
      if (data.authorization.status === 'NotPresented') return undefined;
      return { action: 'StartTransaction', ...data, ...data.authorization };
    }
    case 'TransactionAuthorized': {
      const { data } = event;
      return { action: 'TransactionAuthorized', ...data, ...data.authorization };
    }
    case 'TransactionStopped':
    case 'TransactionStopOrphaned': {
      const { data } = event;
      if (!data.authorization || data.idTag === undefined) return undefined;
      return {
        action: 'StopTransaction',
        tenant: data.tenant,
        idTag: data.idTag,
        normalisedIdTag: data.normalisedIdTag ?? data.idTag,
        transactionKey: data.transactionKey,
        ...data.authorization,
      };
    }
    default:
      return undefined;
  }
}

/** The authorization log: every decision about a tag, with its reason, for support and audits. */
export async function authorizationLogProjector(): Promise<Projector> {
  return {
    name: 'authorization_log',
    streamPrefix: 'charger-',
    eventTypes: new Set([
      'AuthorizationDecided',
      'TransactionStarted',
      'TransactionAuthorized',
      'TransactionStopped',
      'TransactionStopOrphaned',
    ]),
    migrations: await loadMigrations(MIGRATIONS),
    async apply(events, tx) {
      const rows = events.flatMap((event) => {
        const decision = decisionOf({ type: event.type, data: event.data } as ChargingEvent);
        if (!decision) return [];
        return [
          {
            charger_id: chargerIdOf(event.streamId),
            revision: event.revision.toString(),
            tenant: decision.tenant ?? 'default',
            action: decision.action,
            id_tag: decision.idTag,
            normalised_id_tag: decision.normalisedIdTag,
            status: decision.status,
            reason: decision.reason,
            transaction_key: decision.transactionKey ?? null,
            decided_at: receivedAtOf(event),
          },
        ];
      });
      await writeRows(
        tx,
        { into: 'authorization_log', columns: COLUMNS, onConflict: 'ON CONFLICT DO NOTHING' },
        rows,
      );
    },
  };
}
