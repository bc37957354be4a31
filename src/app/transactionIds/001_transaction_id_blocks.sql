-- 1.6 transaction ids, issued in blocks: each nextval reserves the ids [value, value + 99].
-- The last block ends at 2^31 − 1; the sequence never cycles, so no id is issued twice.
CREATE SEQUENCE transaction_id_blocks AS integer
  INCREMENT BY 100 MINVALUE 1 MAXVALUE 2147483548 START WITH 1 NO CYCLE;
