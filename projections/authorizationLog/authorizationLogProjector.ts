import { fileURLToPath } from 'node:url';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

interface Decision {
  action: 'Authorize' | 'StartTransaction' | 'StopTransaction';
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
      return { action: 'StartTransaction', ...data, ...data.authorization };
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
      'TransactionStopped',
      'TransactionStopOrphaned',
    ]),
    migrations: await loadMigrations(MIGRATIONS),
    async apply(event, tx) {
      const decision = decisionOf({ type: event.type, data: event.data } as ChargingEvent);
      if (!decision) return;
      await tx.query(
        `INSERT INTO authorization_log (charger_id, revision, tenant, action, id_tag, normalised_id_tag, status,
           reason, transaction_key, decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [
          chargerIdOf(event.streamId),
          event.revision.toString(),
          decision.tenant ?? 'default',
          decision.action,
          decision.idTag,
          decision.normalisedIdTag,
          decision.status,
          decision.reason,
          decision.transactionKey ?? null,
          receivedAtOf(event),
        ],
      );
    },
  };
}
