import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logging.js';
import { type HealthCheck, registerHealthRoutes } from './healthRoutes.js';

export interface HttpServerParts {
  logger: Logger;
  health: HealthCheck[];
}

/** The one HTTP server on PORT: REST API, /health (and, later, the OCPP WebSocket upgrade). */
export function buildHttpServer({ logger, health }: HttpServerParts): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ part: 'http' }) as FastifyBaseLogger,
  });
  registerHealthRoutes(app, health);
  return app;
}
