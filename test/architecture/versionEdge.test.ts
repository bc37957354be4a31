import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * ARCHITECTURE §1 rule 2: `src/ocpp/` is the only code that knows OCPP versions exist. A file
 * elsewhere that names a version or reads a version's own field names fails this test, unless
 * the allow-list below says why it may (and each entry must still be needed: a fixed file
 * leaves the list).
 */
const VERSION_WORDS: Array<[RegExp, string]> = [
  [/\bidToken\b/, 'idToken (2.x)'],
  [/\bidTagInfo\b/, 'idTagInfo (1.6)'],
  [/\bidTokenInfo\b/, 'idTokenInfo (2.x)'],
  [/\bcsChargingProfiles\b/, 'csChargingProfiles (1.6)'],
  [/\bexpiryDateTime\b/, 'expiryDateTime (2.x)'],
  [/\blocalAuthorizationList\b/, 'localAuthorizationList (SendLocalList)'],
  [/\bgroupIdToken\b/, 'groupIdToken (2.x)'],
  [/\bcacheExpiryDateTime\b/, 'cacheExpiryDateTime (2.x)'],
  [/\bretrieveDateTime\b/, 'retrieveDateTime (2.x)'],
  [/\bchargingProfileCriteria\b/, 'chargingProfileCriteria (2.x)'],
  [/\bversionNumber\b/, 'versionNumber (2.x)'],
  [/['"`](?:ocpp)?(?:1\.6|2\.0\.1|2\.1|2\.x)['"`]/, 'a version name'],
];

/** Files outside src/ocpp that may name versions for now, and why. */
const ALLOWED: Record<string, string> = {
  // the documented API's local-list view names each entry's grant idTagInfo (ARCHITECTURE §8):
  // our word there, shown to operators, not a payload being read
  'src/api/routes/localListRoutes.ts': "the API's local-list view (ARCHITECTURE §8)",
  // the documented command route takes the OCPP payload of the charger's version (ARCHITECTURE §8),
  // so the console's forms for it are version-shaped by contract
  'src/console/components/CommandsPanel.tsx':
    "forms for POST /api/chargers/{id}/commands/{Action}, the charger's version's payloads",
};

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** What each file outside the version edge says of versions, comments left out. */
function leaks(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of [...sourceFiles('src'), ...sourceFiles('projections')]) {
    if (file.startsWith(join('src', 'ocpp'))) continue;
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    const words = VERSION_WORDS.filter(([pattern]) => pattern.test(code)).map(([, word]) => word);
    if (words.length > 0) found.set(file, words);
  }
  return found;
}

describe('one place knows OCPP versions (ARCHITECTURE §1 rule 2)', () => {
  const found = leaks();
  it('no file outside src/ocpp names a version or a version-specific field, but those allowed', () => {
    const unexplained = [...found]
      .filter(([file]) => !(file in ALLOWED))
      .map(([file, words]) => `${file}: ${words.join(', ')}`);
    expect(unexplained).toEqual([]);
  });
  it('every allowed file still needs it (a fixed file leaves the list)', () => {
    expect(Object.keys(ALLOWED).filter((file) => !found.has(file))).toEqual([]);
  });
});
