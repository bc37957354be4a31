-- The session's meter (start, register readings, boots) as the projector folds it, so that its
-- energy is reconciled by today's policy; null for sessions begun before (their figures stand).
ALTER TABLE sessions ADD COLUMN meter jsonb;
-- Today's policy disagrees with what the stop recorded: the correction still to be appended to
-- the charger's stream (then null again).
ALTER TABLE sessions ADD COLUMN energy_correction jsonb;
CREATE INDEX sessions_energy_corrections ON sessions (id) WHERE energy_correction IS NOT NULL;
