/**
 * An empty file path in a spec names the spec's own folder: it was reported
 * as `certificateAuthorities.main.certificates[0]:  is a folder, not a
 * certificate file`, with nothing where the name should be (found by
 * fuzzing). The structure check now refuses it once, at its path, for every
 * field that names a file.
 */
import type { Spec } from '../../lib/spec/types';
import { baseSpec } from '../helpers/base-spec';
import { specErrors } from '../helpers/spec-errors';

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };
const EMPTY = `"" is empty: name a file, relative to the spec's folder`;

const FIELDS: Array<[string, (s: Mutable<Spec>) => void]> = [
  ['certificateAuthorities.main.certificates[0]', (s) => (s.certificateAuthorities.main.certificates[0] = '')],
  ['certificateAuthorities.main.certificates[1]', (s) => (s.certificateAuthorities.main.certificates = [s.certificateAuthorities.main.certificates[0], ''])],
  ['certificateAuthorities.main.root', (s) => (s.certificateAuthorities.main.root = '')],
  ['certificateAuthorities.main.awsVerificationCertificate', (s) => (s.certificateAuthorities.main.awsVerificationCertificate = '')],
  ['fleets.sensors.devices[0].csr', (s) => (s.fleets.sensors.devices = [{ id: 'dev-1', csr: '' }])],
];

test.each(FIELDS)('%s: "": one problem, at its path, saying the path is empty', (at, change) => {
  const spec = baseSpec() as Mutable<Spec>;
  change(spec);
  expect(specErrors(spec as Spec)).toEqual([`${at}: ${EMPTY}`]);
});

test('every empty path of a spec is listed, each once', () => {
  const spec = baseSpec() as Mutable<Spec>;
  for (const [, change] of FIELDS) change(spec);
  expect(specErrors(spec as Spec).sort()).toEqual(FIELDS.map(([at]) => `${at}: ${EMPTY}`).sort());
});
