import type { CertificateUse } from '../../domain/charger/certificates/certificateEvents.js';
import type { InboundTranslator } from '../inboundTranslator.js';
import { statusInfo } from './statusInfo201.js';

/** 2.0.1's certificate requests: a CSR for the charger's own certificate or its ISO 15118 one. */
export const certificates201: Record<string, InboundTranslator> = {
  SignCertificate: {
    toCommand: (request) => ({
      type: 'RequestCertificateSigning',
      csr: String(request.csr),
      ...(typeof request.certificateType === 'string'
        ? { certificateType: request.certificateType as CertificateUse }
        : {}),
      reading: undefined,
    }),
    toReply: (reply) =>
      reply.type === 'SigningDecision'
        ? {
            status: reply.status,
            ...(reply.reason ? { statusInfo: statusInfo('InvalidCSR', reply.reason) } : {}),
          }
        : { status: 'Rejected' },
  },
};
