-- Firmware updates sent to chargers (UpdateFirmware, SignedUpdateFirmware) and the statuses the
-- charger reported for each, until Installed or a final failure.
CREATE TABLE firmware_updates (
  command_id text PRIMARY KEY,
  charger_id text NOT NULL,
  action text NOT NULL,
  firmware_id text,                -- the uploaded file, when the update was made from one
  location text,
  request_id bigint,               -- 2.x and signed updates: the id the charger's reports carry
  requested_at timestamptz NOT NULL,
  requested_by text,
  status text NOT NULL,            -- Requested, Rejected, NotSent, Superseded, or the last reported status
  status_at timestamptz NOT NULL,
  finished boolean NOT NULL,
  statuses jsonb NOT NULL          -- every status reported, with its time
);
CREATE INDEX firmware_updates_charger ON firmware_updates (charger_id, requested_at DESC);
