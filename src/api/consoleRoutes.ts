import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where the build step (scripts/build/console.ts) writes the console. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

/** The console's deep links (ARCHITECTURE §8): each answers with the console, which routes itself. */
export const CONSOLE_PAGES = [
  '/',
  '/chargers/:id',
  '/chargers/:id/messages',
  '/sessions/:transactionId',
  '/cdrs',
  '/tokens',
  '/api-tokens',
];

/** No inline script, nothing from elsewhere, never in a frame. */
const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const secure = (reply: FastifyReply) => {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
};

/** The operator console: its pages (history routing) and its bundled assets, from the same process. */
export async function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): Promise<void> {
  const indexFile = `${dir}index.html`;
  const index = existsSync(indexFile) ? readFileSync(indexFile) : undefined;
  await app.register(async (scope) => {
    scope.addHook('onSend', async (_request, reply) => secure(reply));
    if (existsSync(`${dir}assets`)) {
      await scope.register(fastifyStatic, {
        root: `${dir}assets`,
        prefix: '/assets/',
        // file names carry their content hash: they never change
        immutable: true,
        maxAge: '365d',
      });
    }
    for (const page of CONSOLE_PAGES) {
      scope.get(page, { schema: { hide: true } }, async (_request, reply) => {
        if (!index) {
          return reply
            .code(503)
            .type('text/plain')
            .send('the console is not built: run `npm run build` (npm start does it first)\n');
        }
        return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
      });
    }
  });
}
