import { type ChildProcess, fork } from 'node:child_process';

/**
 * A benchmark part (server, simulated chargers) in a process of its own, spoken to over IPC: a
 * TypeScript file through tsx, a built bundle (.mjs) as it is.
 */
export function forkBenchPart(path: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(path, args, {
    execArgv: path.endsWith('.mjs') ? execArgv : ['--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Sends `message` (unless empty) and resolves with the first reply that has `key`. */
export function ask<T>(part: ChildProcess, message: object, key: string): Promise<T> {
  return new Promise((resolve) => {
    const listener = (reply: Record<string, unknown>) => {
      if (key in reply) {
        part.off('message', listener);
        resolve(reply[key] as T);
      }
    };
    part.on('message', listener);
    if (Object.keys(message).length > 0) part.send(message);
  });
}
