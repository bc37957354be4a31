import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_SCHEMA_DIR, eventSchemaFiles } from '../../scripts/build/eventSchemas.js';
import { SCHEMA_VERSIONS } from '../../src/domain/domainEvents.js';
import { EventSchemas } from '../../src/events/eventSchemas.js';
import { upcastersOf } from '../../src/events/upcasters.js';
import { SchemaRegistry } from '../../src/ocpp/rpc/schemaRegistry.js';
import { InvalidAppend } from '../../src/store/errors.js';
import type { Checkpoint, RecordedEvent } from '../../src/store/eventStore.js';
import { InMemoryEventStore } from '../../src/store/memory/inMemoryEventStore.js';
import { validatingEventStore } from '../../src/store/validation/validatingEventStore.js';
import type { FixtureEvent } from '../support/fixtureLog.js';

const schemas = EventSchemas.load();

describe('our events’ schemas (schemas/events/)', () => {
  it('are what the event types say: regenerated, they equal the committed files', { timeout: 60_000 }, () => {
    const generated = eventSchemaFiles();
    const committed = readdirSync(EVENT_SCHEMA_DIR).filter((name) => name.endsWith('.json'));
    expect(committed.sort()).toEqual([...generated.keys()].sort());
    for (const [name, content] of generated)
      expect({ name, content: readFileSync(join(EVENT_SCHEMA_DIR, name), 'utf8') }).toEqual({
        name,
        content,
      });
  });

  it('cover every event type at the version it is written with now', () => {
    for (const [type, version] of Object.entries(SCHEMA_VERSIONS))
      expect(schemas.problem(type, version, {}) ?? '', type).not.toMatch(/^no schema/);
  });

  it('hold every event of each committed log, as today’s code reads it', () => {
    const upcast = upcastersOf(SchemaRegistry.load());
    for (const generation of ['v1']) {
      const events = JSON.parse(
        readFileSync(new URL(`../fixtures/eventLog/${generation}/events.json`, import.meta.url), 'utf8'),
      ) as FixtureEvent[];
      const problems = events
        .map((event, index) =>
          upcast({
            ...event,
            revision: 0n,
            position: String(index) as Checkpoint,
            recordedAt: new Date(event.recordedAt),
          } satisfies RecordedEvent),
        )
        .map((event) => schemas.problem(event.type, event.schemaVersion, event.data))
        .filter(Boolean);
      expect({ generation, problems }).toEqual({ generation, problems: [] });
    }
  });
});

describe('a store that holds writers to the schemas', () => {
  const store = validatingEventStore(new InMemoryEventStore(), schemas);

  it('writes an event with its type’s current version', async () => {
    await store.append('idtag-A', [{ type: 'TokenIssued', data: { idTag: 'A', tenant: 'default' } }], {
      expectedRevision: 'no_stream',
    });
    const [event] = await store.readStream('idtag-A');
    expect(event).toMatchObject({ type: 'TokenIssued', schemaVersion: SCHEMA_VERSIONS.TokenIssued });
  });

  it('refuses, before anything is written, an event its schema does not accept, or of no known type', async () => {
    const bad = store.append(
      'idtag-B',
      [
        { type: 'TokenIssued', data: { idTag: 'B', tenant: 'default' } },
        { type: 'TokenBlocked', data: { reason: 42 } },
      ],
      { expectedRevision: 'no_stream' },
    );
    await expect(bad).rejects.toThrow(InvalidAppend);
    await expect(bad).rejects.toThrow(/event 1: TokenBlocked v1 data\/reason must be string/);
    await expect(store.readStream('idtag-B')).rejects.toThrow(/not found/);
    await expect(
      store.append('idtag-C', [{ type: 'TokenMislaid', data: {} }], { expectedRevision: 'any' }),
    ).rejects.toThrow(/no schema for TokenMislaid version 1/);
  });
});
