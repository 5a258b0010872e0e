/**
 * Every printable ASCII character in a literal topic level: the spec is
 * either refused as a user error with the pattern's path, or accepted and
 * then synthesized on all three clouds. Found by generated specs: a "'" was
 * accepted by the pattern rules and then failed the plan's AWS SQL with an
 * internal error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli, spec, tmpDir, writeJson, type Loose } from './helpers';

const dir = tmpDir();
const PRINTABLE = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i));

function withLiteral(s: Loose, name: string, level: string): void {
  s.topics[name] = { pattern: `chars/${level}/{deviceId}`, direction: 'device-to-cloud', qos: 1 };
  s.routes.push({ name, from: name, to: ['queue'] });
  s.fleets.sensors.publish.push(name);
}

const accepted: string[] = [];

test('each character alone: refused with the pattern path, or accepted; never an internal error', async () => {
  for (const c of PRINTABLE) {
    const file = writeJson(
      dir,
      `char-${c.charCodeAt(0)}.json`,
      spec((s) => withLiteral(s, 'odd', `a${c}b`)),
    );
    const run = await cli(['validate', '--spec', file]);
    const context = `character ${JSON.stringify(c)}: exit ${run.code}\n${run.stderr}`;
    if (run.code === 0) {
      accepted.push(c);
      continue;
    }
    if (run.code !== 1 || /internal error|\n\s+at /.test(run.stderr)) throw new Error(context);
    if (!run.stderr.includes('topics.odd.pattern: ')) throw new Error(`no problem at topics.odd.pattern\n${context}`);
  }
  // The ones MQTT and the clouds reserve are refused; ordinary punctuation is not.
  for (const c of ['+', '#', "'", '{', '}']) expect(accepted).not.toContain(c);
  for (const c of ['-', '_', '.', ':', '@', '~']) expect(accepted).toContain(c);
});

test('every accepted punctuation character, in one spec, synthesizes on all three clouds', async () => {
  // Letters and digits are in every example already. Five characters per topic, each in a level of its
  // own (within AWS's 7 slashes), keep the spec small: each still reaches every cloud's rule, policy and ACL.
  const punctuation = accepted.filter((c) => !/[A-Za-z0-9]/.test(c));
  expect(punctuation.length).toBeGreaterThan(5);
  const groups = Array.from({ length: Math.ceil(punctuation.length / 5) }, (_, i) => punctuation.slice(i * 5, i * 5 + 5));
  const file = writeJson(
    dir,
    'accepted.json',
    spec((s) => groups.forEach((group, i) => withLiteral(s, `chars${i}`, group.map((c) => `a${c}b`).join('/')))),
  );
  const out = path.join(dir, 'out');
  const run = await cli(['synth', '--spec', file, '--out', out]);
  if (run.code !== 0 || /internal error/.test(run.stderr)) throw new Error(`exit ${run.code}\n${run.stderr}`);
  for (const cloud of ['aws', 'azure', 'gcp']) expect(fs.readdirSync(path.join(out, cloud)).length).toBeGreaterThan(0);
}, 120_000);
