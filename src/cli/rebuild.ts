import { rebuildProjection } from '../../projections/projectionRebuild.js';
import { READ_MODEL_NAMES, READ_MODELS } from '../../projections/readModels.js';
import { withCliStorage } from './cliStorage.js';

/**
 * `npm run rebuild -- [name…]`: rebuilds read models (all when none is named) from position zero
 * into fresh tables and swaps them in; a server running on the same database keeps serving.
 */
async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((arg) => arg !== '--');
  const unknown = names.filter((name) => !READ_MODELS[name]);
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown read model: ${unknown.join(', ')} (known: ${READ_MODEL_NAMES.join(', ')})\n`,
    );
    process.exit(2);
  }
  await withCliStorage(async ({ eventStore, readModelConnection }) => {
    for (const name of names.length > 0 ? names : READ_MODEL_NAMES) {
      const started = Date.now();
      const events = await rebuildProjection({
        store: eventStore,
        connection: readModelConnection,
        projector: await READ_MODELS[name]!(),
        onProgress: (progress) => showProgress(name, progress.events, progress.fraction, progress.phase),
      });
      const seconds = (Date.now() - started) / 1000;
      process.stderr.write(`\n${name}: ${events} events in ${seconds.toFixed(1)} s, swapped in\n`);
    }
  });
}

/** A progress bar on a terminal, a line per phase otherwise. */
let lastPhase = '';
function showProgress(name: string, events: number, fraction: number | undefined, phase: string): void {
  if (process.stderr.isTTY) {
    const width = 30;
    const filled = Math.round((fraction ?? 0) * width);
    const bar =
      fraction === undefined
        ? ''
        : `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}% `;
    process.stderr.write(`\r${name}: ${bar}${events} events (${phase})   `);
  } else if (phase !== lastPhase) {
    process.stderr.write(`${name}: ${phase} (${events} events)\n`);
  }
  lastPhase = phase;
}

main().catch((error) => {
  process.stderr.write(`rebuild failed: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
