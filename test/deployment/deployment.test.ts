import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVER_BUNDLE, serverNodeArgs } from '../../scripts/build/bundle.js';
import { loadConfig } from '../../src/config.js';

// No Docker engine runs here (DEVELOPERS.md): what can be checked without one is checked here.

interface ComposeService {
  build?: string;
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  healthcheck?: unknown;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync('Dockerfile', 'utf8')
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const instructions = (name: string) =>
  dockerfile.filter((line) => line.startsWith(`${name} `)).map((line) => line.slice(name.length + 1).trim());
const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const AMPLEDGER_NODES = ['ampledger-1', 'ampledger-2'];

/** what `docker compose` makes of ${VAR:-default}, ${VAR:?error} (the operator's value) and ${VAR} */
function interpolate(value: string): string {
  return String(value).replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, _name, kind: string, rest: string) =>
    kind === '-' ? rest : kind === '?' ? 'an-operator-supplied-value-of-forty-characters' : '',
  );
}

describe('docker-compose.yml', () => {
  it('brings two Ampledger nodes beside EventStoreDB, PostgreSQL and Redis', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...AMPLEDGER_NODES, 'eventstoredb', 'postgres', 'redis'].sort(),
    );
    for (const node of AMPLEDGER_NODES) expect(compose.services[node]!.build).toBe('.');
  });

  it('names only services and volumes that exist', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {}))
        expect(Object.keys(compose.services), `${name} depends on ${dependency}`).toContain(dependency);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/'))
          expect(Object.keys(compose.volumes), `${name} mounts ${source}`).toContain(source);
      }
    }
    // a node waits for what it needs to be healthy: each of those has a healthcheck
    for (const node of AMPLEDGER_NODES)
      for (const dependency of Object.keys(compose.services[node]!.depends_on ?? {}))
        if (!AMPLEDGER_NODES.includes(dependency))
          expect(compose.services[dependency]!.healthcheck).toBeDefined();
  });

  it("gives each node a valid configuration of variables Ampledger reads, pointing at the compose's services", () => {
    for (const node of AMPLEDGER_NODES) {
      const environment = Object.fromEntries(
        Object.entries(compose.services[node]!.environment ?? {}).map(([name, value]) => [
          name,
          interpolate(value),
        ]),
      );
      const read = new Set<string>();
      const env = new Proxy(environment, {
        get(target, name: string) {
          read.add(name);
          return target[name];
        },
      });
      const config = loadConfig(env);
      expect(
        Object.keys(environment).filter((name) => !read.has(name)),
        `${node}: variables nothing reads`,
      ).toEqual([]);
      expect(new URL(config.databaseUrl!).hostname).toBe('postgres');
      expect(new URL(config.eventStoreUrl!).hostname).toBe('eventstoredb');
      expect(new URL(config.redisUrl!).hostname).toBe('redis');
    }
  });
});

describe('Dockerfile', () => {
  it('builds with the commands CI runs and runs what npm start runs', () => {
    const ci = readFileSync('.ci/run', 'utf8');
    for (const command of instructions('RUN')) {
      if (command.startsWith('npm ci')) expect(ci).toContain('npm ci --no-audit --no-fund');
      else if (command === 'npm run build') expect(packageJson.scripts.build).toBeDefined();
      else expect(command).toBe('mkdir -p /data && chown node:node /data');
    }
    expect(instructions('RUN')).toContain('npm run build');
    const [cmd] = instructions('CMD');
    expect(JSON.parse(cmd!)).toEqual(['node', ...serverNodeArgs()]);
    expect(packageJson.scripts.start).toBe(`node ${serverNodeArgs().join(' ')}`);
  });

  it('is multi-stage, on the Node the project runs on, and runs as a user that is not root', () => {
    const stages = instructions('FROM');
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages)
      expect(stage).toMatch(new RegExp(`^node:${process.versions.node.split('.')[0]}-`));
    expect(instructions('USER').at(-1)).toBe('node');
  });

  it('checks /health, and copies only what exists or the build makes', () => {
    expect(instructions('HEALTHCHECK').join(' ')).toContain('/health');
    for (const copy of instructions('COPY')) {
      const parts = copy.split(/\s+/);
      const fromStage = parts[0]!.startsWith('--from=');
      const sources = parts.slice(fromStage ? 1 : 0, -1).map((source) => source.replace(/^\/app\/?/, ''));
      for (const source of sources) {
        const made = source === 'node_modules' || source === dirname(SERVER_BUNDLE);
        if (!made) expect(existsSync(source === '' ? '.' : source), `COPY ${source}`).toBe(true);
      }
    }
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    for (const path of ['node_modules', 'dist', '.data']) expect(ignored).toContain(path);
  });
});
