/**
 * Where 1.6 transaction ids come from: positive 32-bit integers, unique across the fleet,
 * never 0 (ocpp-reference §2.3, §7.6). The domain keeps them as strings (its transaction keys).
 */
export interface TransactionIdIssuer {
  next(): Promise<number>;
}

export const MAX_TRANSACTION_ID = 2_147_483_647;
