// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * idTags are opaque (ocpp-reference §2.2): no format is assumed. Chargers send them with a
 * leading NUL byte or other control characters (quirk §7.4) and in any case (§7.15), so a tag
 * is compared by its normal form: printable characters only, trimmed, upper case.
 */
export function normaliseIdTag(raw: string): string {
  return raw.replace(CONTROL_CHARACTERS, '').trim().toUpperCase();
}

/**
 * Text from a charger shown as it was sent, but with control characters written as visible
 * \uXXXX escapes: the log cannot hold U+0000, and the exact bytes are in the recorded frame.
 */
export function visible(raw: string): string {
  return raw.replace(
    CONTROL_CHARACTERS,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The stream of a token, by its normal form. */
export const tokenStream = (raw: string) => `idtag-${normaliseIdTag(raw)}`;
