/** Removes the run's temporary directory (see global-setup.js). */
'use strict';
const fs = require('node:fs');

module.exports = async function teardown() {
  const dir = process.env.IOTKIT_TEST_TMPDIR;
  if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
};
