/**
 * What Ampledger delivered to a partner, in the stream ocpi-cdr-push-{partnerId}: each CDR (or
 * credit) the partner's CDRs endpoint accepted, and where the partner keeps it. The record of
 * what went out, for auditors, and what the outbox need not send again.
 */
export type OcpiPushEvent = {
  type: 'OcpiCdrPushed';
  data: {
    partnerId: string;
    /** our CDR id, and the id the partner knows it by */
    cdrId: string;
    ocpiCdrId: string;
    /** the URL the partner's answer named (its Location header), if it named one */
    location?: string;
  };
};

export const OCPI_PUSH_EVENT_TYPES: ReadonlySet<string> = new Set<OcpiPushEvent['type']>(['OcpiCdrPushed']);

/**
 * How far a partner's sessions endpoint has every session change, in the stream
 * ocpi-session-push-{partnerId}: the (last_updated, id) of the last session it took, in the order
 * sessions are pushed. A session is its latest state (PUT replaces it), so a mark is all a
 * restart needs.
 */
export type OcpiSessionPushEvent = {
  type: 'OcpiSessionsPushedUpTo';
  data: { partnerId: string; lastUpdated: string; sessionId: string };
};

export const ocpiSessionPushStream = (partnerId: string) => `ocpi-session-push-${partnerId}`;

export const ocpiCdrPushStream = (partnerId: string) => `ocpi-cdr-push-${partnerId}`;
