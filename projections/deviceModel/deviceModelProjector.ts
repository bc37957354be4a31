import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import type { DeviceVariableRef } from '../../src/domain/charger/deviceModel/deviceModelEvents.js';
import { chargerIdOf, receivedAtOf } from '../../src/domain/eventMetadata.js';
import { loadMigrations } from '../../src/store/postgres/migrate.js';
import { eachEvent, type Projector } from '../projector.js';

const MIGRATIONS = fileURLToPath(new URL('./migrations/', import.meta.url));

const keyOf = (chargerId: string, ref: DeviceVariableRef) => [
  chargerId,
  ref.component,
  ref.componentInstance ?? '',
  ref.evseId ?? 0,
  ref.connectorId ?? 0,
  ref.variable,
  ref.variableInstance ?? '',
];

const KEY_COLUMNS =
  'charger_id, component, component_instance, evse_id, connector_id, variable, variable_instance';

/** One attribute's value of a variable is now `value` (and, from NotifyEvent, the event that told it). */
async function setAttributeValue(
  tx: pg.PoolClient,
  key: unknown[],
  change: { attributeType: string; value: string; at: string; event?: object },
): Promise<void> {
  await tx.query(
    `INSERT INTO device_variables (${KEY_COLUMNS}, attributes, last_event, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, jsonb_build_object($8::text, jsonb_build_object('value', $9::text)), $10, $11)
     ON CONFLICT (${KEY_COLUMNS}) DO UPDATE SET
       attributes = device_variables.attributes || jsonb_build_object($8::text,
         coalesce(device_variables.attributes -> $8::text, '{}'::jsonb) || jsonb_build_object('value', $9::text)),
       last_event = coalesce(EXCLUDED.last_event, device_variables.last_event),
       changed_at = EXCLUDED.changed_at`,
    [
      ...key,
      change.attributeType,
      change.value,
      change.event ? JSON.stringify(change.event) : null,
      change.at,
    ],
  );
}

/**
 * Each charger's device model, as its reports leave it (a report adds and updates variables; a
 * variable it no longer names stays until reported again) with the latest change or problem it
 * told of each variable (NotifyEvent's actual value becomes the Actual attribute's value), and the
 * values read out or set since (GetVariables, SetVariables), and the monitors it keeps on each
 * variable (NotifyMonitoringReport, SetVariableMonitoring, ClearVariableMonitoring).
 */
export async function deviceModelProjector(): Promise<Projector> {
  return {
    name: 'device_model',
    streamPrefix: 'charger-',
    eventTypes: new Set([
      'DeviceModelReported',
      'DeviceEventsNotified',
      'VariablesRead',
      'VariablesWritten',
      'DeviceMonitorsReported',
      'VariableMonitorsSet',
      'VariableMonitorsCleared',
    ]),
    migrations: await loadMigrations(MIGRATIONS),
    apply: eachEvent(async (event, tx) => {
      const chargerId = chargerIdOf(event.streamId);
      const at = receivedAtOf(event);
      const fact = { type: event.type, data: event.data } as ChargingEvent;
      if (fact.type === 'DeviceModelReported') {
        for (const variable of fact.data.variables) {
          const attributes = Object.fromEntries(
            variable.attributes.map(({ type, ...attribute }) => [type, attribute]),
          );
          await tx.query(
            `INSERT INTO device_variables (${KEY_COLUMNS}, attributes, characteristics, reported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (${KEY_COLUMNS}) DO UPDATE SET
               attributes = device_variables.attributes || EXCLUDED.attributes,
               characteristics = coalesce(EXCLUDED.characteristics, device_variables.characteristics),
               reported_at = EXCLUDED.reported_at`,
            [
              ...keyOf(chargerId, variable),
              JSON.stringify(attributes),
              variable.characteristics ? JSON.stringify(variable.characteristics) : null,
              at,
            ],
          );
        }
        return;
      }
      if (fact.type === 'DeviceMonitorsReported' || fact.type === 'VariableMonitorsSet') {
        const variables =
          fact.type === 'DeviceMonitorsReported'
            ? fact.data.variables
            : fact.data.monitors
                .filter((monitor) => monitor.status === 'Accepted' && monitor.id !== undefined)
                .map(({ id, type, severity, status: _status, ...ref }) => ({
                  ...ref,
                  monitors: [{ id: id!, type, severity }],
                }));
        for (const variable of variables) {
          const monitors = Object.fromEntries(
            variable.monitors.map((monitor) => [String(monitor.id), monitor]),
          );
          await tx.query(
            `INSERT INTO device_variables (${KEY_COLUMNS}, monitors)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (${KEY_COLUMNS}) DO UPDATE SET
               monitors = coalesce(device_variables.monitors, '{}'::jsonb) || EXCLUDED.monitors`,
            [...keyOf(chargerId, variable), JSON.stringify(monitors)],
          );
        }
        return;
      }
      if (fact.type === 'VariableMonitorsCleared') {
        await tx.query(
          `UPDATE device_variables SET monitors = monitors - $2::text[]
            WHERE charger_id = $1 AND monitors ?| $2::text[]`,
          [chargerId, fact.data.ids.map(String)],
        );
        return;
      }
      if (fact.type === 'VariablesRead' || fact.type === 'VariablesWritten') {
        // a value the charger read out, or took when we set it, is the attribute's value now
        for (const result of fact.data.results) {
          if (result.status !== 'Accepted' || result.value === undefined) continue;
          const { attributeType, value } = result;
          await setAttributeValue(tx, keyOf(chargerId, result), { attributeType, value, at });
        }
        return;
      }
      if (fact.type !== 'DeviceEventsNotified') return;
      for (const reported of fact.data.events) {
        await setAttributeValue(tx, keyOf(chargerId, reported), {
          attributeType: 'Actual',
          value: reported.actualValue,
          at,
          event: reported,
        });
      }
    }),
  };
}
