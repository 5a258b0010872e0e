/**
 * What the test environment (test/jest/environment.js) promises: if it
 * stops holding, every test still passes and the run only gets slower, so
 * it is checked here.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

test('the AsyncLocalStorage class a test file gets is the one the environment tracks, so its storages are disabled when the file ends', () => {
  // jest-circus and @pulumi/pulumi make their storages with this same class.
  expect(AsyncLocalStorage.name).toBe('FileAsyncLocalStorage');
  const storage = new AsyncLocalStorage<number>();
  expect(storage.run(7, () => storage.getStore())).toBe(7);
});

test('a module compiled again in the same worker (here: a second registry) starts from the code cache of its first compilation', () => {
  const stats = (globalThis as { __iotkitCodeCache?: { hits: number; rejected: number } }).__iotkitCodeCache;
  expect(stats).toBeDefined();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load inside isolateModules, which import() is not
  const load = () => jest.isolateModules(() => require('../../lib/naming'));
  load();
  const before = { ...stats! };
  load();
  expect(stats!.hits).toBeGreaterThan(before.hits);
  expect(stats!.rejected).toBe(0);
});
