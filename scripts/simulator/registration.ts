import { chargerIdentity, chargerTag } from './fleet.js';
import { connectorTag } from './simulatedCharger.js';

/**
 * Registers a fleet's chargers (approved, with the password if one is given) and their tags
 * through the operator API, before they connect. Idempotent: what exists already is left as is.
 */
export async function registerFleet(options: {
  api: string;
  token: string;
  prefix: string;
  firstIndex: number;
  chargers: number;
  password?: string;
  /** a tag for each connector's driver */
  connectors?: number;
  parallel?: number;
  onProgress?: (done: number) => void;
}): Promise<void> {
  const post = async (path: string, body?: object) => {
    const response = await fetch(`${options.api.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    if (!response.ok && response.status !== 409) {
      throw new Error(`POST ${path}: ${response.status} ${text}`);
    }
  };
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < options.chargers) {
      const index = options.firstIndex + next++;
      const id = chargerIdentity(options.prefix, index);
      await post('/api/chargers', { id, ...(options.password ? { password: options.password } : {}) });
      await post(`/api/chargers/${encodeURIComponent(id)}/approve`);
      for (let connector = 1; connector <= (options.connectors ?? 1); connector++) {
        await post('/api/tokens', { idTag: connectorTag(chargerTag(options.prefix, index), connector) });
      }
      options.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 8 }, worker));
}
