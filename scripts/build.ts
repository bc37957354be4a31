/** npm run build (and before npm start): the server as one ES module, dist/ampledger.mjs. */
import { buildServer } from './build/bundle.js';

await buildServer();
