import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { publicBaseUrl } from '../../api/publicBaseUrl.js';
import type { LocatedCharger, LocationDetails } from '../../domain/locations/locationEvents.js';
import { OCPI_STATUS, OcpiError, ocpiSuccess } from '../ocpiEnvelope.js';
import { type ChargerPresence, ocpiLocationOf, type ReportedConnector } from '../ocpiLocation.js';
import { pageOfRows } from '../ocpiPaging.js';
import { OCPI_VERSION, type OcpiDeps, registeredPartnerOf } from './ocpiContext.js';

/**
 * A location changes when it is defined again, when a connector of its chargers reports a status
 * and when one of its chargers connects or disconnects: its last_updated is the latest of these.
 */
const WITH_LAST_UPDATED = `
  SELECT l.id, l.details, l.updated_at,
         GREATEST(l.updated_at,
           (SELECT max(s.reported_at) FROM location_chargers c
              JOIN connector_status s ON s.charger_id = c.charger_id AND s.evse_id > 0
             WHERE c.location_id = l.id),
           (SELECT max(GREATEST(p.connected_at, p.disconnected_at)) FROM location_chargers c
              JOIN charger_presence p ON p.charger_id = c.charger_id
             WHERE c.location_id = l.id)) AS last_updated
    FROM locations l`;

interface LocationRow {
  id: string;
  details: LocationDetails;
  updated_at: Date;
}

/**
 * GET /ocpi/2.2.1/locations (Sender, pull): every location with its EVSEs and connectors, paged
 * by last_updated; and one location, EVSE or connector by its ids.
 */
export function locationsRoutes(deps: OcpiDeps & { pool: pg.Pool }) {
  /** The OCPI objects of these locations, with their chargers' connectors and connections. */
  async function asOcpi(locations: LocationRow[]) {
    const ids = locations.map((location) => location.id);
    const [{ rows: chargers }, { rows: reported }, { rows: presence }] = await Promise.all([
      deps.pool.query<{ charger_id: string; location_id: string; connectors: LocatedCharger['connectors'] }>(
        'SELECT * FROM location_chargers WHERE location_id = ANY($1) ORDER BY charger_id',
        [ids],
      ),
      deps.pool.query<{
        charger_id: string;
        evse_id: number;
        connector_id: number;
        status: string;
        reported_at: Date;
      }>(
        `SELECT s.charger_id, s.evse_id, s.connector_id, s.status, s.reported_at FROM connector_status s
           JOIN location_chargers c ON c.charger_id = s.charger_id WHERE c.location_id = ANY($1)`,
        [ids],
      ),
      deps.pool.query<{ charger_id: string; connected: boolean; changed_at: Date | null }>(
        `SELECT p.charger_id, p.connected, GREATEST(p.connected_at, p.disconnected_at) AS changed_at
           FROM charger_presence p JOIN location_chargers c ON c.charger_id = p.charger_id
          WHERE c.location_id = ANY($1)`,
        [ids],
      ),
    ]);
    const connectors: ReportedConnector[] = reported.map((row) => ({
      chargerId: row.charger_id,
      evseId: row.evse_id,
      connectorId: row.connector_id,
      status: row.status,
      reportedAt: row.reported_at,
    }));
    const connections = new Map<string, ChargerPresence>(
      presence
        .filter((row) => row.changed_at !== null)
        .map((row) => [row.charger_id, { connected: row.connected, changedAt: row.changed_at! }]),
    );
    return locations.map((location) =>
      ocpiLocationOf({
        party: deps.party,
        id: location.id,
        details: location.details,
        updatedAt: location.updated_at,
        chargers: chargers
          .filter((row) => row.location_id === location.id)
          .map((row) => ({ chargerId: row.charger_id, connectors: row.connectors })),
        reported: connectors,
        presence: connections,
      }),
    );
  }

  const unknown = (what: string) => new OcpiError(404, OCPI_STATUS.unknownLocation, `unknown ${what}`);

  return async (app: FastifyInstance) => {
    app.get(`/${OCPI_VERSION}/locations`, async (request, reply) => {
      registeredPartnerOf(request);
      const rows = await pageOfRows<LocationRow>(
        deps.pool,
        request,
        reply,
        publicBaseUrl(deps.publicUrl, request),
        { source: WITH_LAST_UPDATED, params: [], order: 'last_updated, id' },
      );
      return ocpiSuccess(await asOcpi(rows), deps.clock());
    });

    // one location, one of its EVSEs, or one connector of that EVSE
    for (const path of [':locationId', ':locationId/:evseUid', ':locationId/:evseUid/:connectorId'])
      app.get<{ Params: { locationId: string; evseUid?: string; connectorId?: string } }>(
        `/${OCPI_VERSION}/locations/${path}`,
        async (request) => {
          registeredPartnerOf(request);
          const { locationId, evseUid, connectorId } = request.params;
          const { rows } = await deps.pool.query<LocationRow>('SELECT * FROM locations WHERE id = $1', [
            locationId,
          ]);
          if (rows.length === 0) throw unknown(`location ${locationId}`);
          const [location] = await asOcpi(rows);
          if (evseUid === undefined) return ocpiSuccess(location, deps.clock());
          const evse = location!.evses.find((candidate) => candidate.uid === evseUid);
          if (!evse) throw unknown(`EVSE ${evseUid} of location ${locationId}`);
          if (connectorId === undefined) return ocpiSuccess(evse, deps.clock());
          const connector = evse.connectors.find((candidate) => candidate.id === connectorId);
          if (!connector) throw unknown(`connector ${connectorId} of EVSE ${evseUid}`);
          return ocpiSuccess(connector, deps.clock());
        },
      );
  };
}
