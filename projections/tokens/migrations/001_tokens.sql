-- The idTags operators issued, as their streams leave them (for listing per tenant).
CREATE TABLE tokens (
  id_tag text PRIMARY KEY,          -- the normal form: the stream's key
  tenant text NOT NULL,
  issued_as text NOT NULL,          -- the tag as it was issued
  blocked boolean NOT NULL,
  expiry_date timestamptz,
  parent_id_tag text,
  in_transaction jsonb,             -- the transaction the tag is in, if any
  last_revision bigint NOT NULL
);
CREATE INDEX tokens_tenant ON tokens (tenant, id_tag);
