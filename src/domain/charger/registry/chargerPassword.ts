import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/** How a charger's password is kept: never the password, only a salted scrypt hash. */
export interface PasswordHash {
  algorithm: 'scrypt';
  /** base64 */
  salt: string;
  /** base64 */
  hash: string;
  cost: number;
  /**
   * The password is an OCPP 1.6 AuthorizationKey written as hex: the charger may present the
   * decoded bytes or the hex text (EVerest/EVerest#2034), so both are accepted.
   */
  hex: boolean;
}

const COST = 2 ** 14;
const KEY_LENGTH = 32;
const HEX_KEY = /^(?:[0-9a-fA-F]{2}){16,20}$/;

const derive = (secret: Buffer, salt: Buffer, cost: number) =>
  scryptSync(secret, salt, KEY_LENGTH, { N: cost, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });

export function hashPassword(password: string, salt: Buffer = randomBytes(16)): PasswordHash {
  const hex = HEX_KEY.test(password);
  // a hex key is hashed in one canonical form: lower-case hex text
  const secret = Buffer.from(hex ? password.toLowerCase() : password, 'utf8');
  return {
    algorithm: 'scrypt',
    salt: salt.toString('base64'),
    hash: derive(secret, salt, COST).toString('base64'),
    cost: COST,
    hex,
  };
}

/** Compares a presented password (the raw bytes of Basic auth) with the hash, in constant time. */
export function verifyPassword(presented: Buffer, stored: PasswordHash): boolean {
  const salt = Buffer.from(stored.salt, 'base64');
  const expected = Buffer.from(stored.hash, 'base64');
  const candidates = [presented];
  if (stored.hex) {
    candidates.push(Buffer.from(presented.toString('hex'), 'utf8')); // raw key bytes, as hex text
    const text = presented.toString('latin1');
    if (HEX_KEY.test(text)) candidates.push(Buffer.from(text.toLowerCase(), 'utf8')); // hex text in another case
  }
  let match = false;
  for (const candidate of candidates) {
    // every candidate is derived and compared, so timing does not tell which one matched
    if (timingSafeEqual(derive(candidate, salt, stored.cost), expected)) match = true;
  }
  return match;
}

/** OCPP's rules for a password the CSMS sets: 1.6 AuthorizationKey 16–20 bytes, 2.x 16–40 characters. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < 16 || password.length > 40) return 'a charger password has 16 to 40 characters';
  if (!/^[\x21-\x7e]+$/.test(password)) return 'a charger password has printable ASCII characters only';
  return undefined;
}
