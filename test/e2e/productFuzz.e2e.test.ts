import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzFindings, fuzzProduct } from '../../scripts/fuzz/fuzzProduct.js';
import { journaledFrames, readModelsCatchUp } from '../../scripts/fuzz/productProbes.js';
import type { RunningAmpledger } from '../../src/main.js';
import { startTestServer } from '../support/testServer.js';

/** CI's short run of `npm run fuzz` (100,000 frames and more there) */
const FRAMES = Number(process.env.PRODUCT_FUZZ_FRAMES ?? 2_000);
const SEED = Number(process.env.PRODUCT_FUZZ_SEED ?? 20261206);

let running: Awaited<ReturnType<typeof startTestServer>> | undefined;
let server: RunningAmpledger;

beforeAll(async () => {
  running = await startTestServer('product-fuzz', {
    AUTO_REGISTER: 'accept',
    OCPP_CALLS_PER_SECOND: '100000',
    OCPP_CALL_BURST: '100000',
    LOCAL_LIST_SYNC_INTERVAL: '0',
  });
  server = running.server;
});
afterAll(() => running?.stop());

describe('fuzzing the whole product (gateway, decider, log)', () => {
  it(`${FRAMES.toLocaleString('en-US')} frames of 1.6, 2.0.1 and 2.1: each CALL answered once with a code its version has, each frame journaled, no crash`, async () => {
    const report = await fuzzProduct({
      url: `${server.url.replace('http', 'ws')}/ocpp`,
      frames: FRAMES,
      seed: SEED,
      journaledFrames: (identity) => journaledFrames(server.eventStore, identity),
      readModelsCatchUp: () => readModelsCatchUp(server.projections),
    });
    expect(report.frames).toBe(FRAMES);
    expect(report.calls).toBeGreaterThan(FRAMES / 2);
    expect(fuzzFindings(report)).toEqual([]);
  }, 300_000);
});
