-- Each charger's local authorization list as the SendLocalList it accepted leave it, and the
-- version it last reported with GetLocalListVersion.
CREATE TABLE local_lists (
  charger_id text PRIMARY KEY,
  list_version integer,            -- the version of the last SendLocalList it accepted
  update_type text,
  updated_at timestamptz,
  reported_version integer,        -- its last answer to GetLocalListVersion (-1: not supported)
  reported_at timestamptz,
  last_refusal jsonb               -- the last SendLocalList it did not accept: status, version, time
);

CREATE TABLE local_list_entries (
  charger_id text NOT NULL,
  tag_key text NOT NULL,           -- the tag compared case-insensitively
  id_tag text NOT NULL,
  id_tag_info jsonb NOT NULL,
  PRIMARY KEY (charger_id, tag_key)
);
