#!/usr/bin/env node
// The `warren` command (`npx warren`): runs the TypeScript CLI through tsx, so there is no build step.
require('tsx/cjs');
require('../cli/main.ts').runCli();
