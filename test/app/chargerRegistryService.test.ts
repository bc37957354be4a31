import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChargerRegistryService } from '../../src/app/chargerRegistryService.js';
import { RegistryRefusal } from '../../src/domain/charger/registry/chargerRegistry.js';
import { PostgresEventStore } from '../../src/store/postgres/postgresEventStore.js';
import { databaseUrl, dropSchema, freshSchemaName } from '../support/database.js';

let schema: string;
let stores: PostgresEventStore[];
const at = new Date('2026-11-22T10:00:00.000Z');

beforeAll(async () => {
  schema = freshSchemaName('registry');
  // two stores: two nodes, each with its own group commit and revision cache
  stores = await Promise.all(
    [1, 2].map(() => PostgresEventStore.open({ connectionString: databaseUrl(), schema })),
  );
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await dropSchema(schema);
});

describe('charger registry service', () => {
  it('of two nodes registering the same identity at once, one registers and the other is refused', async () => {
    const [a, b] = stores.map((store) => new ChargerRegistryService(store, () => at));
    const outcomes = await Promise.allSettled([
      a!.execute('TWICE', { type: 'RegisterCharger', identity: 'TWICE', securityProfile: 0 }),
      b!.execute('TWICE', { type: 'RegisterCharger', identity: 'TWICE', securityProfile: 0 }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(RegistryRefusal);
    expect(refused.reason.code).toBe('already_registered');
    const events = await stores[0]!.readStream('charger-TWICE');
    expect(events.map((e) => e.type)).toEqual(['ChargerRegistered']);
    expect(events[0]!.metadata).toEqual({ receivedAt: at.toISOString() });
  });

  it('concurrent commands on one charger are each decided against the other (reload and decide again)', async () => {
    const [a, b] = stores.map((store) => new ChargerRegistryService(store, () => at));
    await a!.execute('BUSY', { type: 'RegisterCharger', identity: 'BUSY', securityProfile: 0 });
    await Promise.all([
      a!.execute('BUSY', { type: 'ApproveCharger' }),
      b!.execute('BUSY', { type: 'BlockCharger' }),
    ]);
    const { registration } = await a!.load('BUSY');
    const types = (await stores[0]!.readStream('charger-BUSY')).map((e) => e.type);
    expect(types.slice(0, 1)).toEqual(['ChargerRegistered']);
    expect(types.slice(1).sort()).toEqual(['ChargerApproved', 'ChargerBlocked']);
    // in either order the charger ends blocked, approved underneath
    expect(registration).toMatchObject({ status: 'blocked', statusBeforeBlock: 'approved' });
  });
});
