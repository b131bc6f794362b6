#!/usr/bin/env node
// warren-ops: the operator CLI (apps/ops), compiled to dist/apps/ops/src/main.js by `npm run build`.
// Plain JavaScript, so that it can say what to do when the build is missing instead of printing a
// MODULE_NOT_FOUND stack.
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'apps', 'ops', 'src', 'main.js');
if (!existsSync(main)) {
  process.stderr.write(
    `warren-ops: the CLI is not built yet (${main} is missing).\n` +
      'Run `npm run build` (or `npm start`, which builds) in the Warren repository first, then try again.\n',
  );
  process.exit(1);
}
require(main);
