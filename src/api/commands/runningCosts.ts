import type pg from 'pg';
import { withMeters } from '../../../projections/sessions/sessionEvents.js';
import { sessionRecordOfRow } from '../../../projections/sessions/sessionRow.js';
import { PeriodicSweep } from '../../app/periodicSweep.js';
import { costToShow, type SessionPricer } from '../../app/sessionPricer.js';
import { canTake, runningCostSwitch } from '../../ocpp/commands/outboundCommands.js';
import type { ChargerCommandService } from './chargerCommandService.js';

/** how many chargers one node tells at the same time */
const PARALLEL = 4;

/**
 * The running cost of every session under way, sent now and then to the chargers that show it
 * to their driver (issue 17; 2.x CostUpdated, to chargers whose device model says
 * TariffCostCtrlr.Enabled[Cost] is true): each node tells the chargers connected to it, the cost
 * priced as the session's CDR will be. What is shown is for the driver's eyes only, so the
 * sessions come from the read model; a cost a moment behind the log is shown a moment later.
 */
export class RunningCosts extends PeriodicSweep {
  constructor(
    private readonly options: {
      pool: pg.Pool;
      commands: ChargerCommandService;
      pricer: SessionPricer;
      /** the chargers connected to this node */
      connected(): Array<{ identity: string; version: string }>;
      intervalMs: number;
      timeoutMs: number;
      clock: () => Date;
      logger: { warn(detail: object, message?: string): void };
    },
  ) {
    super({ intervalMs: options.intervalMs, logger: options.logger, what: 'send running costs' });
  }

  /** Tells each charger that shows it the cost of each of its sessions under way; resolves with how many were told. */
  protected async sweepOnce(): Promise<number> {
    const { pool, pricer, clock } = this.options;
    const byVersion = new Map<string, string[]>();
    for (const { identity, version } of this.options.connected()) {
      if (!canTake(version, 'ShowRunningCost') || !runningCostSwitch(version)) continue;
      const identities = byVersion.get(version) ?? [];
      identities.push(identity);
      byVersion.set(version, identities);
    }
    const due: Array<{ chargerId: string; transactionKey: string; totalCost: number }> = [];
    for (const [version, identities] of byVersion) {
      const variable = runningCostSwitch(version)!;
      const { rows: active } = await pool.query(
        `SELECT s.* FROM sessions s
           JOIN device_variables v ON v.charger_id = s.charger_id
          WHERE s.status = 'active' AND s.charger_id = ANY($1)
            AND v.component = $2 AND v.component_instance = $3 AND v.variable = $4
            AND v.variable_instance = $5 AND lower(v.attributes -> 'Actual' ->> 'value') = 'true'`,
        [
          identities,
          variable.component,
          variable.componentInstance ?? '',
          variable.variable,
          variable.variableInstance ?? '',
        ],
      );
      const rows = await withMeters(pool, active);
      const prices = await pricer.pricesOf(rows.map(sessionRecordOfRow), clock().getTime());
      rows.forEach((row, index) => {
        const totalCost = costToShow(prices[index]);
        if (totalCost !== undefined)
          due.push({ chargerId: row.charger_id, transactionKey: row.transaction_key, totalCost });
      });
    }
    let told = 0;
    const worker = async () => {
      for (let next = due.shift(); next; next = due.shift()) {
        const sent = await this.options.commands
          .sendCommand(
            next.chargerId,
            { kind: 'ShowRunningCost', transactionKey: next.transactionKey, totalCost: next.totalCost },
            this.options.timeoutMs,
            { actor: 'running-costs' },
          )
          .catch((error: Error) => {
            this.options.logger.warn(
              { err: error, identity: next.chargerId },
              'could not send a running cost',
            );
            return undefined;
          });
        if (sent && 'outcome' in sent) told++;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    return told;
  }
}
