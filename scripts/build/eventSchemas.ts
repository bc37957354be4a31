import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { SCHEMA_VERSIONS } from '../../src/domain/domainEvents.js';

/**
 * The JSON schemas of our own events, generated from their TypeScript types (the one source of
 * both): one file per event type and schema version under schemas/events/, the current version
 * from the DomainEvent union, older versions from the types kept for their upcasters. A test
 * fails when the committed files and the types disagree; `npm run schemas` writes them anew.
 */
export const EVENT_SCHEMA_DIR = join(process.cwd(), 'schemas', 'events');

/** Older versions of a type's data that logs still hold: the type that describes each. */
const HISTORIC: Array<{ type: string; version: number; path: string; typeName: string }> = [
  {
    type: 'CommandCompleted',
    version: 1,
    path: 'src/domain/charger/commands/commandRecords.ts',
    typeName: 'CommandCompletedV1',
  },
];

type Schema = Record<string, unknown> & {
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  definitions?: Record<string, Schema>;
};

const generate = (path: string, typeName: string): Schema =>
  createGenerator({
    path,
    tsconfig: 'tsconfig.json',
    type: typeName,
    expose: 'none',
    topRef: false,
    skipTypeCheck: true,
    // a field a newer writer added is not an error for an older reader
    additionalProperties: true,
    sortProps: true,
  }).createSchema(typeName) as Schema;

/** The members of a union, nested unions flattened. */
const membersOf = (schema: Schema): Schema[] => (schema.anyOf ? schema.anyOf.flatMap(membersOf) : [schema]);

/** The definitions a schema refers to, so that each file stands alone. */
function withDefinitions(schema: Schema, definitions: Record<string, Schema> | undefined): Schema {
  const text = JSON.stringify(schema);
  const used = Object.entries(definitions ?? {}).filter(([name]) =>
    text.includes(`"#/definitions/${encodeURIComponent(name)}"`),
  );
  return used.length > 0 ? { ...schema, definitions: Object.fromEntries(used) } : schema;
}

const fileOf = (type: string, version: number) => `${type}.v${version}.json`;

function fileContent(type: string, version: number, data: Schema): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://ampledger.dev/schemas/events/${fileOf(type, version)}`,
    title: `${type}, schema version ${version}: its data`,
    ...data,
  };
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** Every schema file there should be, by file name. */
export function eventSchemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  const union = generate('src/domain/domainEvents.ts', 'DomainEvent');
  for (const member of membersOf(union)) {
    const type = member.properties?.type?.const as keyof typeof SCHEMA_VERSIONS | undefined;
    const data = member.properties?.data;
    if (!type || !data)
      throw new Error(`a DomainEvent member without a type or data: ${JSON.stringify(member)}`);
    const version = SCHEMA_VERSIONS[type];
    files.set(fileOf(type, version), fileContent(type, version, withDefinitions(data, union.definitions)));
  }
  for (const { type, version, path, typeName } of HISTORIC) {
    const schema = generate(path, typeName);
    const { definitions, ...data } = schema;
    files.set(fileOf(type, version), fileContent(type, version, withDefinitions(data, definitions)));
  }
  return files;
}

async function main() {
  const files = eventSchemaFiles();
  await mkdir(EVENT_SCHEMA_DIR, { recursive: true });
  for (const stale of (await readdir(EVENT_SCHEMA_DIR)).filter((name) => !files.has(name)))
    await rm(join(EVENT_SCHEMA_DIR, stale));
  for (const [name, content] of files) await writeFile(join(EVENT_SCHEMA_DIR, name), content);
  console.log(`${files.size} event schemas written to schemas/events/`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
