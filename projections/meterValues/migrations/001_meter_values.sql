-- Meter samples as a time series, one row per sampled value, partitioned by month of the
-- sample's (corrected) time. Months get their partition when their first sample arrives;
-- the default partition catches what could not get one. Old months are dropped by retention.
CREATE TABLE meter_values (
  sampled_at timestamptz NOT NULL,
  charger_id text NOT NULL,
  revision bigint NOT NULL,
  sample_index integer NOT NULL,
  value_index integer NOT NULL,
  tenant text NOT NULL,
  transaction_key text,
  evse_id integer,            -- null for a stop's transactionData
  connector_id integer,
  charger_time text NOT NULL,
  measurand text NOT NULL,
  phase text,
  location text,
  context text NOT NULL,
  unit text,
  value numeric,
  raw_value text NOT NULL,
  raw_unit text,
  duplicate boolean NOT NULL,
  PRIMARY KEY (sampled_at, charger_id, revision, sample_index, value_index)
) PARTITION BY RANGE (sampled_at);
CREATE TABLE meter_values_default PARTITION OF meter_values DEFAULT;
CREATE INDEX meter_values_session ON meter_values (charger_id, transaction_key, sampled_at);
