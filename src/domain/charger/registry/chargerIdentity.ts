/**
 * A charger's id is its OCPP identity: the last segment of its /ocpp/{identity} URL and its Basic
 * auth user name. 1–48 characters (2.x identifierString's limit), without '/' (the path), ':' (the
 * Basic-auth separator), whitespace or control and format characters. One rule for the gateway
 * and the API, so that a charger the API registers can connect.
 */
export const CHARGER_ID_PATTERN = '^[^\\s\\p{Cc}\\p{Cf}/:]{1,48}$';

export const CHARGER_ID_RULE =
  'a charger id is 1–48 characters without /, :, whitespace or control characters';

const CHARGER_ID = new RegExp(CHARGER_ID_PATTERN, 'u');

export const isChargerId = (id: string): boolean => CHARGER_ID.test(id);
