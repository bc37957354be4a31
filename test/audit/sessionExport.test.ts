import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditKey, keyIdOf } from '../../src/audit/auditKey.js';
import { canonical, sealSessionExport, verifySessionExport } from '../../src/audit/sessionExport.js';

function key(): AuditKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKeyPem, keyId: keyIdOf(publicKeyPem) };
}
const server = key();
const content = {
  exportedAt: '2026-12-06T12:00:00.000Z',
  session: { id: 'CP1:101', energyWh: 10_000, flags: [] },
  cdrs: [{ id: 'CP1:101:v1', cost_total: '3.00' }],
  pricing: [],
  redecision: {
    stateBefore: { connectors: {}, transactions: [] },
    tokens: [],
    heartbeatIntervalSeconds: 300,
  },
  entries: [
    {
      revision: '7',
      type: 'TransactionStarted',
      receivedAt: '2026-12-06T10:00:00.000Z',
      data: { transactionKey: '101', meterStartWh: 1000 },
      ocpp: { frame: '[2,"m1","StartTransaction",{"connectorId":1,"idTag":"TAG","meterStart":1000}]' },
    },
    {
      revision: '9',
      type: 'TransactionStopped',
      receivedAt: '2026-12-06T11:00:00.000Z',
      data: { transactionKey: '101', energyWh: 10_000 },
      ocpp: { frame: '[2,"m2","StopTransaction",{"transactionId":101,"meterStop":11000}]' },
    },
  ],
};
const sealed = sealSessionExport(content, server);
// biome-ignore lint/suspicious/noExplicitAny: a test edits whatever JSON the bundle holds
const edit = (change: (bundle: Record<string, any>) => void) => {
  const bundle = JSON.parse(sealed);
  change(bundle);
  return canonical(bundle);
};

describe('session exports', () => {
  it('given a sealed export, it verifies, against the trusted key too, and is canonical JSON', () => {
    expect(verifySessionExport(sealed)).toEqual([]);
    expect(verifySessionExport(sealed, server.publicKeyPem)).toEqual([]);
    expect(verifySessionExport(`${sealed}\n`)).toEqual([]);
    expect(canonical(JSON.parse(sealed))).toBe(sealed);
  });

  it('when a frame, a fact, the session or a CDR is changed, it does not verify', () => {
    const frame = edit((bundle) => {
      bundle.entries[0].ocpp.frame = bundle.entries[0].ocpp.frame.replace('1000', '100');
    });
    expect(verifySessionExport(frame)[0]).toMatch(/entry 0 .* does not match its hash/);
    const fact = edit((bundle) => {
      bundle.entries[1].data.energyWh = 1;
    });
    expect(verifySessionExport(fact)[0]).toMatch(/entry 1/);
    const session = edit((bundle) => {
      bundle.session.energyWh = 9_000;
    });
    expect(verifySessionExport(session)).toEqual([
      'the session, its CDRs, their pricing, the redecision or the head were changed after sealing',
    ]);
    const state = edit((bundle) => {
      bundle.redecision.heartbeatIntervalSeconds = 60;
    });
    expect(verifySessionExport(state)).toHaveLength(1);
    const cdr = edit((bundle) => {
      bundle.cdrs[0].cost_total = '0.00';
    });
    expect(verifySessionExport(cdr)).toHaveLength(1);
  });

  it('when an entry is dropped or they are reordered, the chain breaks', () => {
    expect(verifySessionExport(edit((bundle) => bundle.entries.pop()))).not.toEqual([]);
    expect(verifySessionExport(edit((bundle) => bundle.entries.reverse()))).not.toEqual([]);
  });

  it('when someone re-seals it with a key of their own, it verifies only without the trusted key', () => {
    const forged = sealSessionExport({ ...content, session: { ...content.session, energyWh: 1 } }, key());
    expect(verifySessionExport(forged)).toEqual([]);
    expect(verifySessionExport(forged, server.publicKeyPem)[0]).toMatch(/not the trusted key/);
  });

  it('when the signature or the formatting is touched, it does not verify', () => {
    const signature = edit((bundle) => {
      bundle.seal.signature = Buffer.alloc(64, 1).toString('base64');
    });
    expect(verifySessionExport(signature)).toEqual(['the signature does not verify']);
    expect(verifySessionExport(sealed.replace('{"cdrs"', '{ "cdrs"'))[0]).toMatch(/not the canonical form/);
  });

  it('whichever byte is changed, to whatever, it does not verify', () => {
    fc.assert(
      fc.property(fc.nat({ max: sealed.length - 1 }), fc.integer({ min: 32, max: 126 }), (at, code) => {
        const replacement = String.fromCharCode(code);
        fc.pre(sealed[at] !== replacement);
        const tampered = sealed.slice(0, at) + replacement + sealed.slice(at + 1);
        expect(verifySessionExport(tampered, server.publicKeyPem)).not.toEqual([]);
      }),
      { numRuns: 2_000 },
    );
  });
});
