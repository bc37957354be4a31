-- Where each projector is in the event log, written in the same transaction as its rows.
CREATE TABLE projection_checkpoints (
  name text PRIMARY KEY,
  checkpoint text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
