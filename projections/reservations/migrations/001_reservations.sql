-- Reservations chargers accepted (ReserveNow), and what became of them. An active reservation past
-- its expiry is expired: that is read at query time (reservation_states), not written.
CREATE TABLE reservations (
  charger_id text NOT NULL,
  reservation_id bigint NOT NULL,
  connector_id integer NOT NULL,
  id_tag text NOT NULL,
  expiry_date timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'used', 'cancelled')),
  transaction_key text,
  reserved_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (charger_id, reservation_id)
);

CREATE VIEW reservation_states AS
  SELECT r.*, CASE WHEN r.status = 'active' AND r.expiry_date <= now() THEN 'expired' ELSE r.status END AS state
  FROM reservations r;
