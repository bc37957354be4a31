import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OCSPRequest, OCSPResponse, OCSPResponseStatus, ResponseBytes } from '@peculiar/asn1-ocsp';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-certificate-status-201';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let responder: Server;
let responderUrl: string;
const asked: Array<{ contentType: string | undefined; body: Buffer }> = [];
const { api } = apiClient(() => server.url, ADMIN);

/** a successful OCSP response (its contents do not matter to us: the charger reads them) */
const RESPONSE = Buffer.from(
  AsnConvert.serialize(
    new OCSPResponse({
      responseStatus: OCSPResponseStatus.successful,
      responseBytes: new ResponseBytes({
        responseType: '1.3.6.1.5.5.7.48.1.1',
        response: new OctetString(Buffer.from('a BasicOCSPResponse, read by the charger alone')),
      }),
    }),
  ),
);

beforeAll(async () => {
  responder = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    asked.push({ contentType: request.headers['content-type'], body: Buffer.concat(chunks) });
    if (request.url === '/broken') {
      response.statusCode = 500;
      response.end();
      return;
    }
    if (request.url === '/unauthorized') {
      response.end(
        Buffer.from(
          AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus.unauthorized })),
        ),
      );
      return;
    }
    response.setHeader('content-type', 'application/ocsp-response');
    response.end(RESPONSE);
  });
  responder.listen(0, '127.0.0.1');
  await once(responder, 'listening');
  responderUrl = `http://127.0.0.1:${(responder.address() as AddressInfo).port}`;
  running = await startTestServer('certificate-status', {
    ADMIN_TOKEN: ADMIN,
    LOCAL_LIST_SYNC_INTERVAL: '0',
    OCSP_RESPONDERS: `${responderUrl}/`,
  });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
  responder?.close();
});

const ocspRequestData = (responderURL: string) => ({
  hashAlgorithm: 'SHA256',
  issuerNameHash: 'a1'.repeat(32),
  issuerKeyHash: 'b2'.repeat(32),
  serialNumber: '0badc0de',
  responderURL,
});

describe("a 2.0.1 charger asks for a certificate's status (GetCertificateStatus)", () => {
  it('the responder it names is asked, when OCSP_RESPONDERS allows it, and its response relayed', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-OCSP' });
    await api('POST', '/api/chargers/CP-OCSP/approve', ADMIN);
    const charger = await TestCharger.connect(
      `${server.url.replace('http', 'ws')}/ocpp/CP-OCSP`,
      'ocpp2.0.1',
    );
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });

    const answer = await charger.call('s1', 'GetCertificateStatus', {
      ocspRequestData: ocspRequestData(`${responderUrl}/ocsp`),
    });
    expect(answer).toEqual([3, 's1', { status: 'Accepted', ocspResult: RESPONSE.toString('base64') }]);
    // the responder got an RFC 6960 request naming exactly that certificate
    expect(asked).toHaveLength(1);
    expect(asked[0]!.contentType).toBe('application/ocsp-request');
    const request = AsnConvert.parse(asked[0]!.body, OCSPRequest);
    const [single] = request.tbsRequest.requestList;
    expect(single!.reqCert.hashAlgorithm.algorithm).toBe('2.16.840.1.101.3.4.2.1');
    expect(Buffer.from(single!.reqCert.issuerNameHash.buffer).toString('hex')).toBe('a1'.repeat(32));
    expect(Buffer.from(single!.reqCert.issuerKeyHash.buffer).toString('hex')).toBe('b2'.repeat(32));
    expect(Buffer.from(single!.reqCert.serialNumber).toString('hex')).toBe('0badc0de');

    const failed = async (id: string, url: string) => {
      const [, , payload] = await charger.call(id, 'GetCertificateStatus', {
        ocspRequestData: ocspRequestData(url),
      });
      return payload as { status: string; statusInfo: { reasonCode: string; additionalInfo: string } };
    };
    // a responder we were not told to trust is never asked
    expect(await failed('s2', 'http://169.254.169.254/latest')).toEqual({
      status: 'Failed',
      statusInfo: {
        reasonCode: 'OCSPFailed',
        additionalInfo: expect.stringContaining('not one OCSP_RESPONDERS allows'),
      },
    });
    expect(asked).toHaveLength(1);
    expect((await failed('s3', `${responderUrl}/broken`)).statusInfo.additionalInfo).toMatch(/HTTP 500/);
    expect((await failed('s4', `${responderUrl}/unauthorized`)).statusInfo.additionalInfo).toMatch(
      /answered unauthorized/,
    );

    const recorded = (await server.eventStore.readStream('charger-CP-OCSP'))
      .filter((event) => event.type === 'CertificateStatusRequested')
      .map((event) => (event.data as { decision: { status: string } }).decision.status);
    expect(recorded).toEqual(['Accepted', 'Failed', 'Failed', 'Failed']);
    charger.close();
  });
});
