/**
 * Snapshots of everything `synth --cloud gcp` writes, for the three
 * examples: the resource graph, the device contract and the broker files.
 * In the graph, the base64 blobs of the startup scripts (the broker files
 * and the plan, snapshotted on their own) are shown as their size and
 * digest, so a plan change shows once, where it happens.
 */
import { createHash } from 'node:crypto';
import { synthesizeGcp } from '../../pulumi/gcp/synth';
import { checkGcpPlan } from '../../pulumi/gcp/checks';
import { EXAMPLE_NAMES, examplePlan } from '../azure/helpers';

function abbreviateBlobs(text: string): string {
  return text.replace(/'([A-Za-z0-9+/=]{200,})'/g, (_, blob: string) => {
    const bytes = Buffer.from(blob, 'base64');
    return `'<base64 of ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 16)}>'`;
  });
}

describe.each(EXAMPLE_NAMES)('%s', (name) => {
  test('GCP files', async () => {
    const plan = examplePlan(name);
    expect(checkGcpPlan(plan).filter((p) => p.severity === 'error')).toEqual([]);
    const { files } = await synthesizeGcp(plan);
    for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (file.endsWith('.json')) expect(JSON.parse(file === 'resources.json' ? abbreviateBlobs(text) : text)).toMatchSnapshot(file);
      else expect(text).toMatchSnapshot(file);
    }
  }, 120000);
});
