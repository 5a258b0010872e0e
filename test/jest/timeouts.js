/**
 * Timeouts for jest-light-runner, which runs every test and hook to its end
 * however long it takes: a hung test (a server that never answers, a child
 * that never exits) would stall the run until CI's own limit. Each test and
 * hook here fails after its own timeout (the third argument of `test`,
 * `beforeAll`...), or DEFAULT_TIMEOUT_MS, as under jest's default runner. As
 * there, the timed-out function is not stopped: its file fails and the run
 * goes on.
 */
'use strict';
const circus = require('jest-circus');
const { setTimeout, clearTimeout } = require('node:timers');

/** Jest's `testTimeout` for this suite (the light runner does not read it from the config). */
const DEFAULT_TIMEOUT_MS = 60_000;

/** `fn`, failing with a timeout error after `ms`; a `done`-callback function becomes a promise. */
function withTimeout(fn, ms, what) {
  if (typeof fn !== 'function') return fn; // test.todo
  const call = fn.length >= 1 ? () => new Promise((resolve, reject) => fn((error) => (error ? reject(error) : resolve()))) : fn;
  const limit = ms ?? DEFAULT_TIMEOUT_MS;
  return function timed() {
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Exceeded timeout of ${limit} ms for ${what}.`)), limit);
    });
    return Promise.race([Promise.resolve().then(call), expired]).finally(() => clearTimeout(timer));
  };
}

module.exports = { withTimeout };

// Runs after circus's own handler has added the test or hook to the describe block.
circus.addEventHandler((event, state) => {
  const block = state.currentDescribeBlock;
  if (event.name === 'add_test') {
    const test = block.children[block.children.length - 1];
    if (test !== undefined && test.type === 'test' && test.fn === event.fn) test.fn = withTimeout(test.fn, test.timeout, `the test "${test.name}"`);
  } else if (event.name === 'add_hook') {
    const hook = block.hooks[block.hooks.length - 1];
    if (hook !== undefined && hook.fn === event.fn) hook.fn = withTimeout(hook.fn, hook.timeout, `a ${hook.type} hook`);
  }
});
