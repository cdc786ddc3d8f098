#!/usr/bin/env node
// Installs what is missing and nothing else, so `npm start` and `npm test` work on a fresh clone:
// node_modules (npm ci, when absent or installed from another package-lock.json) and the Python
// virtualenv .venv (dbt, dbt-duckdb, duckdb, duckdb-cli from requirements.txt), and with --browser
// (npm test) Chromium for the dashboard browser test: Debian's `chromium` package, installed with
// apt-get when running as root, never a browser downloaded by Playwright. Plain Node with no
// dependencies: it runs before node_modules exists. Idempotent: a second run installs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashOf, nodeModulesCurrent, nodeModulesStamp, root, venv, venvCurrent, venvStamp } from './setup-state.mjs';

const venvPython = join(venv, 'bin', 'python');
/** Where the browser test (test/dashboard/site.test.ts) launches Chromium. */
const chromium = '/usr/bin/chromium';

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

function run(command, args, what, env = process.env) {
  console.error(`setup: ${what}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) fail(`${what} failed: ${result.error.message}`);
  if (result.status !== 0) fail(`${what} failed (exit ${result.status}); see the output above`);
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node.js ${process.versions.node} is too old; install Node.js 20.19 or newer`);
  }
}

function ensureNodeModules() {
  if (nodeModulesCurrent()) return false;
  const hash = hashOf('package-lock.json');
  run('npm', ['ci', '--no-audit', '--no-fund'], 'installing Node.js packages');
  writeFileSync(nodeModulesStamp, `${hash}\n`);
  return true;
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    const probe = spawnSync(candidate, ['-c', 'import sys, venv; print("%d.%d" % sys.version_info[:2])'], {
      encoding: 'utf8',
    });
    if (probe.status !== 0) continue;
    const [major, minor] = probe.stdout.trim().split('.').map(Number);
    if (major === 3 && minor >= 10) return candidate;
  }
  return fail('Python 3.10 or newer with the venv module is needed (Debian: apt-get install python3 python3-venv)');
}

function ensureVenv() {
  if (venvCurrent()) return false;
  const hash = hashOf('requirements.txt');
  if (!existsSync(venvPython)) run(findPython(), ['-m', 'venv', venv], 'creating the Python virtualenv .venv');
  run(
    venvPython,
    ['-m', 'pip', 'install', '--disable-pip-version-check', '--progress-bar', 'off', '-r', 'requirements.txt'],
    'installing dbt and DuckDB into .venv',
  );
  writeFileSync(venvStamp, `${hash}\n`);
  return true;
}

/** Chromium where the browser test launches it; only root may install it, with Debian's apt-get. */
function ensureChromium() {
  if (existsSync(chromium)) return false;
  const apt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!apt) fail(`the browser test needs Chromium at ${chromium}; install your system's chromium package so that ${chromium} exists`);
  if (process.getuid?.() !== 0) fail(`the browser test needs Chromium at ${chromium}; run: sudo apt-get update && sudo apt-get install -y chromium`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], 'updating the Debian package lists', env);
  // Waits for another apt run (one may be installing packages right now) instead of failing on its lock.
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=600', 'install', '-y', 'chromium'], 'installing Chromium for the browser test', env);
  if (!existsSync(chromium)) fail(`apt-get installed chromium but ${chromium} is not there; install it so that ${chromium} exists`);
  return true;
}

checkNode();
const installed = [
  ensureNodeModules() && 'Node.js packages',
  ensureVenv() && 'the Python virtualenv',
  process.argv.includes('--browser') && ensureChromium() && 'Chromium',
].filter(Boolean);
console.error(installed.length ? `setup: installed ${installed.join(', ')}` : 'setup: everything is installed');
