import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOMAIN_EVENT_TYPES } from '../../src/domain/domainEvents.js';
import { commandsOf } from '../../src/ocpp/commands/outboundCommands.js';
import { inbound16 } from '../../src/ocpp/v16/inbound16.js';
import { inbound201 } from '../../src/ocpp/v201/inbound201.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of the table under a README heading: each row's cells. */
function tableUnder(heading: string): string[][] {
  const start = README.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no ${heading}`);
  const rest = README.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{2,3} /));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| message') && !line.startsWith('|---'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
}

/** OCPP's own words the tables quote (status values, error codes): not events of ours */
const OCPP_WORDS: ReadonlySet<string> = new Set(['UnknownVendorId', 'SecurityError']);

const SECTIONS = [
  { heading: '### 1.6, charger → CSMS', actions: Object.keys(inbound16) },
  { heading: '### 1.6, CSMS → charger', actions: commandsOf('1.6') },
  { heading: '### 2.0.1, charger → CSMS', actions: Object.keys(inbound201) },
  { heading: '### 2.0.1, CSMS → charger', actions: commandsOf('2.0.1') },
];

describe("the README's table of OCPP messages", () => {
  it.each(SECTIONS)('$heading lists exactly the messages the code handles', ({ heading, actions }) => {
    expect(tableUnder(heading).map(([message]) => message)).toEqual([...actions].sort());
  });

  it('names only events that exist', () => {
    const named = SECTIONS.flatMap(({ heading }) =>
      tableUnder(heading).flatMap(
        (cells) =>
          cells
            .slice(1)
            .join(' ')
            .match(/`[A-Z][A-Za-z]+`/g) ?? [],
      ),
    ).map((quoted) => quoted.slice(1, -1));
    const notEvents = named.filter((name) => !DOMAIN_EVENT_TYPES.has(name) && !OCPP_WORDS.has(name));
    expect(notEvents).toEqual([]);
  });
});
