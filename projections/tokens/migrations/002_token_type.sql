-- How chargers identify a token (2.x IdTokenEnumType); null: any way (1.6 names no type).
ALTER TABLE tokens ADD COLUMN token_type text;
