#!/usr/bin/env node
// The `replywatch` command. Sources are TypeScript, run through tsx's loader so no build step is needed.
import { existsSync } from 'node:fs';

if (!existsSync(new URL('../node_modules/tsx/package.json', import.meta.url))) {
  console.error('replywatch: its dependencies are not installed; run `node scripts/setup.mjs` (or `npm start`) first');
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
