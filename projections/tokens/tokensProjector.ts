import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { type IdTokenType, TOKEN_EVENT_TYPES, type TokenEvent } from '../../src/domain/tokens/tokenEvents.js';
import { evolveToken, type Token } from '../../src/domain/tokens/tokens.js';
import type { RecordedEvent } from '../../src/store/eventStore.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import type { Projector } from '../projector.js';
import { type Columns, updateAllBut, writeRows } from '../sqlRows.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/**
 * Tokens (idTags) by tenant, folded with the domain's own evolve. A batch is folded in memory and
 * written with one statement: a transaction that writes holds back what every reader of the log
 * can see until it commits, so it must not take one round trip per event.
 */
export async function tokensProjector(): Promise<Projector> {
  return {
    name: 'tokens',
    streamPrefix: 'idtag-',
    eventTypes: TOKEN_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: applyTokenBatch,
  };
}

interface TokenRow {
  id_tag: string;
  tenant: string;
  issued_as: string;
  token_type: string | null;
  blocked: boolean;
  expiry_date: string | null;
  parent_id_tag: string | null;
  in_transaction: Token['lock'] | null;
  last_revision: string;
}

const TOKEN_COLUMNS: Columns = {
  id_tag: 'text',
  tenant: 'text',
  issued_as: 'text',
  token_type: 'text',
  blocked: 'boolean',
  expiry_date: 'timestamptz',
  parent_id_tag: 'text',
  in_transaction: 'jsonb',
  last_revision: 'bigint',
};

const idTagOf = (event: RecordedEvent) => event.streamId.slice('idtag-'.length);

async function applyTokenBatch(events: RecordedEvent[], tx: pg.PoolClient): Promise<void> {
  const { rows } = await tx.query<Omit<TokenRow, 'expiry_date'> & { expiry_date: Date | null }>(
    'SELECT * FROM tokens WHERE id_tag = ANY($1) FOR UPDATE',
    [[...new Set(events.map(idTagOf))]],
  );
  const known = new Map<string, { token: Token; revision: bigint }>(
    rows.map((row) => [row.id_tag, { token: tokenOf(row), revision: BigInt(row.last_revision) }]),
  );
  const changed = new Map<string, TokenRow>();
  for (const event of events) {
    const idTag = idTagOf(event);
    const current = known.get(idTag);
    if (current && current.revision >= event.revision) continue; // applied already
    const next = evolveToken(current?.token, { type: event.type, data: event.data } as TokenEvent);
    if (!next) continue;
    known.set(idTag, { token: next, revision: event.revision });
    changed.set(idTag, {
      id_tag: idTag,
      tenant: next.tenant,
      issued_as: next.idTag,
      token_type: next.tokenType ?? null,
      blocked: next.blocked,
      expiry_date: next.expiryDate ?? null,
      parent_id_tag: next.parentIdTag ?? null,
      in_transaction: next.lock ?? null,
      last_revision: event.revision.toString(),
    });
  }
  await writeRows(
    tx,
    {
      into: 'tokens',
      columns: TOKEN_COLUMNS,
      onConflict: `ON CONFLICT (id_tag) DO UPDATE SET ${updateAllBut(TOKEN_COLUMNS, ['id_tag'])}`,
    },
    [...changed.values()],
  );
}

/** A row of the tokens read model, as the domain's Token. */
export function tokenOf(row: Omit<TokenRow, 'expiry_date'> & { expiry_date: Date | null }): Token {
  return {
    idTag: row.issued_as,
    tenant: row.tenant,
    ...(row.token_type ? { tokenType: row.token_type as IdTokenType } : {}),
    blocked: row.blocked,
    ...(row.expiry_date ? { expiryDate: row.expiry_date.toISOString() } : {}),
    ...(row.parent_id_tag ? { parentIdTag: row.parent_id_tag } : {}),
    ...(row.in_transaction ? { lock: row.in_transaction } : {}),
  };
}
