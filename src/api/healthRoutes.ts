import type { FastifyInstance } from 'fastify';

/** One dependency that /health asks: it throws when the part is not usable. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const TIMEOUT_MS = 3_000;

/** GET /health: 200 when every part answers, 503 naming the parts that failed. */
export function registerHealthRoutes(app: FastifyInstance, checks: HealthCheck[]): void {
  app.get('/health', async (_request, reply) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), TIMEOUT_MS);
          return [name, { status: 'up' }] as const;
        } catch (error) {
          return [name, { status: 'down', error: (error as Error).message }] as const;
        }
      }),
    );
    const healthy = results.every(([, result]) => result.status === 'up');
    return reply
      .code(healthy ? 200 : 503)
      .send({ status: healthy ? 'up' : 'down', parts: Object.fromEntries(results) });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
