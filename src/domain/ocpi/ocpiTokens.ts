import type { IdTokenType } from '../tokens/tokenEvents.js';
import type { Token, TokenCommand } from '../tokens/tokens.js';

/** An OCPI 2.2.1 Token object as an eMSP pushed it (mod_tokens 12.3.2). */
export interface OcpiToken {
  country_code: string;
  party_id: string;
  uid: string;
  type: 'AD_HOC_USER' | 'APP_USER' | 'OTHER' | 'RFID';
  contract_id: string;
  visual_number?: string;
  issuer: string;
  group_id?: string;
  valid: boolean;
  whitelist: 'ALWAYS' | 'ALLOWED' | 'ALLOWED_OFFLINE' | 'NEVER';
  language?: string;
  default_profile_type?: 'CHEAP' | 'FAST' | 'GREEN' | 'REGULAR';
  energy_contract?: { supplier_name: string; contract_id?: string };
  last_updated: string;
}

/** What an eMSP said of one of its tokens, in the stream ocpi-token-{country}-{party}-{uid}. */
export type OcpiTokenEvent = { type: 'OcpiTokenReceived'; data: { partnerId: string; token: OcpiToken } };

export const OCPI_TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set<OcpiTokenEvent['type']>([
  'OcpiTokenReceived',
]);

export const ocpiTokenStream = (countryCode: string, partyId: string, uid: string) =>
  `ocpi-token-${countryCode.toUpperCase()}-${partyId.toUpperCase()}-${uid}`;

/** an RFID card's UID is what chargers read; the other kinds are made centrally (OCPP 2.x Central) */
const ID_TOKEN_TYPE: Record<OcpiToken['type'], IdTokenType> = {
  RFID: 'ISO14443',
  APP_USER: 'Central',
  AD_HOC_USER: 'Central',
  OTHER: 'Central',
};

/**
 * The token registry's commands that make its token say what the eMSP's says: issued (to the
 * default tenant) if new, blocked while not valid, its group as the parent tag. Each is a no-op
 * when the registry says so already.
 */
export function registryCommandsFor(token: OcpiToken, current: Token | undefined): TokenCommand[] {
  if (!current) {
    return [
      {
        type: 'IssueToken',
        idTag: token.uid,
        tokenType: ID_TOKEN_TYPE[token.type],
        ...(token.group_id ? { parentIdTag: token.group_id } : {}),
        ...(token.valid ? {} : { blocked: true }),
      },
    ];
  }
  const commands: TokenCommand[] = [];
  if (token.valid === current.blocked)
    commands.push(
      token.valid ? { type: 'UnblockToken' } : { type: 'BlockToken', reason: 'not valid at its eMSP' },
    );
  if ((token.group_id ?? null) !== (current.parentIdTag ?? null))
    commands.push({ type: 'SetTokenParent', parentIdTag: token.group_id ?? null });
  return commands;
}
