-- A session's own events, one row each, with the register readings each brought (issue 18). The
-- session's row kept its whole meter and the list of its events, and was rewritten whole with
-- every sample: a long session cost more with every sample. The row now keeps its first revision,
-- and its meter without the readings (its start, the boots, what its stop reconciled with).
CREATE TABLE session_events (
  session_id text NOT NULL,
  revision bigint NOT NULL,
  readings jsonb NOT NULL DEFAULT '[]',      -- [[timeMs, wh, resolutionWh], ...] in sample order
  PRIMARY KEY (session_id, revision)
);
ALTER TABLE sessions ADD COLUMN first_revision bigint;
-- sessions projected before: their readings (in time order already) go with their first event
INSERT INTO session_events (session_id, revision, readings)
SELECT s.id, r.revision,
       CASE WHEN r.ordinal = 1 THEN coalesce(s.meter -> 'readings', '[]') ELSE '[]' END
  FROM sessions s, unnest(s.revisions) WITH ORDINALITY AS r(revision, ordinal);
UPDATE sessions SET first_revision = revisions[1], meter = meter - 'readings';
ALTER TABLE sessions ALTER COLUMN first_revision SET NOT NULL, DROP COLUMN revisions;
