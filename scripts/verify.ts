/**
 * npm run verify -- bundle.json [--public-key key.pem]
 * Checks a session export (GET /api/sessions/{id}/export) offline: its hash chain, its seal and
 * its signature, against the trusted public key when one is given (GET /api/audit/public-key);
 * then decides the session's calls again from their frames, over the state and tokens the bundle
 * says they were decided with, recomputes the session's CDR from that and the bundle's terms
 * (energy, times, flags, each cost) and compares it with the CDR the bundle carries. Exit 0 when it verifies and agrees,
 * 1 with what is wrong otherwise.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { recomputeCdr } from '../src/audit/recomputeCdr.js';
import { type SessionBundle, verifySessionExport } from '../src/audit/sessionExport.js';
import { commandOfRecordedCall } from '../src/ocpp/recordedCalls.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'public-key': { type: 'string' } },
});
const [file] = positionals;
if (!file) {
  process.stderr.write('usage: npm run verify -- bundle.json [--public-key key.pem]\n');
  process.exit(2);
}
const text = await readFile(file, 'utf8');
const trusted = values['public-key'] ? await readFile(values['public-key'], 'utf8') : undefined;
const sealProblems = verifySessionExport(text, trusted);
// a bundle whose seal fails is not read further: its facts are not the server's
const recomputed =
  sealProblems.length === 0
    ? await recomputeCdr(JSON.parse(text) as SessionBundle, commandOfRecordedCall)
    : undefined;
const problems = [...sealProblems, ...(recomputed?.problems ?? [])];
if (problems.length > 0) {
  process.stderr.write(
    `${file} does NOT verify:\n${problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
  );
  process.exit(1);
}
const bundle = JSON.parse(text) as SessionBundle;
const session = bundle.session as { id?: string };
process.stdout.write(
  `${file} verifies: session ${session.id}, ${bundle.entries.length} entries chained, ` +
    `signed by key ${bundle.seal.keyId}${trusted ? ' (the trusted key)' : ' (no trusted key given: pass --public-key to check whose it is)'}\n` +
    (recomputed?.summary ? `${recomputed.summary}: the CDR agrees\n` : ''),
);
