import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { Authenticator } from '../auth/principal.js';
import { failures, requires } from '../operatorApi.js';
import { chargerIdParams, visibleChargerTenant } from './chargerAccess.js';

/** What the CA says of itself. */
export interface CertificateAuthorityView {
  subject: string;
  notAfter: string;
  sha256: string;
  certificate: string;
}

const certificateAuthorityView = {
  type: 'object',
  required: ['subject', 'notAfter', 'sha256', 'certificate'],
  properties: {
    subject: { type: 'string' },
    notAfter: { type: 'string', format: 'date-time' },
    sha256: { type: 'string' },
    certificate: { type: 'string', description: 'PEM' },
  },
} as const;

const chargerCertificateView = {
  type: 'object',
  required: [
    'serialNumber',
    'certificateType',
    'subject',
    'issuer',
    'notBefore',
    'notAfter',
    'sha256',
    'issuedAt',
    'status',
  ],
  properties: {
    serialNumber: { type: 'string' },
    certificateType: { type: 'string', enum: ['ChargingStationCertificate', 'V2GCertificate'] },
    subject: { type: 'string' },
    issuer: { type: 'string' },
    notBefore: { type: 'string', format: 'date-time' },
    notAfter: { type: 'string', format: 'date-time' },
    sha256: { type: 'string' },
    certificate: { type: 'string', description: 'PEM' },
    issuedAt: { type: 'string', format: 'date-time' },
    status: {
      type: 'string',
      enum: ['issued', 'installed', 'refused'],
      description:
        'issued: not answered yet (or never delivered); installed, refused: what the charger answered',
    },
    answeredAt: { type: 'string', format: 'date-time' },
  },
} as const;

interface ChargerCertificateRow {
  serial_number: string;
  certificate_type: string;
  subject: string;
  issuer: string;
  not_before: Date;
  not_after: Date;
  sha256: string;
  certificate: string;
  issued_at: Date;
  status: string;
  answered_at: Date | null;
}

/** Ampledger's CA (what chargers and TLS_CA must trust), and the certificates it issued to a charger. */
export function certificateRoutes(deps: {
  authenticator: Authenticator;
  pool: pg.Pool;
  authority: () => CertificateAuthorityView;
}) {
  const read = requires(deps.authenticator, 'chargers:read');
  return async (app: FastifyInstance) => {
    app.get(
      '/certificate-authority',
      {
        onRequest: read,
        schema: {
          tags: ['certificates'],
          description:
            "The CA that signs chargers' certificates (SignCertificate): install it on chargers as the root they trust for their own certificate, and wherever their client certificates are checked.",
          response: { 200: certificateAuthorityView, ...failures(401, 403) },
        },
      },
      async () => deps.authority(),
    );

    app.get<{ Params: { id: string } }>(
      '/chargers/:id/certificates',
      {
        onRequest: read,
        schema: {
          tags: ['certificates', 'chargers'],
          description:
            'The certificates our CA issued to the charger, newest first, with whether the charger installed them.',
          params: chargerIdParams,
          response: { 200: { type: 'array', items: chargerCertificateView }, ...failures(401, 403, 404) },
        },
      },
      async (request) => {
        await visibleChargerTenant(deps.pool, request, request.params.id);
        const { rows } = await deps.pool.query<ChargerCertificateRow>(
          'SELECT * FROM charger_certificates WHERE charger_id = $1 ORDER BY issued_at DESC, serial_number',
          [request.params.id],
        );
        return rows.map((row) => ({
          serialNumber: row.serial_number,
          certificateType: row.certificate_type,
          subject: row.subject,
          issuer: row.issuer,
          notBefore: row.not_before.toISOString(),
          notAfter: row.not_after.toISOString(),
          sha256: row.sha256,
          certificate: row.certificate,
          issuedAt: row.issued_at.toISOString(),
          status: row.status,
          ...(row.answered_at ? { answeredAt: row.answered_at.toISOString() } : {}),
        }));
      },
    );
  };
}
