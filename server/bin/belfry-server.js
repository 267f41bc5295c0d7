#!/usr/bin/env node
// Runs the TypeScript sources through tsx, so `npx belfry-server serve` needs no build step.
// tsx reads tsconfig from the cwd by default; point it at the workspace's, whose `paths` map the
// bare `belfry/protocol` and `belfry/template` imports to the browser package's sources.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../tsconfig.json', import.meta.url)) });
const { main } = await import('../src/cli.ts');
process.exit(await main(process.argv.slice(2)));
