-- The group of the token that started or authorized a session (1.6 parentIdTag, 2.x groupIdToken):
-- a tariff may be for it. And what the charger said the session was doing from when (charging or
-- idle), the timeline its charging and idle time and its price are read from, in place of the
-- running clock kept before. Sessions projected before this have neither until a rebuild.
ALTER TABLE sessions
  ADD COLUMN token_group text,
  ADD COLUMN charging_states jsonb,
  DROP COLUMN charging_clock;

-- Where in the log a session's row changed last: stopped sessions are read on from there by the
-- CDR issuer, which wants those whose CDR may be missing or out of date.
ALTER TABLE sessions ADD COLUMN changed_position text;
CREATE INDEX sessions_stopped_by_change ON sessions (changed_position) WHERE status = 'stopped';
