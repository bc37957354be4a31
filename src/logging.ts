import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs; readable ones when a person is watching the terminal. */
export function createLogger(level: pino.LevelWithSilent, name = 'ampledger'): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI;
  return pino({
    name,
    level,
    serializers: { err: serializeError },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}

/**
 * pino's error serializer, less what drivers hang on their errors: node-postgres puts the whole
 * client (its connection parameters, queues, sockets) on a pool error, a page of noise per line.
 */
function serializeError(error: unknown): unknown {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (serialized && typeof serialized === 'object') delete serialized.client;
  return serialized;
}
