-- Who may connect: the charger registry as its events leave it (written only by its projector).
CREATE TABLE charger_registry (
  identity text PRIMARY KEY,
  tenant text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'approved', 'blocked')),
  status_before_block text,
  security_profile smallint NOT NULL,
  password jsonb,
  ocpp_version text,
  auto_registered boolean NOT NULL,
  registered_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  revision bigint NOT NULL
);
CREATE INDEX charger_registry_tenant ON charger_registry (tenant, identity);
