/**
 * `npm run build` (also run by `npm install`, as `prepare`): compiles the
 * kit's TypeScript to plain JavaScript in dist/, one file per source file,
 * so bin/iotkit.js runs without tsx hooking every require (about one second
 * of each run on an AWS app). Transpile only: type-checking is `npm run
 * typecheck`. bin/iotkit.js runs dist/ only while it is newer than every
 * source (dist/.build-stamp); after an edit it runs the sources through tsx
 * until the next build.
 */
import { build } from 'esbuild';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_DIRS = ['lib', 'cli', 'cdk', 'pulumi', 'bridge'];

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// --outdir DIR: build elsewhere (the tests build a private copy; it must stay inside the checkout to resolve node_modules).
const at = process.argv.indexOf('--outdir');
const dist = at >= 0 ? path.resolve(process.argv[at + 1]) : path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
// A folder may be absent (the bridge image copies lib, cli and bridge only).
const entryPoints = SOURCE_DIRS.filter((d) => fs.existsSync(path.join(root, d)))
  .flatMap((d) => sources(path.join(root, d)))
  .sort();
await build({
  entryPoints,
  outbase: root,
  outdir: dist,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true, // .map files beside the output: `node --enable-source-maps` maps stack traces to the sources
  logLevel: 'warning',
});
// The X.509 library with its ASN.1 packages (about 230 small modules) as one file: about 0.1 s less to load per run.
// lib/certs/x509.ts is the only module that imports them.
await build({
  entryPoints: [path.join(root, 'lib', 'certs', 'x509.ts')],
  outfile: path.join(dist, 'lib', 'certs', 'x509.js'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
// JSON the sources import (`import cdkJson from '../cdk.json'`): same place relative to the compiled files.
if (fs.existsSync(path.join(root, 'cdk.json'))) fs.copyFileSync(path.join(root, 'cdk.json'), path.join(dist, 'cdk.json'));
// The spec validator, generated from the schema now instead of compiled at each run (see lib/validate/structure.ts).
const structure = createRequire(import.meta.url)(path.join(dist, 'lib', 'validate', 'structure.js'));
fs.writeFileSync(structure.PREBUILT_VALIDATOR, structure.specValidatorSource());
// bin/iotkit.js reads which folders to compare against from here (its mtime is the build's time).
fs.writeFileSync(path.join(dist, '.build-stamp'), `${JSON.stringify({ sourceDirs: SOURCE_DIRS, files: entryPoints.length })}\n`);
