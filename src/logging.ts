import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs; readable ones when a person is watching the terminal. */
export function createLogger(level: pino.LevelWithSilent, name = 'ampledger'): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI;
  const options: pino.LoggerOptions = { name, level, serializers: { err: serializeError } };
  if (pretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  // Written asynchronously: lines logged while a write is under way go out together in the next
  // one, instead of a blocking write each (a connecting fleet logs a line per charger). The
  // destination is flushed when the process exits; a kill -9 can lose the lines of the write in
  // flight, never an event (the log of record is the event store).
  return pino(options, pino.destination({ dest: 1, sync: false }));
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
