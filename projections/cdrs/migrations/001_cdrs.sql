-- Billing-ready charge detail records, written only by the CDR projector. A CDR is issued when
-- its session stops; a later event that changes it (late samples amending its flags) issues a
-- new version beside the old. The feed position is the log position of the event that issued
-- the version: stable across rebuilds, and a resumable cursor for billing.
CREATE TABLE cdrs (
  id text PRIMARY KEY,                 -- {sessionId}:v{version}
  session_id text NOT NULL,
  version integer NOT NULL,
  feed_position text NOT NULL UNIQUE,
  charger_id text NOT NULL,
  transaction_key text NOT NULL,
  tenant text NOT NULL,
  evse_id integer NOT NULL,
  connector_id integer NOT NULL,
  id_tag text NOT NULL,
  start_time timestamptz NOT NULL,     -- corrected charger time (server time when unreadable)
  stop_time timestamptz NOT NULL,
  duration_seconds integer NOT NULL,
  energy_wh numeric NOT NULL,
  stop_reason text NOT NULL,
  flags jsonb NOT NULL,
  tariff jsonb NOT NULL,
  currency text NOT NULL,
  cost_energy numeric NOT NULL,
  cost_time numeric NOT NULL,
  cost_session numeric NOT NULL,
  cost_total numeric NOT NULL,
  UNIQUE (session_id, version)
);
CREATE INDEX cdrs_tenant_feed ON cdrs (tenant, feed_position);

-- What the projector needs of a session before its CDR: its start, and its latest CDR version.
CREATE TABLE cdr_sessions (
  session_id text PRIMARY KEY,
  charger_id text NOT NULL,
  transaction_key text NOT NULL,
  tenant text NOT NULL,
  evse_id integer NOT NULL,
  connector_id integer NOT NULL,
  id_tag text NOT NULL,
  start_time timestamptz NOT NULL,
  latest_version integer NOT NULL DEFAULT 0
);
