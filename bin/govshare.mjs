#!/usr/bin/env node
// The govshare command: loads the TypeScript CLI through tsx, so no separate build is needed.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
