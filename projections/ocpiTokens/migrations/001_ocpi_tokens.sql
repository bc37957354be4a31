-- The tokens eMSPs pushed, as they last said: whose driver a session's token is, so that partner
-- gets its CDRs and sessions (and no other partner does).
CREATE TABLE ocpi_tokens (
  country_code text NOT NULL,
  party_id text NOT NULL,
  uid text NOT NULL,
  partner_id text NOT NULL,
  -- what the registry and chargers know it by
  id_tag text NOT NULL,
  token jsonb NOT NULL,
  last_updated timestamptz NOT NULL,
  PRIMARY KEY (country_code, party_id, uid)
);
CREATE INDEX ocpi_tokens_id_tag ON ocpi_tokens (upper(id_tag));
