import type { ApiRole } from '../../domain/apiTokens/apiTokens.js';

/** What a request may do; each route names the one it needs. */
export type Permission =
  | 'api-tokens:manage'
  /** register OCPI partners (eMSPs) and see them */
  | 'ocpi:manage'
  | 'projections:manage'
  | 'chargers:read'
  | 'chargers:write'
  | 'tokens:read'
  | 'tokens:write'
  | 'sessions:read'
  | 'cdrs:read'
  /** release a CDR held for review to billing */
  | 'cdrs:release'
  /** tariffs: read them; publish tariffs and their versions */
  | 'tariffs:read'
  | 'tariffs:write'
  /** locations (sites) and the chargers standing in each: read them; define them */
  | 'locations:read'
  | 'locations:write'
  | 'history:read'
  | 'journal:read'
  /** upload firmware images */
  | 'firmware:manage'
  /** commands that read or nudge a charger; most others; a hard reset */
  | 'commands:soft'
  | 'commands:send'
  | 'commands:hard';

const READ_ALL: Permission[] = [
  'chargers:read',
  'tokens:read',
  'sessions:read',
  'cdrs:read',
  'tariffs:read',
  'locations:read',
  'history:read',
  'journal:read',
];

/** The roles of ARCHITECTURE §8 and issue 5: who may do what (within their tenant). */
const PERMISSIONS: Record<ApiRole, ReadonlySet<Permission>> = {
  admin: new Set<Permission>([
    ...READ_ALL,
    'api-tokens:manage',
    'ocpi:manage',
    'projections:manage',
    'chargers:write',
    'tokens:write',
    'tariffs:write',
    'locations:write',
    'cdrs:release',
    'firmware:manage',
    'commands:soft',
    'commands:send',
    'commands:hard',
  ]),
  operator: new Set<Permission>([
    ...READ_ALL,
    'chargers:write',
    'tokens:write',
    'tariffs:write',
    'locations:write',
    'firmware:manage',
    'commands:soft',
    'commands:send',
  ]),
  support: new Set<Permission>([...READ_ALL, 'commands:soft']),
  billing: new Set<Permission>([
    'sessions:read',
    'cdrs:read',
    'cdrs:release',
    'tariffs:read',
    'tariffs:write',
  ]),
  auditor: new Set<Permission>(READ_ALL),
};

export const can = (role: ApiRole, permission: Permission) => PERMISSIONS[role].has(permission);

/** Everything a role may do (the console offers only these). */
export const permissionsOf = (role: ApiRole): Permission[] => [...PERMISSIONS[role]];
