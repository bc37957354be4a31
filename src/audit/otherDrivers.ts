import { normaliseIdTag } from '../policies/idTag.js';

/**
 * the fields our events and the decider's state name a driver's token by (our words, whatever the
 * charger's version; the frames, which use their version's words, are left out of other drivers'
 * calls)
 */
const TOKEN_FIELDS = new Set(['idTag', 'normalisedIdTag', 'parentIdTag']);
export const REDACTED_TOKEN = 'redacted';

/**
 * `value` with every token that is not one of `own` replaced by REDACTED_TOKEN: a session's export
 * shows the charger's other transactions (its decisions were made beside them) without naming
 * their drivers. A token equal to one of the session's own stays, so every comparison the
 * session's own decisions make (the same tag in another transaction) comes out as it did.
 */
export function withOtherDriversRedacted<T>(value: T, own: ReadonlySet<string>): T {
  return redacted(value, own) as T;
}

function redacted(value: unknown, own: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => redacted(item, own));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] =
      TOKEN_FIELDS.has(key) && typeof field === 'string'
        ? field === '' || own.has(normaliseIdTag(field))
          ? field
          : REDACTED_TOKEN
        : redacted(field, own);
  }
  return copy;
}
