/**
 * Snapshots of everything `synth --cloud gcp` writes, for the three
 * examples: the resource graph, the device contract and the broker files.
 * In the graph, the base64 blobs of the startup scripts (the broker files
 * and the bridge's plan, gzip-compressed; the files are snapshotted on their
 * own) are shown as their size and digest, so a plan change shows once,
 * where it happens. The compressed bytes' digest is there too: the VMs are
 * replaced when they change, so they must not change from one machine to
 * the next.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { synthesizeGcp } from '../../pulumi/gcp/synth';
import { checkGcpPlan } from '../../pulumi/gcp/checks';
import { EXAMPLE_NAMES, examplePlan } from '../azure/helpers';

const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

function abbreviateBlobs(text: string): string {
  return text
    .replace(/'(H4sI[A-Za-z0-9+/=]+)'/g, (_, blob: string) => {
      // gzip (base64 of 1f 8b 08): the digest is the content's, so the same file shows the same digest as before compression.
      const gz = Buffer.from(blob, 'base64');
      const bytes = gunzipSync(gz);
      return `'<gzip of ${bytes.length} bytes (${gz.length} compressed, sha256 ${digest(gz)}), sha256 ${digest(bytes)}>'`;
    })
    .replace(/'([A-Za-z0-9+/=]{200,})'/g, (_, blob: string) => {
      const bytes = Buffer.from(blob, 'base64');
      return `'<base64 of ${bytes.length} bytes, sha256 ${digest(bytes)}>'`;
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
