import { fileURLToPath } from 'node:url';
import { TOKEN_EVENT_TYPES, type TokenEvent } from '../../src/domain/tokens/tokenEvents.js';
import { evolveToken, type Token } from '../../src/domain/tokens/tokens.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Tokens (idTags) by tenant, folded with the domain's own evolve. */
export async function tokensProjector(): Promise<Projector> {
  return {
    name: 'tokens',
    streamPrefix: 'idtag-',
    eventTypes: TOKEN_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const idTag = event.streamId.slice('idtag-'.length);
      const { rows } = await tx.query<{
        tenant: string;
        issued_as: string;
        blocked: boolean;
        expiry_date: Date | null;
        parent_id_tag: string | null;
        in_transaction: Token['lock'] | null;
        last_revision: string;
      }>('SELECT * FROM tokens WHERE id_tag = $1 FOR UPDATE', [idTag]);
      const row = rows[0];
      if (row && BigInt(row.last_revision) >= event.revision) return; // applied already
      const current: Token | undefined = row && {
        idTag: row.issued_as,
        tenant: row.tenant,
        blocked: row.blocked,
        ...(row.expiry_date ? { expiryDate: row.expiry_date.toISOString() } : {}),
        ...(row.parent_id_tag ? { parentIdTag: row.parent_id_tag } : {}),
        ...(row.in_transaction ? { lock: row.in_transaction } : {}),
      };
      const next = evolveToken(current, { type: event.type, data: event.data } as TokenEvent);
      if (!next) return;
      await tx.query(
        `INSERT INTO tokens (id_tag, tenant, issued_as, blocked, expiry_date, parent_id_tag, in_transaction, last_revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id_tag) DO UPDATE SET tenant = $2, issued_as = $3, blocked = $4, expiry_date = $5,
           parent_id_tag = $6, in_transaction = $7, last_revision = $8`,
        [
          idTag,
          next.tenant,
          next.idTag,
          next.blocked,
          next.expiryDate ?? null,
          next.parentIdTag ?? null,
          next.lock ? JSON.stringify(next.lock) : null,
          event.revision.toString(),
        ],
      );
    }),
  };
}
