-- Where a CDR's connector stood when it was issued (location version, address, plug): what an
-- OCPI CDR's cdr_location says. CDRs issued before locations existed have none.
ALTER TABLE cdrs ADD COLUMN place jsonb;
