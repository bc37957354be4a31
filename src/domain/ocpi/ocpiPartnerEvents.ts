/** A role a party plays, as its OCPI credentials say (only what Ampledger keeps of it). */
export interface PartnerRole {
  role: string;
  country_code: string;
  party_id: string;
  business_details: { name: string; website?: string };
}

/** An endpoint of the partner's OCPI 2.2.1 version details. */
export interface PartnerEndpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER';
  url: string;
}

/**
 * An OCPI partner's history, in its stream ocpi-partner-{id}. Token A and C are ours (only their
 * hashes are kept); token B is the partner's, for calling it, so it is kept as given.
 */
export type OcpiPartnerEvent =
  | {
      type: 'OcpiPartnerRegistered';
      data: { partnerId: string; name: string; countryCode: string; partyId: string; tokenAHash: string };
    }
  | {
      type: 'OcpiCredentialsExchanged';
      data: {
        /** the partner's versions endpoint and the version agreed */
        versionsUrl: string;
        version: '2.2.1';
        endpoints: PartnerEndpoint[];
        roles: PartnerRole[];
        tokenB: string;
        tokenCHash: string;
      };
    }
  | { type: 'OcpiPartnerUnregistered'; data: { by: 'partner' } };

export const OCPI_PARTNER_EVENT_TYPES: ReadonlySet<string> = new Set<OcpiPartnerEvent['type']>([
  'OcpiPartnerRegistered',
  'OcpiCredentialsExchanged',
  'OcpiPartnerUnregistered',
]);

export const ocpiPartnerStream = (partnerId: string) => `ocpi-partner-${partnerId}`;
