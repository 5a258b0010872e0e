/**
 * What `require('typescript')` gives under jest: the real package, loaded on
 * first use instead of on require.
 *
 * Why: @pulumi/pulumi requires TypeScript when it loads (for closure
 * serialization, runtime/closure/parseFunction.js) but only calls it to
 * serialize a JavaScript function into a program, which nothing here does.
 * Jest gives each test file its own module registry, so every file that
 * loads Pulumi compiled TypeScript's 9 MB again: about 0.17 s of CPU each.
 * Any use still reaches the real module (jest.config.js maps the name).
 */
'use strict';
const path = require('node:path');

const REAL = require.resolve('typescript', { paths: [path.dirname(require.resolve('@pulumi/pulumi/package.json'))] });
let real;
const load = () => (real ??= jest.requireActual(REAL));

module.exports = new Proxy(
  {},
  {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => {
      const d = Object.getOwnPropertyDescriptor(load(), key);
      return d === undefined ? undefined : { ...d, configurable: true };
    },
  },
);
