import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { serverNodeArgs } from '../../scripts/build/bundle.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** resolves with the exit code */
  exited: Promise<number | null>;
}

/** `npm start`'s command with only the given environment (no DATABASE_URL unless given), output captured. */
function spawnServer(
  env: NodeJS.ProcessEnv,
  execArgv: string[] = [],
): { child: ChildProcess; output: () => string } {
  // as package.json's start script runs it (the bundle is built by the tests' global setup)
  const child = spawn(process.execPath, serverNodeArgs(execArgv), {
    env: { ...env, CI: 'true', PATH: process.env.PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    output += chunk;
  });
  return { child, output: () => output };
}

/** Runs `npm start`'s command as its own process and waits until it logs that it is running. */
export async function startServerProcess(
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  execArgv: string[] = [],
): Promise<ServerProcess> {
  const { child, output } = spawnServer(env, execArgv);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      // a server that never said it runs is not left running behind the test
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time:\n${output()}`));
    }, timeoutMs);
    const look = () => {
      const running = output()
        .split('\n')
        .find((line) => line.includes('Ampledger is running'));
      if (running) {
        clearTimeout(timer);
        resolve(JSON.parse(running).url);
      }
    };
    child.stdout!.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was running:\n${output()}`));
    });
  });
  return { child, url, output, exited };
}

/** Runs the server command to its end (for configurations that must refuse to start). */
export async function runServerProcessToExit(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnServer(env);
  const [code] = await once(child, 'exit');
  return { code: code as number | null, output: output() };
}
