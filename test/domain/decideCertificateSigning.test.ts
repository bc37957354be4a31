import { describe, expect, it } from 'vitest';
import type { CsrReading } from '../../src/domain/charger/certificates/csrRules.js';
import type { ChargingEvent } from '../../src/domain/charger/chargerEvents.js';
import { evolveCharger, initialChargerState } from '../../src/domain/charger/chargerState.js';
import { type DecisionContext, decideCharger } from '../../src/domain/charger/decideCharger.js';
import type { RegistryEvent } from '../../src/domain/charger/registry/registryEvents.js';

const context: DecisionContext = {
  chargerId: 'CP1',
  receivedAt: '2026-12-06T10:00:00.000Z',
  heartbeatIntervalSeconds: 300,
};
const registered: RegistryEvent = {
  type: 'ChargerRegistered',
  data: { identity: 'CP1', tenant: 'default', securityProfile: 2, autoRegistered: false },
};
const bootedWithSerial: ChargingEvent = {
  type: 'ChargerBooted',
  data: {
    vendor: 'ACME',
    model: 'X1',
    serialNumber: 'SN-77',
    decision: { status: 'Accepted', interval: 300, currentTime: context.receivedAt },
  },
};

const reading = (overrides: Partial<Extract<CsrReading, { readable: true }>> = {}): CsrReading => ({
  readable: true,
  signatureValid: true,
  subject: { text: 'CN=CP1, O=Acme CPO', commonName: 'CP1', organization: 'Acme CPO' },
  key: { type: 'EC', curve: 'P-256' },
  ...overrides,
});

function given(...history: Array<RegistryEvent | ChargingEvent>) {
  const state = history.reduce(
    (current, event) => evolveCharger(current, event, context.receivedAt),
    initialChargerState(),
  );
  return {
    whenSigning: (
      csrReading: CsrReading | undefined,
      extra: { organization?: string; certificateType?: 'V2GCertificate' } = {},
    ) => {
      const decision = decideCharger(
        { type: 'RequestCertificateSigning', csr: 'PEM', reading: csrReading, ...extra },
        state,
        context,
      );
      const event = decision.events[0]!;
      if (event.type !== 'CertificateSigningRequested') throw new Error(`unexpected ${event.type}`);
      return {
        thenAccepted: () => {
          expect(decision.reply).toEqual({ type: 'SigningDecision', status: 'Accepted' });
          expect(event.data.decision).toEqual({ status: 'Accepted' });
          return event.data;
        },
        thenRejectedBecause: (reason: RegExp) => {
          expect(decision.reply).toMatchObject({ type: 'SigningDecision', status: 'Rejected' });
          expect(event.data.decision.status).toBe('Rejected');
          expect(event.data.decision.reason).toMatch(reason);
          expect(decision.reply).toEqual({
            type: 'SigningDecision',
            status: 'Rejected',
            reason: event.data.decision.reason,
          });
        },
      };
    },
  };
}

describe('a charger asks us to sign its certificate (SignCertificate)', () => {
  it('a CSR naming the charger by its identity, signed with its own key, is Accepted and recorded with its subject', () => {
    const recorded = given(registered)
      .whenSigning(reading(), { certificateType: 'V2GCertificate' })
      .thenAccepted();
    expect(recorded).toEqual({
      csr: 'PEM',
      certificateType: 'V2GCertificate',
      subject: 'CN=CP1, O=Acme CPO',
      decision: { status: 'Accepted' },
    });
  });

  it('a CSR naming another charger, even by the serial number this one booted with, is Rejected: profile 3 admits a certificate for the identity only', () => {
    given(registered, bootedWithSerial)
      .whenSigning(reading({ subject: { text: 'CN=CP2', commonName: 'CP2' } }))
      .thenRejectedBecause(/common name "CP2" is not the charger's identity "CP1"/);
    given(registered, bootedWithSerial)
      .whenSigning(reading({ subject: { text: 'CN=SN-77', commonName: 'SN-77' } }))
      .thenRejectedBecause(/common name "SN-77" is not the charger's identity "CP1"/);
  });

  it('a CSR without a common name is Rejected', () => {
    given(registered)
      .whenSigning(reading({ subject: { text: 'O=Acme CPO', organization: 'Acme CPO' } }))
      .thenRejectedBecause(/no common name/);
  });

  it('a CSR whose signature does not verify is Rejected: the charger does not prove it holds the key', () => {
    given(registered)
      .whenSigning(reading({ signatureValid: false }))
      .thenRejectedBecause(/signature does not verify/);
  });

  it('an RSA key under 2048 bits, a curve we do not accept, or another kind of key is Rejected', () => {
    given(registered)
      .whenSigning(reading({ key: { type: 'RSA', bits: 1024 } }))
      .thenRejectedBecause(/RSA key has 1024 bits: at least 2048/);
    given(registered)
      .whenSigning(reading({ key: { type: 'EC', curve: 'K-256' } }))
      .thenRejectedBecause(/curve K-256/);
    given(registered)
      .whenSigning(reading({ key: { type: 'other', name: 'Ed25519' } }))
      .thenRejectedBecause(/Ed25519: an RSA or EC key is needed/);
    given(registered)
      .whenSigning(reading({ key: { type: 'RSA', bits: 2048 } }))
      .thenAccepted();
  });

  it("with CPO_NAME configured, the CSR's organization must be the operator's", () => {
    given(registered).whenSigning(reading(), { organization: 'Acme CPO' }).thenAccepted();
    given(registered)
      .whenSigning(reading({ subject: { text: 'CN=CP1', commonName: 'CP1' } }), { organization: 'Acme CPO' })
      .thenRejectedBecause(/organization "" is not the operator's \("Acme CPO"\)/);
  });

  it('a CSR that is not PKCS#10 PEM, or was not read, is Rejected with what was wrong', () => {
    given(registered)
      .whenSigning({ readable: false, problem: 'bad base64' })
      .thenRejectedBecause(/not a PEM-encoded PKCS#10 request: bad base64/);
    given(registered)
      .whenSigning(undefined)
      .thenRejectedBecause(/it was not read/);
  });
});
