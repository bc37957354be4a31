-- Payloads as json (their text, checked and kept as sent) instead of jsonb (parsed into a binary
-- tree): every event is read far more often than it is written (each subscription, each rebuild),
-- and jsonb's conversion back to text was the largest cost of reading the log (measured: ~28 µs
-- an event of ~1.5 KB). Nothing queries inside the payloads.
ALTER TABLE events
  ALTER COLUMN data TYPE json USING data::json,
  ALTER COLUMN metadata TYPE json USING metadata::json;
