-- A reservation the charger ended on its side (2.x ReservationStatusUpdate: Expired) is written
-- expired; one it removed is cancelled.
ALTER TABLE reservations DROP CONSTRAINT reservations_status_check;
ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
  CHECK (status IN ('active', 'used', 'cancelled', 'expired'));
