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
  [/['"`](?:ocpp)?(?:1\.6|2\.0\.1|2\.1|2\.x)['"`]/, 'a version name'],
];

/** Files outside src/ocpp that may name versions for now, and why. */
const ALLOWED: Record<string, string> = {
  // issue 15 §1 moves each of these behind the version edge (typed command outcomes):
  'projections/chargingProfiles/chargingProfilesProjector.ts':
    'reads SetChargingProfile payloads (issue 15 §1)',
  'projections/localLists/localListsProjector.ts': 'reads SendLocalList payloads (issue 15 §1)',
  'projections/reservations/reservationsProjector.ts': 'reads ReserveNow payloads (issue 15 §1)',
  'src/api/commands/chargerCommandService.ts': 'builds version-shaped payloads (issue 15 §1)',
  'src/api/commands/fileCommands.ts': 'builds UpdateFirmware / GetDiagnostics payloads (issue 15 §1)',
  'src/api/commands/localListSync.ts': 'builds SendLocalList payloads (issue 15 §1)',
  'src/api/routes/localListRoutes.ts': 'refuses local lists to 2.x chargers (issue 15 §1)',
  'src/domain/commands/chargerCommands.ts': 'the commands of each version (issue 15 §1)',
  'src/domain/localLists/localListPlan.ts': 'the 1.6 local list entry shape (issue 15 §1)',
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
