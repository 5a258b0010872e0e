/**
 * One CA certificate listed by two certificate authorities: refused on every
 * cloud, at the second listing, naming the first. Every cloud picks a
 * device's fleets by the CA that signed it, and AWS registers a CA
 * certificate once per account and region, so the spec would deploy
 * (or fail to) with the fleet of a device up to the cloud.
 *
 * The class, generated: two or three authorities, the shared certificate at
 * either place of a rotation list, under the same file name or a copy under
 * another name (re-encoded PEM: CRLF line ends, text before the block), for
 * each cloud alone.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileSpec } from '../../lib/compile';
import { main } from '../../cli/main';
import { SpecError, formatProblem, type Problem } from '../../lib/validate/problem';
import { baseSpec, BASE_DIR, type Mutable } from '../helpers/base-spec';
import { tmpDir } from '../helpers/fixtures';
import type { Spec } from '../../lib/spec/types';

type Doc = Mutable<Spec>;

const NOW = new Date('2027-01-01T00:00:00Z');
const MAIN = 'ca/intermediate.cert.pem';
const LOCKS = 'ca/locks/intermediate.cert.pem';

/** The smart-home CA folder, plus the main intermediate under other names and encodings. */
const dir = tmpDir('iotkit-shared-ca-');
fs.cpSync(path.join(BASE_DIR, 'ca'), path.join(dir, 'ca'), { recursive: true });
const pem = fs.readFileSync(path.join(dir, MAIN), 'utf8');
const COPIES = {
  'same file': MAIN,
  'a copy': 'ca/copy.pem',
  'CRLF line ends': 'ca/crlf.pem',
  'text before the block': 'ca/annotated.pem',
} as const;
fs.writeFileSync(path.join(dir, COPIES['a copy']), pem);
fs.writeFileSync(path.join(dir, COPIES['CRLF line ends']), pem.replace(/\n/g, '\r\n'));
fs.writeFileSync(path.join(dir, COPIES['text before the block']), `subject=CN = a note openssl x509 -text writes\n${pem}`);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TARGETS: Record<string, Doc['targets']> = { aws: { aws: {} }, azure: { azure: {} }, gcp: { gcp: {} } };

interface Variant {
  readonly title: string;
  /** certificates lists per authority, in spec order. */
  readonly lists: readonly (readonly string[])[];
  /** Where the shared certificate is listed the second time, and the first. */
  readonly second: string;
  readonly first: string;
}

function variants(): Variant[] {
  const out: Variant[] = [];
  for (const [how, copy] of Object.entries(COPIES)) {
    out.push({ title: `two authorities, ${how}`, lists: [[MAIN], [copy]], second: 'b.certificates[0]', first: 'a.certificates[0]' });
    out.push({
      title: `second authority rotating to it, ${how}`,
      lists: [[MAIN], [LOCKS, copy]],
      second: 'b.certificates[1]',
      first: 'a.certificates[0]',
    });
    out.push({
      title: `first authority rotating away from it, ${how}`,
      lists: [[LOCKS, MAIN], [copy]],
      second: 'b.certificates[0]',
      first: 'a.certificates[1]',
    });
    out.push({
      title: `third authority, ${how}`,
      lists: [[LOCKS], [MAIN], [copy]],
      second: 'c.certificates[0]',
      first: 'b.certificates[0]',
    });
  }
  return out;
}

function specWith(lists: readonly (readonly string[])[], targets: Doc['targets']): Doc {
  const spec = baseSpec() as Doc;
  const names = ['a', 'b', 'c'].slice(0, lists.length);
  spec.certificateAuthorities = Object.fromEntries(names.map((n, i) => [n, { certificates: [...lists[i]], root: 'ca/root.cert.pem' }]));
  // Each authority signs a fleet, with the same rights (so no cloud objects to the fleets themselves).
  const sensors = spec.fleets.sensors;
  spec.fleets = Object.fromEntries(names.map((n) => [`fleet_${n}`, { ...sensors, certificateAuthority: n }]));
  spec.targets = targets;
  return spec;
}

function problemsOf(spec: Doc): Problem[] {
  try {
    compileSpec(spec, { baseDir: dir, now: NOW });
  } catch (e) {
    if (e instanceof SpecError) return [...e.problems];
    throw e;
  }
  return [];
}

/**
 * Each authority's root must be the one its certificates chain to (checked for GCP): the locks CA has its
 * own root, and an authority listing both CAs gets none (GCP then reports a missing root, which the tests
 * ignore: they look at the shared-certificate error only).
 */
function fixRoots(spec: Doc): Doc {
  for (const ca of Object.values(spec.certificateAuthorities)) {
    if (ca.certificates.every((c) => c === LOCKS)) ca.root = 'ca/locks/root.cert.pem';
    else if (ca.certificates.includes(LOCKS)) delete ca.root;
  }
  return spec;
}

describe.each(Object.entries(TARGETS))('%s', (_cloud, targets) => {
  test.each(variants().map((v) => [v.title, v] as const))('%s: refused at the second listing, naming the first', (_title, v) => {
    const problems = problemsOf(fixRoots(specWith(v.lists, targets)));
    const shared = problems.filter((p) => p.severity === 'error' && p.message.includes('a CA certificate may belong to one authority only'));
    expect(shared.map((p) => p.path)).toEqual([`certificateAuthorities.${v.second}`]);
    expect(shared[0].message).toContain(`is also certificateAuthorities.${v.first}`);
    // The fix names both authorities: the one to drop and the one to share.
    const [secondName, firstName] = [v.second, v.first].map((p) => p.split('.')[0]);
    expect(shared[0].message).toMatch(new RegExp(`let the fleets of "${secondName}" use certificateAuthority "${firstName}"$`));
  });
});

describe('what stays allowed', () => {
  test.each(Object.entries(TARGETS))('%s: different certificates in each authority', (_cloud, targets) => {
    const spec = specWith([[MAIN], [LOCKS]], targets);
    spec.certificateAuthorities.b.root = 'ca/locks/root.cert.pem';
    expect(problemsOf(spec).filter((p) => p.severity === 'error')).toEqual([]);
  });

  test('fleets sharing one authority (the way to give fleets one CA) is not this error', () => {
    const spec = specWith([[MAIN]], { aws: {}, azure: {}, gcp: {} });
    spec.fleets.other = { ...spec.fleets.fleet_a };
    expect(problemsOf(spec).filter((p) => p.message.includes('may belong to one authority only'))).toEqual([]);
  });
});

test('the CLI reports it as a user error: exit 1, the path, no stack', async () => {
  const spec = specWith([[MAIN], [COPIES['a copy']]], { aws: {}, azure: {}, gcp: {} });
  const file = path.join(dir, 'shared.json');
  fs.writeFileSync(file, JSON.stringify(spec));
  const stderr: string[] = [];
  const code = await main(['validate', '--spec', file], { cwd: dir, out: () => undefined, err: (l) => stderr.push(l) });
  expect(code).toBe(1);
  const text = stderr.join('\n');
  expect(text).toContain('certificateAuthorities.b.certificates[0]: ca/copy.pem is also certificateAuthorities.a.certificates[0]');
  expect(text).not.toMatch(/\n\s+at /);
  expect(problemsOf(spec).map(formatProblem).join('\n')).toContain('ca/copy.pem is also');
});
