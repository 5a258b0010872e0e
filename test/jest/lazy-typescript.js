/**
 * What `require('typescript')` gives under jest: the real package, loaded on
 * first use instead of on require.
 *
 * Why: @pulumi/pulumi requires TypeScript when it loads (for closure
 * serialization, runtime/closure/parseFunction.js) but only calls it to
 * serialize a JavaScript function into a program, which nothing here does.
 * Jest gives each test file its own module registry, so every file that
 * loads Pulumi compiled TypeScript's 9 MB again: about 0.17 s of CPU each.
 * The CLI does the same through Node's module cache
 * (pulumi/shared/defer-typescript.ts, whose stand-in this uses); jest has its
 * own registry, hence the mapping in jest.config.js. Any use still reaches
 * the real module.
 */
'use strict';
const path = require('node:path');
const { lazyExports } = require('../../pulumi/shared/defer-typescript');

const REAL = require.resolve('typescript', { paths: [path.dirname(require.resolve('@pulumi/pulumi/package.json'))] });

module.exports = lazyExports(() => jest.requireActual(REAL));
