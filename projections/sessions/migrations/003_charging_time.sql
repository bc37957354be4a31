-- How long a session charged and stood idle (plugged in, no energy flowing), from the charger's
-- chargingState (2.x) and its connector status (1.6, 2.x); charging_clock holds the current period.
ALTER TABLE sessions
  ADD COLUMN charging_seconds numeric,
  ADD COLUMN idle_seconds numeric,
  ADD COLUMN charging_clock jsonb;
-- a connector status finds its charger's active sessions without reading the charger's history
CREATE INDEX sessions_active_by_charger ON sessions (charger_id) WHERE status = 'active';
