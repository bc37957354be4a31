import { buildServer } from '../../scripts/build/bundle.js';

/** The tests that start the server as a process run what `npm start` runs: the bundle, built fresh. */
export default async function setup() {
  await buildServer();
}
