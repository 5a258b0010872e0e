/**
 * An authority that lists a certificate of another authority's chain (its
 * root) as its own CA: DPS picks a device's enrollment group by a CA in the
 * device's chain, so the other authority's devices could be provisioned
 * into this one's fleets. Refused on Azure when the fleets publish
 * different topics (found by fuzzing device identity); other authorities
 * (separate roots) and equal rights pass. Both orders of the authorities'
 * names are generated, since checks walk authorities in name order.
 */
import * as path from 'node:path';
import { compileSpec } from '../../lib/compile';
import { checkAzurePlan } from '../../pulumi/azure/checks';
import { ROOT } from '../helpers/fixtures';

const CA = path.join(ROOT, 'examples', 'smart-home', 'ca');
const OTHER = path.join(ROOT, 'examples', 'transportation', 'ca');

function problems(names: [string, string], listed: string, valvesPublish: string[]): string[] {
  const [issuing, second] = names;
  const spec = {
    name: 'ancestor',
    topics: {
      reading: { pattern: 'meter/{deviceId}/reading', direction: 'device-to-cloud', qos: 1 },
      valve: { pattern: 'plant/{deviceId}/valve', direction: 'device-to-cloud', qos: 1 },
    },
    sinks: { stream: { kind: 'stream' } },
    routes: [{ name: 'all', from: 'reading', to: ['stream'] }],
    fleets: {
      meters: { certificateAuthority: issuing, publish: ['reading'] },
      valves: { certificateAuthority: second, publish: valvesPublish },
    },
    certificateAuthorities: {
      [issuing]: { certificates: [path.join(CA, 'intermediate.cert.pem')], root: path.join(CA, 'root.cert.pem') },
      [second]: { certificates: [listed] },
    },
    targets: { azure: { location: 'westeurope' } },
  };
  return checkAzurePlan(compileSpec(spec as never, { baseDir: ROOT }).plan)
    .filter((p) => /in the chain of authority/.test(p.message))
    .map((p) => `${p.severity}: ${p.path}`);
}

const ORDERS: Array<[string, string]> = [
  ['issuing', 'rootca'],
  ['zissuing', 'arootca'],
];

test.each(ORDERS)("authorities %s and %s: listing the other's root, with fleets publishing different topics, is refused", (issuing, second) => {
  expect(problems([issuing, second], path.join(CA, 'root.cert.pem'), ['valve'])).toEqual([`error: certificateAuthorities.${second}`]);
});

test.each(ORDERS)('authorities %s and %s: the same, with fleets publishing the same topics, passes', (issuing, second) => {
  expect(problems([issuing, second], path.join(CA, 'root.cert.pem'), ['reading'])).toEqual([]);
});

test.each(ORDERS)('authorities %s and %s: a CA of another chain passes', (issuing, second) => {
  expect(problems([issuing, second], path.join(OTHER, 'intermediate.cert.pem'), ['valve'])).toEqual([]);
});
