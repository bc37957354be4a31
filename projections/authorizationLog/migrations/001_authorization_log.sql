-- Every authorization decision (Authorize, and the tags of StartTransaction and StopTransaction).
CREATE TABLE authorization_log (
  charger_id text NOT NULL,
  revision bigint NOT NULL,
  tenant text NOT NULL,
  -- what asked: Authorize, a start's or a stop's tag, or a tag shown during a transaction (2.x)
  action text NOT NULL CHECK (action IN ('Authorize', 'StartTransaction', 'StopTransaction', 'TransactionAuthorized')),
  id_tag text NOT NULL,
  normalised_id_tag text NOT NULL,
  status text NOT NULL,
  reason text NOT NULL,
  transaction_key text,
  decided_at timestamptz NOT NULL,
  PRIMARY KEY (charger_id, revision)
);
CREATE INDEX authorization_log_tag ON authorization_log (tenant, normalised_id_tag, decided_at);
