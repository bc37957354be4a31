-- Who may use the operator API: tokens by the hash of their secret (the secret itself is never stored).
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  role text NOT NULL,
  tenant text,                 -- null: every tenant (admins)
  secret_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  created_by text,
  revoked_at timestamptz
);
