import { TestCharger } from './gatewayHarness.js';

export interface Acknowledged {
  identity: string;
  messageId: string;
  action: string;
}

/** What a fleet of driven chargers went through. */
export interface LoadLedger {
  /** every CALLRESULT a charger received: each stands for an event the CSMS must have stored */
  acknowledged: Acknowledged[];
  /** CALLERRORs received, by error code */
  errors: Record<string, number>;
  /** the first three CALLERRORs of each code, with the call and the description, to say what went wrong */
  errorSamples: string[];
  /** calls that got no answer in time (and were sent again) */
  unanswered: number;
}

export const emptyLedger = (): LoadLedger => ({
  acknowledged: [],
  errors: {},
  errorSamples: [],
  unanswered: 0,
});

const RETRY_PAUSE_MS = 300;
/** a charger's calls no closer than this: 16 a second, under the CSMS's flood limit (20/s) */
const CALL_GAP_MS = 60;

/**
 * One OCPP 1.6 charger's realistic loop (boot, status, sessions with samples, heartbeats) until its
 * socket dies or the time is up. Like a real charger it sends a call again, under a new message
 * id, after a CALLERROR or when no answer came; every answer is noted in the ledger.
 */
export async function driveCharger(
  url: string,
  identity: string,
  /** until: when to stop, read again before every call (a test can move it) */
  options: { until: number | (() => number); tags: readonly string[]; ledger: LoadLedger },
): Promise<void> {
  const { ledger } = options;
  const until = () => (typeof options.until === 'number' ? options.until : options.until());
  const charger = await TestCharger.connect(`${url.replace('http', 'ws')}/ocpp/${identity}`, 'ocpp1.6');
  let closed = false;
  const closing = charger.closed().then(() => {
    closed = true;
    return undefined;
  });
  let n = 0;
  let lastSent = 0;
  const call = async (action: string, payload: object) => {
    const number = ++n;
    for (let attempt = 1; !closed && Date.now() < until(); attempt++) {
      const gap = lastSent + CALL_GAP_MS - Date.now();
      if (gap > 0) await new Promise((done) => setTimeout(done, gap));
      lastSent = Date.now();
      const messageId = `${identity}-${number}-${attempt}`;
      const answer = await Promise.race([
        charger.call(messageId, action, payload).catch(() => undefined),
        closing,
      ]);
      if (closed) return undefined;
      if (answer?.[0] === 3) {
        ledger.acknowledged.push({ identity, messageId, action });
        return answer[2] as Record<string, unknown>;
      }
      if (answer?.[0] === 4) {
        const code = String(answer[2]);
        ledger.errors[code] = (ledger.errors[code] ?? 0) + 1;
        if (ledger.errorSamples.filter((sample) => sample.startsWith(`${code} `)).length < 3)
          ledger.errorSamples.push(`${code} to ${action}: ${String(answer[3])}`);
      } else ledger.unanswered++;
      await new Promise((done) => setTimeout(done, RETRY_PAUSE_MS));
    }
    return undefined;
  };
  const now = () => new Date().toISOString();
  try {
    if (!(await call('BootNotification', { chargePointVendor: 'ACME', chargePointModel: 'Load' }))) return;
    let meter = 0;
    for (let round = 0; Date.now() < until() && round < 500; round++) {
      const status = { connectorId: 1, errorCode: 'NoError', status: 'Preparing', timestamp: now() };
      if (!(await call('StatusNotification', status))) return;
      const idTag = options.tags[(round + identity.length) % options.tags.length]!;
      const started = await call('StartTransaction', {
        connectorId: 1,
        idTag,
        meterStart: meter,
        timestamp: now(),
      });
      if (!started) return;
      for (let sample = 0; sample < 2; sample++) {
        meter += 250;
        const sampledValue = [
          { value: String(meter), measurand: 'Energy.Active.Import.Register', unit: 'Wh' },
        ];
        const meterValue = [{ timestamp: now(), sampledValue }];
        if (
          !(await call('MeterValues', { connectorId: 1, transactionId: started.transactionId, meterValue }))
        )
          return;
      }
      const stop = {
        transactionId: started.transactionId,
        meterStop: meter,
        timestamp: now(),
        reason: 'Local',
      };
      if (!(await call('StopTransaction', stop))) return;
      if (!(await call('Heartbeat', {}))) return;
    }
  } finally {
    charger.close();
  }
}

/** The acknowledged calls whose message id no event in the charger's stream carries. */
export async function acknowledgedButMissing(
  store: { readStream(streamId: string): Promise<Array<{ metadata: unknown }>> },
  ledger: LoadLedger,
): Promise<Acknowledged[]> {
  const missing: Acknowledged[] = [];
  const identities = [...new Set(ledger.acknowledged.map((entry) => entry.identity))];
  for (const identity of identities) {
    const events = await store.readStream(`charger-${identity}`).catch(() => []);
    const recorded = new Set(
      events.map((event) => (event.metadata as { ocpp?: { messageId?: string } }).ocpp?.messageId),
    );
    for (const ack of ledger.acknowledged.filter((entry) => entry.identity === identity)) {
      if (!recorded.has(ack.messageId)) missing.push(ack);
    }
  }
  return missing;
}
