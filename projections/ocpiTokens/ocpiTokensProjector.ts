import { fileURLToPath } from 'node:url';
import { OCPI_TOKEN_EVENT_TYPES, type OcpiTokenEvent } from '../../src/domain/ocpi/ocpiTokens.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

/** The tokens eMSPs pushed, each as its eMSP last said, and which partner it belongs to. */
export async function ocpiTokensProjector(): Promise<Projector> {
  return {
    name: 'ocpi_tokens',
    streamPrefix: 'ocpi-token-',
    eventTypes: OCPI_TOKEN_EVENT_TYPES,
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const { data } = { type: event.type, data: event.data } as OcpiTokenEvent;
      const { token } = data;
      await tx.query(
        `INSERT INTO ocpi_tokens (country_code, party_id, uid, partner_id, id_tag, token, last_updated)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (country_code, party_id, uid) DO UPDATE SET partner_id = EXCLUDED.partner_id,
           token = EXCLUDED.token, last_updated = EXCLUDED.last_updated`,
        [
          token.country_code.toUpperCase(),
          token.party_id.toUpperCase(),
          token.uid,
          data.partnerId,
          token.uid,
          JSON.stringify(token),
          token.last_updated,
        ],
      );
    }),
  };
}
