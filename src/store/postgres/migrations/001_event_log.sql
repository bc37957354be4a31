-- The event log: one row per event. A stream's last revision is the top of its
-- (stream_id, revision) index, and that unique index is what stops two writers from
-- taking the same revision. Global order is (transaction_id, position).
CREATE TABLE events (
  position bigint GENERATED ALWAYS AS IDENTITY (CACHE 64),
  transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id text NOT NULL,
  revision bigint NOT NULL CHECK (revision >= 0),
  event_id uuid NOT NULL,
  type text NOT NULL,
  schema_version integer NOT NULL,
  data jsonb NOT NULL,
  metadata jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
  CONSTRAINT events_stream_event_id UNIQUE (stream_id, event_id)
);

CREATE UNIQUE INDEX events_global_order ON events (transaction_id, position);

-- Wakes subscribers after each committed append (they also poll: notifications are lost while disconnected).
CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(left('ampledger_events_' || TG_TABLE_SCHEMA, 63), '');
  RETURN NULL;
END $$;

CREATE TRIGGER events_appended AFTER INSERT ON events
  FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended();
