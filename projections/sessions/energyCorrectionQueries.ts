import type pg from 'pg';
import type { PendingEnergyCorrection } from '../../src/app/energyCorrections.js';
import type { EnergyCorrection } from '../../src/domain/charger/transactions/transactionEvents.js';

/** Sessions whose energy today's policy reads differently, with no correction in the log yet. */
export async function pendingEnergyCorrections(
  pool: pg.Pool,
  limit = 500,
): Promise<PendingEnergyCorrection[]> {
  const { rows } = await pool.query<{
    charger_id: string;
    transaction_key: string;
    tenant: string;
    energy_correction: EnergyCorrection;
  }>(
    `SELECT charger_id, transaction_key, tenant, energy_correction FROM sessions
     WHERE energy_correction IS NOT NULL ORDER BY id LIMIT $1`,
    [limit],
  );
  return rows.map((row) => ({
    chargerId: row.charger_id,
    transactionKey: row.transaction_key,
    tenant: row.tenant,
    ...row.energy_correction,
  }));
}
