import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { build } from 'esbuild';

/** Where the server serves the console from (src/api/consoleRoutes.ts). */
export const CONSOLE_OUT = 'dist/console';

/**
 * The operator console as static files: one script and one stylesheet under assets/ (named by
 * their content's hash: cached for ever), and index.html naming them. Everything, Preact and
 * uPlot included, comes from node_modules: nothing is fetched at run time.
 */
export async function buildConsole(outdir = CONSOLE_OUT): Promise<void> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(`${outdir}/assets`, { recursive: true });
  const result = await build({
    entryPoints: { app: 'src/console/main.tsx' },
    outdir: `${outdir}/assets`,
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = Object.keys(result.metafile.outputs);
  const script = outputs.find((file) => file.endsWith('.js'));
  const style = outputs.find((file) => file.endsWith('.css'));
  if (!script || !style)
    throw new Error(`the console build made no script or stylesheet: ${outputs.join(', ')}`);
  const template = await readFile('src/console/index.html', 'utf8');
  await writeFile(
    `${outdir}/index.html`,
    template
      .replace('{{script}}', `/assets/${basename(script)}`)
      .replace('{{style}}', `/assets/${basename(style)}`),
  );
}
