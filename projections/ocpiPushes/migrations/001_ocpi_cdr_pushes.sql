-- The CDRs and credits each partner's CDRs endpoint accepted, and where it keeps them: what the
-- outbox need not send again, and what support reads when a partner says it never got one.
CREATE TABLE ocpi_cdr_pushes (
  partner_id text NOT NULL,
  cdr_id text NOT NULL,
  ocpi_cdr_id text NOT NULL,
  location text,
  pushed_at timestamptz NOT NULL,
  PRIMARY KEY (partner_id, cdr_id)
);
