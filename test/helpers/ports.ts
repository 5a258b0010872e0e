/** Free loopback ports and waiting for a listener, for the service-backed bridge tests. */
import * as net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** Polls until `check` holds; throws with `what()` after the timeout. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
}

/**
 * A required service is missing: skip locally, fail in CI (the CI script
 * installs it, so a missing one there is a broken setup, not a reason to skip).
 */
export function requireService(available: boolean, what: string): boolean {
  if (available) return true;
  if (process.env.CI !== undefined && process.env.CI !== '') throw new Error(`${what} is required in CI`);
  console.warn(`${what} is missing: skipping`);
  return false;
}
