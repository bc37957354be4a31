import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run demo', () => {
  it('starts Ampledger on the embedded default, charges with simulated chargers, says where to look, and stops cleanly', async () => {
    // under DATA_DIR when CI gives one: the embedded server runs as user postgres and must reach it
    const base = process.env.DATA_DIR ?? '/var/tmp';
    // the first test to run under a fresh DATA_DIR must not depend on another having made it
    await mkdir(base, { recursive: true });
    const dataDir = await mkdtemp(join(base, 'demo-'));
    await chmod(dataDir, 0o755);
    const { DATABASE_URL: _configured, ...env } = process.env;
    const demo = spawn('npm', ['run', 'demo', '--', '--duration', '20', '--chargers', '2'], {
      env: { ...env, DATA_DIR: dataDir, PORT: '0', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout.on('data', (chunk) => {
      output += chunk;
    });
    demo.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const killer = setTimeout(() => demo.kill('SIGKILL'), 150_000);
    const [code] = await once(demo, 'exit');
    clearTimeout(killer);
    try {
      expect({ code, output }).toMatchObject({ code: 0 });
      expect(output).toMatch(/Ampledger is running at http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toContain('/api/chargers/DEMO-00001/messages');
      expect(output).toContain('/docs');
      expect(output).toContain('connected 2/2');
      const final = output.split('\n').find((line) => line.startsWith('connected '));
      expect(final).toMatch(/sessions 0 active, [1-9]\d* done .* errors 0/);
      expect(output).toContain('Stopped.');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
