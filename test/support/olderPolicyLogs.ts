import type { NewEvent } from '../../src/store/eventStore.js';

const T0 = Date.parse('2026-11-22T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/**
 * A session as the decider before issue 13 recorded it (minimal repro of §1): meterStart 0, a
 * sample of "1.0005" kWh, meterStop 1000 Wh; the stop below the sample was taken for a register
 * reset and the session billed 2000.5 Wh.
 */
export function doubledSession(chargerId: string): NewEvent[] {
  const sample = {
    chargerTime: at(10),
    correctedTime: at(10),
    values: [
      {
        measurand: 'Energy.Active.Import.Register',
        value: 1000.5,
        unit: 'Wh',
        context: 'Sample.Periodic',
        format: 'Raw',
        raw: { value: '1.0005', unit: 'kWh' },
      },
    ],
  };
  const connector = { evseId: 1, connectorId: 1 };
  const common = { transactionKey: '7', tenant: 'default' };
  const metadata = (minutes: number) => ({ metadata: { receivedAt: at(minutes) } });
  return [
    {
      type: 'ChargerRegistered',
      data: { identity: chargerId, tenant: 'default', securityProfile: 0, autoRegistered: false },
      ...metadata(0),
    },
    {
      type: 'TransactionStarted',
      data: {
        ...connector,
        ...common,
        idTag: 'TAG',
        normalisedIdTag: 'TAG',
        meterStartWh: 0,
        chargerTime: at(0),
        correctedTime: at(0),
        authorization: { status: 'Accepted', reason: 'known token' },
        flags: [],
      },
      ...metadata(0),
    },
    {
      type: 'MeterValuesReported',
      data: { ...connector, ...common, link: 'reported', samples: [sample], duplicateSamples: [] },
      ...metadata(10),
    },
    {
      type: 'TransactionStopped',
      data: {
        ...common,
        meterStopWh: 1000,
        chargerTime: at(20),
        correctedTime: at(20),
        reason: 'Local',
        stopKind: 'normal',
        samples: [],
        duplicateSamples: [],
        energyWh: 2000.5,
        flags: [
          {
            code: 'register_reset',
            detail: { resets: 1, meterStartWh: 0, meterStopWh: 1000, expected: false },
          },
        ],
      },
      ...metadata(20),
    },
  ];
}

/**
 * The CDR an older Ampledger issued for the doubled session: 2000.5 Wh, its register_reset flag,
 * at the configured tariff (free).
 */
export function doubledSessionCdr(chargerId: string): NewEvent[] {
  const free = { excl_vat: 0, incl_vat: 0 };
  return [
    {
      type: 'CdrIssued',
      data: {
        sessionId: `${chargerId}:7`,
        chargerId,
        transactionKey: '7',
        tenant: 'default',
        evseId: 1,
        connectorId: 1,
        idTag: 'TAG',
        startTime: at(0),
        stopTime: at(20),
        energyWh: 2000.5,
        chargingSeconds: 1_200,
        idleSeconds: 0,
        stopReason: 'Local',
        flags: [
          {
            code: 'register_reset',
            detail: { resets: 1, meterStartWh: 0, meterStopWh: 1000, expected: false },
          },
        ],
        cdrId: `${chargerId}:7#1`,
        price: {
          tariff: null,
          currency: 'EUR',
          energy: free,
          time: free,
          parkingTime: free,
          flat: free,
          total: free,
        },
        heldFor: [],
        issuedAt: at(26),
      },
      metadata: { receivedAt: at(26), actor: 'cdr-issuer', sessionRevision: '3' },
    },
  ];
}
