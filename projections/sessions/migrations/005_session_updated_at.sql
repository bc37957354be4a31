-- When a session's row last changed (the time the log received the event that changed it): what
-- OCPI's last_updated is, and what a partner pulls sessions by. Sessions projected before this
-- have none until they change again or the read model is rebuilt.
ALTER TABLE sessions ADD COLUMN updated_at timestamptz;
CREATE INDEX sessions_updated ON sessions (updated_at, id);
