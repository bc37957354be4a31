import type { Tariff } from './policies/tariff.js';

/**
 * Configuration from the environment (ARCHITECTURE §8), validated at start: a bad value stops
 * start-up with a message naming the variable.
 */
export interface Config {
  port: number;
  /** unset: an embedded PostgreSQL under dataDir */
  databaseUrl?: string;
  /** PostgreSQL schema for the event log and read models (default: the server's search_path) */
  databaseSchema?: string;
  dataDir: string;
  /** esdb://… : EventStoreDB holds the event log */
  eventStoreUrl?: string;
  /** unset: a single node */
  redisUrl?: string;
  adminToken?: string;
  /**
   * the wss:// listener; its server certificates in pairs (an RSA and an ECDSA one side by side:
   * chargers differ in which they accept, and TLS picks the one a charger's cipher suites allow)
   */
  tls?: { port: number; certificates: Array<{ certFile: string; keyFile: string }>; caFile?: string };
  heartbeatIntervalSeconds: number;
  commandTimeoutSeconds: number;
  autoRegister: 'off' | 'pending' | 'accept';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** what a CDR costs when no published tariff is for its session: prices in the currency's units */
  tariff: Tariff;
  /** how long after its stop a session's CDR waits for late samples (s) */
  cdrSettleSeconds: number;
  /** how long a node's claim on a charger outlives the node (clustering over Redis) */
  presenceTtlSeconds: number;
  /** how long an accepted remote start may wait for its StartTransaction */
  remoteStartTimeoutSeconds: number;
  /** how often each charger's local list is synchronised (s); 0 = never on a schedule */
  localListSyncSeconds: number;
  /** seconds between running costs sent to chargers that show them (0: none sent) */
  runningCostSeconds: number;
  /** calls a charger may send per second (sustained) and in a burst, before it is throttled */
  inboundRate: { perSecond: number; burst: number };
  /** meter_values keeps this many whole months besides the current one (0: keep everything) */
  meterValuesRetentionMonths: number;
  /** how chargers reach this server over HTTP (the base of firmware and upload URLs); unset: the API request's own */
  publicUrl?: string;
  /** the key of signed file URLs (unset: one kept in DATA_DIR; a cluster must share one) */
  fileUrlSecret?: string;
  /** the largest firmware image an operator may upload */
  firmwareMaxBytes: number;
  /** a charger silent for this long (no heartbeat or other frame) is stale on the console */
  staleAfterSeconds: number;
  /** the Ed25519 key (PKCS#8 PEM file) that signs session exports; unset: one kept in DATA_DIR */
  auditKeyFile?: string;
  /** Ampledger's own OCPI party (a charge point operator) and the name its partners see */
  ocpi: { countryCode: string; partyId: string; businessName: string };
  /** the CA that signs chargers' CSRs: CA_CERT/CA_KEY, or one made under DATA_DIR/ca */
  certificates: {
    caCertFile?: string;
    caKeyFile?: string;
    /** the operator's organization name: a charger's CSR must carry it (O) when set */
    organization?: string;
    validityDays: number;
    /** URL prefixes of the OCSP responders chargers may have us ask (2.x GetCertificateStatus) */
    ocspResponders: string[];
    /** where EVs' ISO 15118 contract certificates are asked for (2.x Get15118EVCertificate; absent: Failed) */
    contractService?: { url: string; token?: string };
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const AUTO_REGISTER = ['off', 'pending', 'accept'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!/^\d+$/.test(raw) || parsed < min || parsed > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return parsed;
  };
  const url = (name: string, protocols: string[]): string | undefined => {
    const raw = value(name);
    if (raw === undefined) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) throw new Error();
      return raw;
    } catch {
      problems.push(`${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      return undefined;
    }
  };
  const price = (name: string): number => {
    const raw = value(name);
    if (raw === undefined) return 0;
    const parsed = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(parsed)) {
      problems.push(`${name} must be a price ≥ 0 such as 0.35 (got ${JSON.stringify(raw)})`);
      return 0;
    }
    return parsed;
  };
  const pattern = (name: string, shape: RegExp, fallback: string, what: string): string => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!shape.test(raw)) {
      problems.push(`${name} must be ${what} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return raw;
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(raw)})`);
      return fallback;
    }
    return raw as T;
  };

  const databaseSchema = value('DATABASE_SCHEMA');
  if (databaseSchema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    problems.push('DATABASE_SCHEMA must be a lower-case identifier (letters, digits, _)');
  }
  const adminToken = value('ADMIN_TOKEN');
  const fileUrlSecret = value('FILE_URL_SECRET');
  if (fileUrlSecret !== undefined && fileUrlSecret.length < 32)
    problems.push('FILE_URL_SECRET must be at least 32 characters');
  if (adminToken !== undefined && adminToken.length < 16) {
    problems.push('ADMIN_TOKEN must be at least 16 characters');
  }

  const tlsPort = value('TLS_PORT');
  const certFile = value('TLS_CERT');
  const keyFile = value('TLS_KEY');
  let tls: Config['tls'];
  if (certFile || keyFile || tlsPort) {
    const files = (list: string | undefined) =>
      (list ?? '')
        .split(',')
        .map((file) => file.trim())
        .filter(Boolean);
    const certFiles = files(certFile);
    const keyFiles = files(keyFile);
    if (certFiles.length === 0 || keyFiles.length === 0)
      problems.push('TLS_CERT and TLS_KEY must be set together');
    else if (certFiles.length !== keyFiles.length)
      problems.push('TLS_CERT and TLS_KEY must list as many files each (certificate and key in pairs)');
    else
      tls = {
        port: integer('TLS_PORT', 8443, 0, 65535),
        certificates: certFiles.map((file, index) => ({ certFile: file, keyFile: keyFiles[index]! })),
        caFile: value('TLS_CA'),
      };
  } else if (value('TLS_CA')) {
    problems.push('TLS_CA needs TLS_CERT and TLS_KEY');
  }

  const caCertFile = value('CA_CERT');
  const caKeyFile = value('CA_KEY');
  if ((caCertFile === undefined) !== (caKeyFile === undefined))
    problems.push('CA_CERT and CA_KEY must be set together');

  const ocspResponders = (value('OCSP_RESPONDERS') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const responder of ocspResponders) {
    if (!/^https?:\/\/[^/]+/.test(responder))
      problems.push(
        `OCSP_RESPONDERS must list http:// or https:// URL prefixes (got ${JSON.stringify(responder)})`,
      );
  }

  const contractServiceUrl = value('CONTRACT_CERTIFICATE_SERVICE_URL');
  if (contractServiceUrl && !/^https?:\/\/[^/]+/.test(contractServiceUrl))
    problems.push(
      `CONTRACT_CERTIFICATE_SERVICE_URL must be an http:// or https:// URL (got ${JSON.stringify(contractServiceUrl)})`,
    );
  if (value('CONTRACT_CERTIFICATE_SERVICE_TOKEN') && !contractServiceUrl)
    problems.push('CONTRACT_CERTIFICATE_SERVICE_TOKEN needs CONTRACT_CERTIFICATE_SERVICE_URL');

  const config: Config = {
    port: integer('PORT', 8080, 0, 65535),
    databaseUrl: url('DATABASE_URL', ['postgres:', 'postgresql:']),
    databaseSchema,
    dataDir: value('DATA_DIR') ?? './.data',
    eventStoreUrl: url('EVENTSTORE_URL', ['esdb:', 'esdb+discover:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    adminToken,
    tls,
    heartbeatIntervalSeconds: integer('HEARTBEAT_INTERVAL', 300, 10, 86_400),
    commandTimeoutSeconds: integer('COMMAND_TIMEOUT', 30, 1, 3_600),
    remoteStartTimeoutSeconds: integer('REMOTE_START_TIMEOUT', 30, 1, 3_600),
    localListSyncSeconds: integer('LOCAL_LIST_SYNC_INTERVAL', 86_400, 0, 31 * 86_400),
    runningCostSeconds: integer('RUNNING_COST_INTERVAL', 120, 0, 86_400),
    cdrSettleSeconds: integer('CDR_SETTLE', 300, 0, 7 * 86_400),
    presenceTtlSeconds: integer('PRESENCE_TTL', 60, 2, 3_600),
    autoRegister: oneOf('AUTO_REGISTER', AUTO_REGISTER, 'off'),
    logLevel: oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    tariff: {
      currency: value('TARIFF_CURRENCY') ?? 'EUR',
      perKwh: price('TARIFF_PER_KWH'),
      perMinute: price('TARIFF_PER_MINUTE'),
      perSession: price('TARIFF_PER_SESSION'),
    },
    meterValuesRetentionMonths: integer('METER_VALUES_RETENTION_MONTHS', 0, 0, 1200),
    publicUrl: url('PUBLIC_URL', ['http:', 'https:'])?.replace(/\/+$/, ''),
    fileUrlSecret,
    firmwareMaxBytes: integer('FIRMWARE_MAX_MB', 512, 1, 8_192) * 1024 * 1024,
    staleAfterSeconds: integer('STALE_AFTER', 600, 10, 7 * 86_400),
    ...(value('AUDIT_KEY_FILE') ? { auditKeyFile: value('AUDIT_KEY_FILE') } : {}),
    ocpi: {
      countryCode: pattern(
        'OCPI_COUNTRY_CODE',
        /^[A-Za-z]{2}$/,
        'ZZ',
        'an ISO 3166 alpha-2 country code such as NL',
      ).toUpperCase(),
      partyId: pattern('OCPI_PARTY_ID', /^[A-Za-z0-9]{3}$/, 'AMP', 'three letters or digits').toUpperCase(),
      businessName: value('CPO_NAME') ?? 'Ampledger',
    },
    certificates: {
      ...(caCertFile && caKeyFile ? { caCertFile, caKeyFile } : {}),
      ...(value('CPO_NAME') ? { organization: value('CPO_NAME') } : {}),
      validityDays: integer('CERTIFICATE_VALIDITY_DAYS', 365, 1, 3_650),
      ocspResponders,
      ...(contractServiceUrl
        ? {
            contractService: {
              url: contractServiceUrl,
              ...(value('CONTRACT_CERTIFICATE_SERVICE_TOKEN')
                ? { token: value('CONTRACT_CERTIFICATE_SERVICE_TOKEN') }
                : {}),
            },
          }
        : {}),
    },
    inboundRate: {
      perSecond: integer('OCPP_CALLS_PER_SECOND', 20, 1, 100_000),
      burst: integer('OCPP_CALL_BURST', 50, 1, 100_000),
    },
  };
  if (!/^[A-Z]{3}$/.test(config.tariff.currency)) {
    problems.push(
      `TARIFF_CURRENCY must be an ISO 4217 code such as EUR (got ${JSON.stringify(config.tariff.currency)})`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** For the CLI entry points: the configuration, or its problems on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
}
