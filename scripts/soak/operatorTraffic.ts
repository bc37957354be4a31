import { chargerIdentity, type FleetProtocol, protocolOf } from '../simulator/fleet.js';

export interface OperatorTrafficStats {
  /** requests by outcome: answered (2xx), offline (409), timeout (504), failed (anything else) */
  answered: number;
  offline: number;
  timeout: number;
  failed: number;
  /** the first few failures, for whoever reads the report */
  failures: string[];
  latenciesMs: number[];
}

/** the version-specific read of a charger's heartbeat interval */
function readHeartbeatInterval(protocol: '1.6' | '2.0.1') {
  return protocol === '1.6'
    ? { action: 'GetConfiguration', payload: { key: ['HeartbeatInterval'] } }
    : {
        action: 'GetVariables',
        payload: {
          getVariableData: [
            { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
          ],
        },
      };
}

/**
 * An operator at work during a soak: every `everyMs`, one request about a random charger of the
 * fleet, in turn a TriggerMessage, a configuration read in the charger's own version, the
 * charger's page and its sessions. Stops when the returned function is called.
 */
export function operatorTraffic(options: {
  apiUrl: string;
  token: string;
  prefix: string;
  chargers: number;
  protocol: FleetProtocol;
  everyMs: number;
  random: () => number;
}): { stats: OperatorTrafficStats; stop: () => Promise<void> } {
  const stats: OperatorTrafficStats = {
    answered: 0,
    offline: 0,
    timeout: 0,
    failed: 0,
    failures: [],
    latenciesMs: [],
  };
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const inFlight = new Set<Promise<void>>();
  let turn = 0;
  const request = async () => {
    const index = 1 + Math.floor(options.random() * options.chargers);
    const id = chargerIdentity(options.prefix, index);
    const protocol = protocolOf(options.protocol, index);
    const kind = turn++ % 4;
    const started = performance.now();
    let response: Response;
    if (kind === 0 || kind === 1) {
      const { action, payload } =
        kind === 0
          ? { action: 'TriggerMessage', payload: { requestedMessage: 'Heartbeat' } }
          : readHeartbeatInterval(protocol);
      response = await fetch(`${options.apiUrl}/api/chargers/${id}/commands/${action}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(60_000),
      });
    } else {
      const path = kind === 2 ? `/api/chargers/${id}` : `/api/sessions?chargerId=${id}`;
      response = await fetch(`${options.apiUrl}${path}`, { headers, signal: AbortSignal.timeout(60_000) });
    }
    const body = await response.text();
    stats.latenciesMs.push(performance.now() - started);
    if (response.ok) stats.answered++;
    else if (response.status === 409) stats.offline++;
    else if (response.status === 504) stats.timeout++;
    else {
      stats.failed++;
      if (stats.failures.length < 10) stats.failures.push(`${response.status} ${body.slice(0, 200)}`);
    }
  };
  const timer = setInterval(() => {
    const pending = request().catch((error: Error) => {
      stats.failed++;
      if (stats.failures.length < 10) stats.failures.push(error.message);
    });
    inFlight.add(pending);
    void pending.finally(() => inFlight.delete(pending));
  }, options.everyMs);
  return {
    stats,
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
