import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runServerProcessToExit, type ServerProcess, startServerProcess } from '../support/serverProcess.js';

const dataDir = resolve(process.env.DATA_DIR ?? '.data', `test-start-${randomBytes(4).toString('hex')}`);
const env = { DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
const postmasterPid = () => join(dataDir, 'pg', 'postmaster.pid');
const connectionFile = () => join(dataDir, 'embedded-postgres.json');

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const spawned: ServerProcess[] = [];
const start = async () => {
  const server = await startServerProcess(env);
  spawned.push(server);
  return server;
};

describe('npm start on the embedded default', () => {
  afterAll(async () => {
    for (const server of spawned) server.child.kill('SIGKILL');
    // leave no server behind even when a test failed half-way
    if (existsSync(postmasterPid())) {
      const pid = Number.parseInt((await readFile(postmasterPid(), 'utf8')).split('\n')[0]!, 10);
      if (isAlive(pid)) process.kill(pid, 'SIGINT');
    }
    await new Promise((done) => setTimeout(done, 500));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts a fresh embedded PostgreSQL, answers /health, and stops it cleanly on SIGTERM', async () => {
    const server = await start();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'up',
      parts: { eventStore: { status: 'up' }, database: { status: 'up' }, appends: { status: 'up' } },
    });
    expect(existsSync(postmasterPid())).toBe(true);
    const pgPid = Number.parseInt((await readFile(postmasterPid(), 'utf8')).split('\n')[0]!, 10);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(isAlive(pgPid)).toBe(false);
    expect(existsSync(postmasterPid())).toBe(false);
    expect(existsSync(connectionFile())).toBe(false);
  });

  it('after kill -9 it adopts the PostgreSQL left running and stops it on SIGINT', async () => {
    const first = await start();
    const pgPid = Number.parseInt((await readFile(postmasterPid(), 'utf8')).split('\n')[0]!, 10);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(isAlive(pgPid)).toBe(true);

    const second = await start();
    expect(second.output()).toContain('adopting an embedded PostgreSQL');
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    for (let waited = 0; waited < 10_000 && isAlive(pgPid); waited += 100) {
      await new Promise((done) => setTimeout(done, 100));
    }
    expect(isAlive(pgPid)).toBe(false);
  });

  it('refuses to start on a bad value and names the variable', async () => {
    const { code, output } = await runServerProcessToExit({ ...env, PORT: 'eighty', AUTO_REGISTER: 'maybe' });
    expect(code).toBe(2);
    expect(output).toContain('PORT must be a whole number');
    expect(output).toContain('AUTO_REGISTER must be one of off, pending, accept');
  });
});
