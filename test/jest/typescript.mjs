/**
 * TypeScript for the test files and what they load, in each jest worker
 * process: tsx's hooks, for `import()` (how jest-light-runner loads a test
 * file) and for `require()` (the kit is CommonJS). Transpiling only: `npm
 * test` type-checks once, before jest.
 */
import { register as registerCommonJs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

registerCommonJs();
registerEsm();
