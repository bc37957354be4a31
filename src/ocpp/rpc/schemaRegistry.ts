import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' };
import addFormats from 'ajv-formats';
import type { OcppVersion } from '../versions.js';

export type Direction = 'request' | 'response';

export interface SchemaValidation {
  ok: boolean;
  errors: ErrorObject[];
}

const VALID: SchemaValidation = Object.freeze({ ok: true, errors: [] as ErrorObject[] });

const SCHEMA_ROOT = fileURLToPath(new URL('../../../schemas/ocpp/', import.meta.url));

/**
 * 1.6 says receivers accept ISO 8601 with fractions and offsets; chargers also send times with
 * no offset (their local clock) or "+02". Those are accepted here and judged by the clock
 * policies from the raw text. 2.x requires RFC 3339, checked strictly.
 */
const LENIENT_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$/;

const INT32 = { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 };

/**
 * Every integer of a schema bounded to 32 bits, as OCPP's integer datatype is (2.x Part 2,
 * primitive datatypes; 1.6 names no width, and nothing a charger counts needs more). The vendored
 * files leave them open: a connectorId of 2^60 passed, was recorded, and stopped a read model whose
 * column is an integer (found by `npm run fuzz`).
 */
function boundIntegers(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) boundIntegers(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  const type = schema.type;
  if (type === 'integer' || (Array.isArray(type) && type.includes('integer'))) {
    if (typeof schema.minimum !== 'number' || schema.minimum < INT32.minimum) schema.minimum = INT32.minimum;
    if (typeof schema.maximum !== 'number' || schema.maximum > INT32.maximum) schema.maximum = INT32.maximum;
  }
  for (const value of Object.values(schema)) boundIntegers(value);
}

/**
 * Every OCPP JSON schema, compiled once at start-up from the files vendored verbatim under
 * schemas/ocpp (see its README). Adjustments happen here, at load time: the dialect keyword and
 * the ids are dropped (draft-04 and draft-06 files share one Ajv per version; files are keyed by
 * name), unknown keywords such as javaType are ignored, and integers are bounded to 32 bits.
 */
export class SchemaRegistry {
  private readonly validators = new Map<
    OcppVersion,
    Map<string, Partial<Record<Direction, ValidateFunction>>>
  >();
  private readonly actions = new Map<OcppVersion, Set<string>>();

  static load(versions: readonly OcppVersion[] = ['1.6', '2.0.1', '2.1']): SchemaRegistry {
    const registry = new SchemaRegistry();
    for (const version of versions) registry.loadVersion(version);
    return registry;
  }

  private loadVersion(version: OcppVersion): void {
    const ajv = new Ajv({ strict: false, allErrors: true, multipleOfPrecision: 6, validateSchema: false });
    ajv.addMetaSchema(draft06);
    addFormats.default(ajv, ['uri', 'date-time']);
    if (version === '1.6') ajv.addFormat('date-time', LENIENT_DATE_TIME);
    const actions = new Set<string>();
    const validators = new Map<string, Partial<Record<Direction, ValidateFunction>>>();
    this.validators.set(version, validators);
    const folder = join(SCHEMA_ROOT, version);
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(join(folder, file), 'utf8')) as Record<string, unknown>;
      delete schema.$schema;
      delete schema.$id;
      delete schema.id;
      boundIntegers(schema);
      const name = file.replace(/\.json$/, '');
      const { action, direction } = parseSchemaName(version, name);
      actions.add(action);
      validators.set(action, { ...validators.get(action), [direction]: ajv.compile(schema) });
    }
    this.actions.set(version, actions);
  }

  /** Whether the version defines this action at all (in either direction). */
  knows(version: OcppVersion, action: string): boolean {
    return this.actions.get(version)?.has(action) ?? false;
  }

  actionsOf(version: OcppVersion): string[] {
    return [...(this.actions.get(version) ?? [])].sort();
  }

  validate(version: OcppVersion, action: string, direction: Direction, payload: unknown): SchemaValidation {
    const validator = this.validators.get(version)?.get(action)?.[direction];
    if (!validator) throw new Error(`no ${direction} schema for ${action} in OCPP ${version}`);
    return validator(payload) ? VALID : { ok: false, errors: [...(validator.errors ?? [])] };
  }
}

/** 1.6 names files Action / ActionResponse; 2.x names them ActionRequest / ActionResponse. */
function parseSchemaName(version: OcppVersion, name: string): { action: string; direction: Direction } {
  if (name.endsWith('Response')) return { action: name.slice(0, -'Response'.length), direction: 'response' };
  if (version !== '1.6' && name.endsWith('Request')) {
    return { action: name.slice(0, -'Request'.length), direction: 'request' };
  }
  return { action: name, direction: 'request' };
}
