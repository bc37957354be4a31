-- Charging profiles chargers accepted (SetChargingProfile), per charger and connector, until a
-- ClearChargingProfile they accepted removes them.
CREATE TABLE charging_profiles (
  charger_id text NOT NULL,
  connector_id integer NOT NULL,
  profile_id bigint NOT NULL,
  purpose text NOT NULL,
  stack_level integer NOT NULL,
  profile jsonb NOT NULL,
  set_at timestamptz NOT NULL,
  PRIMARY KEY (charger_id, connector_id, profile_id)
);
