-- Locations and where each charger stands: what the console and OCPI's locations module show.
-- Which location a charger may join is decided from the locations' streams, never from these tables.
CREATE TABLE locations (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  version integer NOT NULL,
  -- the OCPI Location fields the operator set (publish, address, coordinates, time_zone, …)
  details jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX locations_tenant ON locations (tenant, id);
CREATE INDEX locations_updated ON locations (updated_at, id);

CREATE TABLE location_chargers (
  charger_id text PRIMARY KEY,
  location_id text NOT NULL REFERENCES locations (id),
  -- what each connector is (plug, power): OCPP never says
  connectors jsonb NOT NULL
);
CREATE INDEX location_chargers_location ON location_chargers (location_id);
