import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs; readable ones when a person is watching the terminal. */
export function createLogger(level: pino.LevelWithSilent, name = 'ampledger'): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI;
  return pino({
    name,
    level,
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
