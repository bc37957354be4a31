import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

/** Where `npm start` runs the server from. */
export const SERVER_BUNDLE = 'dist/ampledger.mjs';

/**
 * Files are found relative to the module that names them (`new URL('./migrations/',
 * import.meta.url)`): in a bundle, each module keeps its own source file's URL, so schemas and
 * migrations are read from the source tree. Only the entry keeps the bundle's (main.ts compares it
 * with the script node was asked to run).
 */
const sourceUrls = (entry: string): Plugin => ({
  name: 'source-urls',
  setup(builder) {
    builder.onLoad({ filter: /\.ts$/ }, async (args) => {
      const text = await readFile(args.path, 'utf8');
      return {
        contents:
          args.path === entry
            ? text
            : text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: 'ts',
      };
    });
  },
});

/**
 * Compiles a TypeScript entry and the project's modules it imports into one ES module, packages
 * left to node_modules. tsx, which runs the scripts and tests, gives every function a name at
 * runtime (esbuild's keepNames): a call that makes closures pays for it on each call, ≈10 % of
 * the gateway's CPU per Heartbeat.
 */
export async function bundle(entry: string, outfile: string): Promise<void> {
  const absoluteEntry = resolve(entry);
  await build({
    entryPoints: [absoluteEntry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    supported: { 'import-attributes': true },
    sourcemap: true,
    plugins: [sourceUrls(absoluteEntry)],
    logLevel: 'warning',
  });
}

/** The server as `npm start` runs it. */
export const buildServer = () => bundle('src/main.ts', SERVER_BUNDLE);

/** `npm start`'s command after `node` (package.json), for the tests, the demo and the benches. */
export const serverNodeArgs = (execArgv: string[] = []) => [
  '--enable-source-maps',
  '--max-semi-space-size=64',
  ...execArgv,
  SERVER_BUNDLE,
];
