/**
 * An empty file path in a spec names the spec's own folder: it was reported
 * as `certificateAuthorities.main.certificates[0]:  is a folder, not a
 * certificate file`, with nothing where the name should be (found by
 * fuzzing). The structure check now refuses it once, at its path, for every
 * field that names a file; and an empty `existing` resource, which was taken
 * as a resource name.
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

const EMPTY_EXISTING = `"" is empty: name the existing resource, or leave this cloud out of existing`;

test.each(['aws', 'azure', 'gcp'] as const)('sinks.stream.existing.%s: "" names no resource: one problem, at its path', (cloud) => {
  const spec = baseSpec() as Mutable<Spec>;
  spec.sinks.stream.existing = { [cloud]: '' };
  expect(specErrors(spec as Spec)).toEqual([`sinks.stream.existing.${cloud}: ${EMPTY_EXISTING}`]);
});

test('every empty path of a spec is listed, each once', () => {
  const spec = baseSpec() as Mutable<Spec>;
  for (const [, change] of FIELDS) change(spec);
  expect(specErrors(spec as Spec).sort()).toEqual(FIELDS.map(([at]) => `${at}: ${EMPTY}`).sort());
});
