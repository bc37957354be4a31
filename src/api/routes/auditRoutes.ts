import type { FastifyInstance } from 'fastify';
import type { AuditKey } from '../../audit/auditKey.js';
import type { Authenticator } from '../auth/principal.js';
import { failures, requires } from '../operatorApi.js';

/** /api/audit/public-key: the key session exports are signed with, for verifying them offline. */
export function auditRoutes(deps: { authenticator: Authenticator; auditKey: AuditKey }) {
  return async (app: FastifyInstance) => {
    app.get(
      '/audit/public-key',
      {
        onRequest: requires(deps.authenticator, 'sessions:read'),
        schema: {
          tags: ['audit'],
          response: {
            200: {
              type: 'object',
              required: ['algorithm', 'publicKey', 'keyId'],
              properties: {
                algorithm: { type: 'string', enum: ['Ed25519'] },
                publicKey: { type: 'string', description: 'SPKI PEM' },
                keyId: { type: 'string', description: "sha256 of the key's DER, hex" },
              },
            },
            ...failures(401, 403),
          },
        },
      },
      async () => ({
        algorithm: 'Ed25519',
        publicKey: deps.auditKey.publicKeyPem,
        keyId: deps.auditKey.keyId,
      }),
    );
  };
}
