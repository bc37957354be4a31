-- Each charger's connection and liveness, written only by the connector-status projector.
CREATE TABLE charger_presence (
  charger_id text PRIMARY KEY,
  tenant text NOT NULL DEFAULT 'default',
  connected boolean NOT NULL DEFAULT false,
  connection_id text,
  protocol text,
  connected_at timestamptz,
  disconnected_at timestamptz,
  disconnect_code integer,
  last_seen timestamptz,
  -- what the charger was told at its last boot (or a vendor quirk fixes)
  heartbeat_interval_seconds integer,
  boot jsonb,
  -- the latest things operators should see (a remote start that timed out, …), newest last
  alerts jsonb NOT NULL DEFAULT '[]',
  last_revision bigint NOT NULL
);

-- Each connector's last reported status.
CREATE TABLE connector_status (
  charger_id text NOT NULL,
  tenant text NOT NULL,
  evse_id integer NOT NULL,
  connector_id integer NOT NULL,
  status text NOT NULL,
  availability text NOT NULL,
  error_code text,
  info text,
  vendor_id text,
  vendor_error_code text,
  charger_time text,
  reported_at timestamptz NOT NULL,
  last_revision bigint NOT NULL,
  PRIMARY KEY (charger_id, evse_id, connector_id)
);

-- Online: the socket is open and something arrived within twice the heartbeat interval.
CREATE VIEW charger_liveness AS
  SELECT p.*, (p.connected AND p.last_seen > now() - make_interval(secs => 2 * coalesce(p.heartbeat_interval_seconds, 300)))
    AS online
  FROM charger_presence p;
