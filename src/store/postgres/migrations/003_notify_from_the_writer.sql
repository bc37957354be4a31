-- The writer notifies as it inserts, naming the categories of the streams it appended to
-- (charger-, cdr-, idtag-…), so that a subscription is woken only by appends to its streams: with
-- a subscription per kind of stream, the trigger's bare notification woke all of them on every
-- group commit, and all but one read nothing (measured: 6 log reads per commit while chargers
-- connect). Rows inserted by other means wake nobody; subscribers also poll.
DROP TRIGGER events_appended ON events;
DROP FUNCTION notify_events_appended();
