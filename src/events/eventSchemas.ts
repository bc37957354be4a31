import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { DOMAIN_EVENT_TYPES, type DomainEventType, SCHEMA_VERSIONS } from '../domain/domainEvents.js';

const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/events/', import.meta.url));

/**
 * Records in the log that are not domain events, and why they need no schema of their own: a
 * snapshot is a cache of a charger's state, versioned by CHARGER_STATE_VERSION and thrown away
 * when the version does not match.
 */
const NOT_DOMAIN_EVENTS = new Set(['ChargerStateSnapshot']);

/**
 * Our own events' schemas (schemas/events/, generated from their types), compiled once: every
 * event is checked against its type's schema before it is written, so the log holds no event
 * that today's readers, or an upcaster tomorrow, would misread.
 */
export class EventSchemas {
  private readonly validators = new Map<string, ValidateFunction>();

  static load(directory = SCHEMA_DIR): EventSchemas {
    const schemas = new EventSchemas();
    const ajv = new Ajv({ strict: false, allErrors: false });
    for (const file of readdirSync(directory).filter((name) => name.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(join(directory, file), 'utf8')) as Record<string, unknown>;
      delete schema.$schema;
      schemas.validators.set(file.replace(/\.json$/, ''), ajv.compile(schema));
    }
    return schemas;
  }

  /** The version an event of this type is written with now (undefined: not one of ours). */
  currentVersion(type: string): number | undefined {
    return DOMAIN_EVENT_TYPES.has(type) ? SCHEMA_VERSIONS[type as DomainEventType] : undefined;
  }

  /** Why this data is not an event of the type at the version, or undefined when it is. */
  problem(type: string, version: number, data: unknown): string | undefined {
    if (NOT_DOMAIN_EVENTS.has(type)) return undefined;
    const validate = this.validators.get(`${type}.v${version}`);
    if (!validate) return `no schema for ${type} version ${version} (schemas/events/)`;
    if (validate(data)) return undefined;
    const [error] = validate.errors ?? [];
    return `${type} v${version} data${error?.instancePath ?? ''} ${error?.message ?? 'is invalid'}`;
  }
}
