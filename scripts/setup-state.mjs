// Shared by setup.mjs (which installs) and `replywatch doctor` (which reports): where the installs
// live and whether each matches its lock file. Plain Node with no dependencies.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const venv = join(root, '.venv');
export const nodeModulesStamp = join(root, 'node_modules', '.replywatch-setup');
export const venvStamp = join(venv, '.replywatch-setup');

export function hashOf(file) {
  return createHash('sha256').update(readFileSync(join(root, file))).digest('hex');
}

function stampMatches(stampFile, hash) {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;
}

/** True when node_modules was installed by setup from the current package-lock.json. */
export function nodeModulesCurrent() {
  return stampMatches(nodeModulesStamp, hashOf('package-lock.json'));
}

/** True when .venv was installed by setup from the current requirements.txt. */
export function venvCurrent() {
  return stampMatches(venvStamp, hashOf('requirements.txt'));
}
