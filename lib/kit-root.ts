import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The kit's checkout (where package.json, examples/ and bin/ are). Found by
 * walking up, not by a fixed `..`: the same module runs from its source
 * (lib/) and, compiled, from dist/lib/.
 */
export const KIT_ROOT = findKitRoot(__dirname);

function findKitRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`internal: no package.json above ${start}`);
  }
}
