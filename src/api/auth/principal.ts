import { timingSafeEqual } from 'node:crypto';
import type pg from 'pg';
import { hashApiSecret } from '../../app/apiTokenService.js';
import { API_ROLES, type ApiRole } from '../../domain/apiTokens/apiTokens.js';
import { ApiError } from '../apiError.js';

/** Who is asking: the token's id, its role, and its tenant (undefined: every tenant). */
export interface Principal {
  tokenId: string;
  role: ApiRole;
  tenant?: string;
}

export const BOOTSTRAP_ADMIN = 'admin-token';

/**
 * Reads the bearer token of a request: the bootstrap ADMIN_TOKEN, or an API token looked up by
 * the hash of its secret. Anything else is 401, with no detail.
 */
export class Authenticator {
  private readonly adminHash: Buffer | undefined;

  constructor(
    private readonly pool: pg.Pool,
    adminToken: string | undefined,
  ) {
    this.adminHash = adminToken === undefined ? undefined : Buffer.from(hashApiSecret(adminToken), 'hex');
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const secret = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
    if (!secret) throw new ApiError(401, 'unauthorized', 'a bearer token is required');
    const hash = hashApiSecret(secret);
    if (this.adminHash && timingSafeEqual(Buffer.from(hash, 'hex'), this.adminHash)) {
      return { tokenId: BOOTSTRAP_ADMIN, role: 'admin' };
    }
    const { rows } = await this.pool.query<{ id: string; role: string; tenant: string | null }>(
      'SELECT id, role, tenant FROM api_tokens WHERE secret_hash = $1 AND revoked_at IS NULL',
      [hash],
    );
    const row = rows[0];
    if (!row || !(API_ROLES as readonly string[]).includes(row.role)) {
      throw new ApiError(401, 'unauthorized', 'the bearer token is not valid');
    }
    return {
      tokenId: row.id,
      role: row.role as ApiRole,
      ...(row.tenant !== null ? { tenant: row.tenant } : {}),
    };
  }
}

/** Whether the principal may see a resource of this tenant (others' are 404: their existence is not told). */
export const seesTenant = (principal: Principal, tenant: string) =>
  principal.tenant === undefined || principal.tenant === tenant;
