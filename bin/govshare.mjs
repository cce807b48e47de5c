#!/usr/bin/env node
// The govshare command: runs the CLI's bundle (dist/cli), built first when missing or stale.
import { ensureServerBuild } from '../scripts/ensure-server-build.mjs';

process.setSourceMapsEnabled(true); // stack traces name the TypeScript sources
await ensureServerBuild();
const { runCli } = await import('../dist/cli/main.mjs');
process.exitCode = await runCli(process.argv.slice(2));
