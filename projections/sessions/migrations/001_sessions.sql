-- One row per transaction (ARCHITECTURE §5), written only by the sessions projector.
CREATE TABLE sessions (
  id text PRIMARY KEY,                       -- {chargerId}:{transactionKey}
  charger_id text NOT NULL,
  transaction_key text NOT NULL,
  tenant text NOT NULL,
  evse_id integer NOT NULL,
  connector_id integer NOT NULL,
  id_tag text NOT NULL,
  normalised_id_tag text NOT NULL,
  authorization_status text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'stopped', 'abandoned')),
  meter_start_wh numeric NOT NULL,
  meter_stop_wh numeric,
  energy_wh numeric,
  start_charger_time text NOT NULL,          -- as the charger sent it
  start_corrected_time timestamptz,          -- by the charger's clock offset (null: unreadable)
  start_server_time timestamptz NOT NULL,    -- when we received it
  stop_charger_time text,
  stop_corrected_time timestamptz,
  stop_server_time timestamptz,
  stop_reason text,
  stop_kind text,
  stop_id_tag text,
  flags jsonb NOT NULL DEFAULT '[]',
  revisions bigint[] NOT NULL,               -- the charger stream's events that make the session
  last_revision bigint NOT NULL,
  UNIQUE (charger_id, transaction_key)
);
CREATE INDEX sessions_tenant_start ON sessions (tenant, start_server_time, id);
CREATE INDEX sessions_charger_start ON sessions (charger_id, start_server_time, id);
CREATE INDEX sessions_transaction_key ON sessions (transaction_key);

-- StopTransactions for transactions we never knew (also -1 and 0), for operations.
CREATE TABLE orphan_stops (
  charger_id text NOT NULL,
  revision bigint NOT NULL,
  tenant text NOT NULL,
  transaction_key text NOT NULL,
  meter_stop_wh numeric NOT NULL,
  stop_charger_time text NOT NULL,
  stop_server_time timestamptz NOT NULL,
  stop_reason text NOT NULL,
  id_tag text,
  flags jsonb NOT NULL,
  PRIMARY KEY (charger_id, revision)
);
