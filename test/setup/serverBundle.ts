import { buildServer } from '../../scripts/build/bundle.js';
import { buildConsole } from '../../scripts/build/console.js';

/**
 * The tests that start the server as a process run what `npm start` runs: the bundle, built fresh;
 * every server serves the console, built fresh too.
 */
export default async function setup() {
  await Promise.all([buildServer(), buildConsole()]);
}
