import type pg from 'pg';
import type { Registration } from '../../src/domain/chargers/chargerRegistry.js';

/** The read side of charger_registry. */
export class ChargerRegistryQueries {
  constructor(private readonly pool: pg.Pool) {}

  async find(identity: string): Promise<Registration | undefined> {
    const { rows } = await this.pool.query<{
      identity: string;
      tenant: string;
      status: Registration['status'];
      security_profile: Registration['securityProfile'];
      password: Registration['password'] | null;
      ocpp_version: string | null;
    }>(
      'SELECT identity, tenant, status, security_profile, password, ocpp_version FROM charger_registry WHERE identity = $1',
      [identity],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      identity: row.identity,
      tenant: row.tenant,
      status: row.status,
      securityProfile: row.security_profile,
      ...(row.password ? { password: row.password } : {}),
      ...(row.ocpp_version ? { ocppVersion: row.ocpp_version } : {}),
    };
  }
}
