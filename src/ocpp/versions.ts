/** The OCPP versions Ampledger speaks, by their WebSocket subprotocol names. */
export const OCPP_VERSIONS = ['1.6', '2.0.1', '2.1'] as const;
export type OcppVersion = (typeof OCPP_VERSIONS)[number];

export const subprotocolOf = (version: OcppVersion): string => `ocpp${version}`;

export function versionOfSubprotocol(subprotocol: string): OcppVersion | undefined {
  return OCPP_VERSIONS.find((version) => subprotocolOf(version) === subprotocol);
}

/** 2.1 added CALLRESULTERROR (5) and SEND (6), and corrected the spelling of one error code. */
export const isAtLeast21 = (version: OcppVersion) => version === '2.1';

/** The version a string names, if it is one we speak. */
export const versionOf = (name: string): OcppVersion | undefined =>
  (OCPP_VERSIONS as readonly string[]).includes(name) ? (name as OcppVersion) : undefined;
