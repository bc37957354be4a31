-- Each charger's device model (OCPP 2.x NotifyReport, NotifyEvent): one row per variable of a
-- component. Parts a reference leaves out are '' (instances) and 0 (EVSE, connector: not one of
-- theirs), so that the key is never null.
CREATE TABLE device_variables (
  charger_id text NOT NULL,
  component text NOT NULL,
  component_instance text NOT NULL DEFAULT '',
  evse_id integer NOT NULL DEFAULT 0,
  connector_id integer NOT NULL DEFAULT 0,
  variable text NOT NULL,
  variable_instance text NOT NULL DEFAULT '',
  -- by attribute type (Actual, Target, MinSet, MaxSet): value, mutability, persistent, constant
  attributes jsonb NOT NULL DEFAULT '{}',
  characteristics jsonb,
  reported_at timestamptz,
  -- the latest change or problem the charger told of it
  last_event jsonb,
  changed_at timestamptz,
  PRIMARY KEY (charger_id, component, component_instance, evse_id, connector_id, variable, variable_instance)
);
