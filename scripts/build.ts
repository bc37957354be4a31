/** npm run build (and before npm start): the server as one ES module, dist/ampledger.mjs, and the console. */
import { buildServer } from './build/bundle.js';
import { buildConsole } from './build/console.js';

await Promise.all([buildServer(), buildConsole()]);
