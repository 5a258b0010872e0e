/**
 * The timeouts test/jest/timeouts.js gives every test and hook under
 * jest-light-runner, which has none of its own.
 */
import * as circus from 'jest-circus';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a plain-JavaScript setup file of jest's
const { withTimeout } = require('./timeouts.js') as {
  withTimeout(fn: (...args: never[]) => unknown, ms: number | undefined, what: string): () => Promise<unknown>;
};

const NEVER = (): Promise<never> => new Promise<never>(() => {});

test('a function that never settles fails after its timeout, naming what timed out', async () => {
  const started = Date.now();
  await expect(withTimeout(NEVER, 50, 'the test "x"')()).rejects.toThrow('Exceeded timeout of 50 ms for the test "x".');
  expect(Date.now() - started).toBeGreaterThanOrEqual(45);
});

test('a result or an error within the timeout is passed through; a done callback becomes a promise', async () => {
  await expect(withTimeout(() => Promise.resolve(7), 1000, 'a')()).resolves.toBe(7);
  await expect(withTimeout(() => Promise.reject(new Error('own')), 1000, 'b')()).rejects.toThrow('own');
  await expect(withTimeout((done: (error?: Error) => void) => setTimeout(() => done(), 5), 1000, 'c')()).resolves.toBeUndefined();
  await expect(withTimeout((done: (error?: Error) => void) => done(new Error('via done')), 1000, 'd')()).rejects.toThrow('via done');
  await expect(withTimeout((done: (error?: Error) => void) => void done, 50, 'e')()).rejects.toThrow('Exceeded timeout of 50 ms for e.');
});

test('every test and hook of this file was registered wrapped', () => {
  const root = circus.getState().rootDescribeBlock;
  const tests = root.children.filter((c) => c.type === 'test');
  expect(tests.length).toBeGreaterThanOrEqual(3);
  for (const t of tests) expect(t.fn.name).toBe('timed');
});
