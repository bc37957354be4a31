/**
 * The fleet-wide lock that keeps a tag in one transaction at a time: which charger's
 * transaction holds it, and the start that took it (so a retried start finds its own lock).
 */
export interface TokenLock {
  chargerId: string;
  transactionKey: string;
  evseId: number;
  connectorId: number;
  meterStartWh: number;
  chargerTime: string;
  /** server time the lock was taken (a lock too old to be a real session no longer holds) */
  lockedAt?: string;
}

/**
 * How a charger identifies a token (OCPP 2.x IdTokenEnumType): an RFID card's UID (ISO14443,
 * ISO15693), a contract id (eMAID), one made centrally (Central), a PIN (KeyCode), one the charger
 * made (Local), the EV's MAC address (MacAddress), or none (NoAuthorization).
 */
export type IdTokenType =
  | 'Central'
  | 'eMAID'
  | 'ISO14443'
  | 'ISO15693'
  | 'KeyCode'
  | 'Local'
  | 'MacAddress'
  | 'NoAuthorization';

export const ID_TOKEN_TYPES: readonly IdTokenType[] = [
  'Central',
  'eMAID',
  'ISO14443',
  'ISO15693',
  'KeyCode',
  'Local',
  'MacAddress',
  'NoAuthorization',
];

/** A token's lifecycle in its stream, idtag-{normalised tag}, and the lock of its transaction. */
export type TokenEvent =
  | {
      type: 'TokenIssued';
      data: {
        idTag: string;
        tenant: string;
        /** how chargers identify it (2.x); absent: any way (1.6 names no type) */
        tokenType?: IdTokenType;
        expiryDate?: string;
        /** its group: 1.6 parentIdTag, 2.x groupIdToken */
        parentIdTag?: string;
      };
    }
  | { type: 'TokenBlocked'; data: { reason?: string } }
  | { type: 'TokenUnblocked'; data: Record<string, never> }
  | { type: 'TokenExpirySet'; data: { expiryDate: string | null } }
  | { type: 'TokenParentSet'; data: { parentIdTag: string | null } }
  | { type: 'TokenLocked'; data: TokenLock }
  | { type: 'TokenReleased'; data: { chargerId: string; transactionKey: string } };

export const TOKEN_EVENT_TYPES: ReadonlySet<string> = new Set<TokenEvent['type']>([
  'TokenIssued',
  'TokenBlocked',
  'TokenUnblocked',
  'TokenExpirySet',
  'TokenParentSet',
  'TokenLocked',
  'TokenReleased',
]);
