import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAmpledger } from '../../src/main.js';
import { apiClient } from '../support/apiClient.js';
import { TestCharger } from '../support/gatewayHarness.js';
import { startTestServer } from '../support/testServer.js';

const ADMIN = 'admin-token-contract-certificates-201';
const SERVICE_TOKEN = 'contract-service-token';
const SCHEMA = 'urn:iso:15118:2:2013:MsgDef';
let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;
let service: Server;
const asked: Array<{ authorization: string | undefined; body: Record<string, string> }> = [];
const { api } = apiClient(() => server.url, ADMIN);

beforeAll(async () => {
  // a contract certificate service whose answer the EV's request chooses
  service = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, string>;
    asked.push({ authorization: request.headers.authorization, body });
    response.setHeader('content-type', 'application/json');
    if (body.exiRequest === 'BROKEN') {
      response.statusCode = 502;
      response.end('{}');
    } else if (body.exiRequest === 'UNKNOWN-EMAID') {
      response.end(JSON.stringify({ status: 'Failed', reason: 'no contract for this EV' }));
    } else if (body.exiRequest === 'HUGE') {
      response.end(JSON.stringify({ status: 'Accepted', exiResponse: 'A'.repeat(6_000) }));
    } else {
      response.end(JSON.stringify({ status: 'Accepted', exiResponse: `SIGNED-${body.exiRequest}` }));
    }
  });
  service.listen(0, '127.0.0.1');
  await once(service, 'listening');
  running = await startTestServer('contract-certificates', {
    ADMIN_TOKEN: ADMIN,
    LOCAL_LIST_SYNC_INTERVAL: '0',
    CONTRACT_CERTIFICATE_SERVICE_URL: `http://127.0.0.1:${(service.address() as AddressInfo).port}/pnc`,
    CONTRACT_CERTIFICATE_SERVICE_TOKEN: SERVICE_TOKEN,
  });
  server = running.server;
});
afterAll(async () => {
  await running?.stop();
  service?.close();
});

describe("a 2.0.1 charger relays an EV's ISO 15118 certificate request (Get15118EVCertificate)", () => {
  it('the configured contract certificate service is asked, and its answer relayed; a failure is Failed with why', async () => {
    await api('POST', '/api/chargers', ADMIN, { id: 'CP-PNC' });
    await api('POST', '/api/chargers/CP-PNC/approve', ADMIN);
    const charger = await TestCharger.connect(`${server.url.replace('http', 'ws')}/ocpp/CP-PNC`, 'ocpp2.0.1');
    await charger.call('b', 'BootNotification', {
      reason: 'PowerUp',
      chargingStation: { vendorName: 'A', model: 'M' },
    });
    const ask = async (id: string, exiRequest: string) =>
      (
        await charger.call(id, 'Get15118EVCertificate', {
          iso15118SchemaVersion: SCHEMA,
          action: 'Install',
          exiRequest,
        })
      )[2] as {
        status: string;
        exiResponse: string;
        statusInfo?: { reasonCode: string; additionalInfo: string };
      };

    expect(await ask('e1', 'EXI-1')).toEqual({ status: 'Accepted', exiResponse: 'SIGNED-EXI-1' });
    expect(asked).toEqual([
      {
        authorization: `Bearer ${SERVICE_TOKEN}`,
        body: { chargerId: 'CP-PNC', iso15118SchemaVersion: SCHEMA, action: 'Install', exiRequest: 'EXI-1' },
      },
    ]);
    const failure = async (id: string, exiRequest: string) => {
      const answer = await ask(id, exiRequest);
      expect(answer).toMatchObject({
        status: 'Failed',
        exiResponse: '',
        statusInfo: { reasonCode: 'NoContractService' },
      });
      return answer.statusInfo!.additionalInfo;
    };
    expect(await failure('e2', 'BROKEN')).toMatch(/answered HTTP 502/);
    expect(await failure('e3', 'UNKNOWN-EMAID')).toMatch(/refused it: no contract for this EV/);
    expect(await failure('e4', 'HUGE')).toMatch(/too long for a charger/);

    // each is recorded with its decision: the response relayed is part of the record
    const decisions = (await server.eventStore.readStream('charger-CP-PNC'))
      .filter((event) => event.type === 'EVCertificateRequested')
      .map((event) => (event.data as { decision: { status: string; exiResponse?: string } }).decision);
    expect(decisions).toEqual([
      { status: 'Accepted', exiResponse: 'SIGNED-EXI-1' },
      { status: 'Failed', reason: expect.stringMatching(/HTTP 502/) },
      { status: 'Failed', reason: expect.stringMatching(/no contract for this EV/) },
      { status: 'Failed', reason: expect.stringMatching(/too long/) },
    ]);
    charger.close();
  });
});
