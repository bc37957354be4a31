import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('configuration', () => {
  it('an empty environment gives the documented defaults: embedded database, one node', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      databaseUrl: undefined,
      databaseSchema: undefined,
      dataDir: './.data',
      eventStoreUrl: undefined,
      redisUrl: undefined,
      adminToken: undefined,
      tls: undefined,
      heartbeatIntervalSeconds: 300,
      commandTimeoutSeconds: 30,
      remoteStartTimeoutSeconds: 30,
      localListSyncSeconds: 86_400,
      runningCostSeconds: 120,
      cdrSettleSeconds: 300,
      presenceTtlSeconds: 60,
      autoRegister: 'off',
      logLevel: 'info',
      tariff: { currency: 'EUR', perKwh: 0, perMinute: 0, perSession: 0 },
      meterValuesRetentionMonths: 0,
      inboundRate: { perSecond: 20, burst: 50 },
      publicUrl: undefined,
      fileUrlSecret: undefined,
      firmwareMaxBytes: 512 * 1024 * 1024,
      staleAfterSeconds: 600,
      ocpi: { countryCode: 'ZZ', partyId: 'AMP', businessName: 'Ampledger' },
      certificates: { validityDays: 365, ocspResponders: [] },
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '9000',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      DATABASE_SCHEMA: 'ampledger',
      DATA_DIR: '/var/lib/ampledger',
      EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ADMIN_TOKEN: 'a-very-long-admin-token',
      TLS_PORT: '8443',
      TLS_CERT: 'cert.pem',
      TLS_KEY: 'key.pem',
      TLS_CA: 'ca.pem',
      HEARTBEAT_INTERVAL: '60',
      COMMAND_TIMEOUT: '10',
      AUTO_REGISTER: 'pending',
      LOG_LEVEL: 'debug',
      TARIFF_CURRENCY: 'CHF',
      TARIFF_PER_KWH: '0.45',
      TARIFF_PER_MINUTE: '0.05',
      TARIFF_PER_SESSION: '1.5',
      METER_VALUES_RETENTION_MONTHS: '24',
      CA_CERT: 'ca-chain.pem',
      CA_KEY: 'ca.key',
      CPO_NAME: 'Acme CPO',
      CERTIFICATE_VALIDITY_DAYS: '90',
      OCSP_RESPONDERS: 'http://ocsp.example/, https://ocsp.v2g.example/ocsp',
      CONTRACT_CERTIFICATE_SERVICE_URL: 'https://pnc.example/certificates',
      CONTRACT_CERTIFICATE_SERVICE_TOKEN: 'secret',
      OCPI_COUNTRY_CODE: 'nl',
      OCPI_PARTY_ID: 'acm',
      RUNNING_COST_INTERVAL: '30',
    });
    expect(config).toMatchObject({
      runningCostSeconds: 30,
      ocpi: { countryCode: 'NL', partyId: 'ACM', businessName: 'Acme CPO' },
      certificates: {
        caCertFile: 'ca-chain.pem',
        caKeyFile: 'ca.key',
        organization: 'Acme CPO',
        validityDays: 90,
        ocspResponders: ['http://ocsp.example/', 'https://ocsp.v2g.example/ocsp'],
        contractService: { url: 'https://pnc.example/certificates', token: 'secret' },
      },
      tariff: { currency: 'CHF', perKwh: 0.45, perMinute: 0.05, perSession: 1.5 },
      meterValuesRetentionMonths: 24,
      port: 9000,
      databaseSchema: 'ampledger',
      tls: { port: 8443, certificates: [{ certFile: 'cert.pem', keyFile: 'key.pem' }], caFile: 'ca.pem' },
      heartbeatIntervalSeconds: 60,
      commandTimeoutSeconds: 10,
      autoRegister: 'pending',
      logLevel: 'debug',
    });
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      EVENTSTORE_URL: 'http://127.0.0.1:2113',
      HEARTBEAT_INTERVAL: '-5',
      AUTO_REGISTER: 'yes',
      LOG_LEVEL: 'loud',
      ADMIN_TOKEN: 'short',
      DATABASE_SCHEMA: 'Robert"); DROP',
      TARIFF_PER_KWH: '-1',
      TARIFF_CURRENCY: 'euro',
      METER_VALUES_RETENTION_MONTHS: 'forever',
      OCPI_COUNTRY_CODE: 'NLD',
      OCPI_PARTY_ID: 'A',
    });
    for (const name of [
      'OCPI_COUNTRY_CODE',
      'OCPI_PARTY_ID',
      'TARIFF_PER_KWH',
      'TARIFF_CURRENCY',
      'METER_VALUES_RETENTION_MONTHS',
      'PORT',
      'DATABASE_URL',
      'EVENTSTORE_URL',
      'HEARTBEAT_INTERVAL',
      'AUTO_REGISTER',
      'LOG_LEVEL',
      'ADMIN_TOKEN',
      'DATABASE_SCHEMA',
    ]) {
      expect(problems.some((problem) => problem.startsWith(name))).toBe(true);
    }
    expect(problems).toHaveLength(13);
  });

  it('TLS needs both a certificate and a key', () => {
    expect(problemsOf({ TLS_CERT: 'cert.pem' })).toEqual(['TLS_CERT and TLS_KEY must be set together']);
    expect(problemsOf({ TLS_CA: 'ca.pem' })).toEqual(['TLS_CA needs TLS_CERT and TLS_KEY']);
    expect(problemsOf({ TLS_PORT: '70000', TLS_CERT: 'c', TLS_KEY: 'k' })[0]).toMatch(/^TLS_PORT/);
    expect(problemsOf({ TLS_CERT: 'rsa.crt,ec.crt', TLS_KEY: 'rsa.key' })).toEqual([
      'TLS_CERT and TLS_KEY must list as many files each (certificate and key in pairs)',
    ]);
    expect(loadConfig({ TLS_CERT: 'rsa.crt, ec.crt', TLS_KEY: 'rsa.key,ec.key' }).tls?.certificates).toEqual([
      { certFile: 'rsa.crt', keyFile: 'rsa.key' },
      { certFile: 'ec.crt', keyFile: 'ec.key' },
    ]);
  });

  it("the chargers' CA needs both its certificate and its key, and a validity it can give", () => {
    expect(problemsOf({ CA_CERT: 'ca.pem' })).toEqual(['CA_CERT and CA_KEY must be set together']);
    expect(problemsOf({ CA_KEY: 'ca.key' })).toEqual(['CA_CERT and CA_KEY must be set together']);
    expect(problemsOf({ CERTIFICATE_VALIDITY_DAYS: '0' })[0]).toMatch(/^CERTIFICATE_VALIDITY_DAYS/);
    expect(problemsOf({ OCSP_RESPONDERS: 'ocsp.example' })[0]).toMatch(/^OCSP_RESPONDERS/);
    expect(problemsOf({ CONTRACT_CERTIFICATE_SERVICE_URL: 'pnc.example' })[0]).toMatch(
      /^CONTRACT_CERTIFICATE_SERVICE_URL/,
    );
    expect(problemsOf({ CONTRACT_CERTIFICATE_SERVICE_TOKEN: 'secret' })).toEqual([
      'CONTRACT_CERTIFICATE_SERVICE_TOKEN needs CONTRACT_CERTIFICATE_SERVICE_URL',
    ]);
  });
});
