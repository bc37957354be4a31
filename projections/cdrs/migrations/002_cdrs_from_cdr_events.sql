-- CDRs are events now (cdr-{sessionId}: CdrIssued, CdrCredited, CdrReleased), issued once a
-- session has settled and never changed: a change of facts is a credit and a new CDR. The rows
-- of the versioned CDRs made from the charging events before are dropped, and the read model is
-- projected again from the start of the log.
DROP TABLE cdrs;
DROP TABLE cdr_sessions;

CREATE TABLE cdrs (
  id text PRIMARY KEY,                 -- {sessionId}#{n}, a credit {sessionId}#{n}-credit
  session_id text NOT NULL,
  feed_position text NOT NULL UNIQUE,  -- the log position of the event that issued it
  credit boolean NOT NULL,
  credit_of text,                      -- a credit: the CDR it cancels
  replaces text,                       -- a CDR issued again: the one it replaces
  -- billable; review (held for its flags until released); released; credited (cancelled since)
  status text NOT NULL,
  held_for jsonb NOT NULL,
  charger_id text NOT NULL,
  transaction_key text NOT NULL,
  tenant text NOT NULL,
  evse_id integer,
  connector_id integer,
  id_tag text,
  token_group text,
  start_time timestamptz,
  stop_time timestamptz,
  energy_wh numeric NOT NULL,
  charging_seconds numeric,
  idle_seconds numeric,
  stop_reason text,
  flags jsonb NOT NULL,
  tariff jsonb,                        -- {id, version}; null: the configured tariff (TARIFF_*)
  currency text NOT NULL,
  cost jsonb NOT NULL,                 -- each dimension and the total, excl. and incl. VAT
  total_excl_vat numeric NOT NULL,
  total_incl_vat numeric NOT NULL,
  reason text,                         -- a credit: what changed
  issued_at timestamptz NOT NULL,
  released_by text,
  released_at timestamptz,
  release_note text,
  session_revision bigint              -- the charger stream revision of the session it was decided on
);
CREATE INDEX cdrs_tenant_feed ON cdrs (tenant, feed_position);
CREATE INDEX cdrs_session ON cdrs (session_id, session_revision);

-- (a rebuild migrates its own fresh tables, where no checkpoints table is)
DO $$ BEGIN
  IF to_regclass('projection_checkpoints') IS NOT NULL THEN
    UPDATE projection_checkpoints SET checkpoint = NULL, updated_at = now() WHERE name = 'cdrs';
  END IF;
END $$;
