import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCHEMA_ROOT = fileURLToPath(new URL('../../schemas/ocpi/2.2.1/', import.meta.url));

type Schema = Record<string, unknown>;

/** A schema with its local `#/definitions/…` references replaced by what they name (none are recursive). */
function inlined(schema: Schema): Schema {
  const definitions = (schema.definitions ?? {}) as Record<string, Schema>;
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (node === null || typeof node !== 'object') return node;
    const { $ref, ...rest } = node as Schema;
    if (typeof $ref === 'string' && $ref.startsWith('#/definitions/'))
      return resolve(definitions[$ref.slice('#/definitions/'.length)]);
    return Object.fromEntries(
      Object.entries(rest)
        .filter(([key]) => key !== 'definitions' && key !== '$schema' && key !== '$id')
        .map(([key, value]) => [key, resolve(value)]),
    );
  };
  return resolve(schema) as Schema;
}

/**
 * The OCPI 2.2.1 object definitions Ampledger speaks, written from the specification as data
 * (schemas/ocpi/2.2.1): validated against in tests, and the source of the API's tariff bodies.
 */
export type OcpiSchemaName =
  | 'Tariff'
  | 'Credentials'
  | 'Versions'
  | 'VersionDetails'
  | 'Token'
  | 'Location'
  | 'CDR'
  | 'Session';

export function ocpiSchema(name: OcpiSchemaName): Schema {
  return JSON.parse(readFileSync(`${SCHEMA_ROOT}${name}.json`, 'utf8')) as Schema;
}

/** The same, self-contained (for an API route's schema). */
export const ocpiSchemaInlined = (name: OcpiSchemaName): Schema => inlined(ocpiSchema(name));
