-- Tariffs and every version published: what billing and the console show, and what OCPI serves.
-- Which tariff prices a session is decided from the tariffs' streams, never from these tables.
CREATE TABLE tariffs (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  latest_version integer NOT NULL,
  -- the latest version's: currency and assignment, for listing
  currency text NOT NULL,
  assign jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX tariffs_tenant ON tariffs (tenant, id);
CREATE INDEX tariffs_updated ON tariffs (updated_at, id);

CREATE TABLE tariff_versions (
  tariff_id text NOT NULL REFERENCES tariffs (id),
  version integer NOT NULL,
  effective_from timestamptz NOT NULL,
  terms jsonb NOT NULL,
  assign jsonb NOT NULL,
  published_at timestamptz NOT NULL,
  PRIMARY KEY (tariff_id, version)
);
