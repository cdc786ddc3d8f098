import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { DataPaths } from '../lib/data-paths.ts';
import { acquirePipelineLock } from '../lib/pipeline-lock.ts';
import { startProgress, type Progress } from '../lib/progress.ts';
import { UserError } from '../lib/user-error.ts';
import { spawnFramework } from './framework-cli.ts';
import { DASHBOARDS_ROOT } from './project-paths.ts';

export interface DashboardBuild {
  outDir: string;
  loaders: number;
  pages: number;
  seconds: number;
}

const FRAMEWORK_STATE = join(DASHBOARDS_ROOT, '.observablehq');
/** Framework's full output of the last build, for when the one-line summary is not enough. */
export const DASHBOARD_BUILD_LOG = join(FRAMEWORK_STATE, 'build.log');

const LOADER_DONE = /\bload \/(\S+) → .*?\b(success|error)\b/;
const PAGE_RENDERED = /^render \/\S* → /;
const LOADER_ERROR = /^replywatch dashboard: (.+)$/;
const STEP = /^(?:copy|build|bundle|load|render) (\S+)(?: →| in )/;
const NOISE = /^(Warning:|Tip:|If you think|↳|┌|└|│)/;

/**
 * Builds the static site from the warehouse of `paths` with Observable Framework. The data loaders
 * run afresh every time: Framework caches their output by the loader's mtime, not the data, so the
 * cached data is deleted first. The site is built beside `outDir` and swapped in when complete, so
 * a failed build leaves the previous site, and a server reading it keeps working. One build at a
 * time per repository: they share Framework's cache.
 */
export async function buildDashboard(paths: DataPaths, outDir: string, options: { quiet?: boolean } = {}): Promise<DashboardBuild> {
  const started = Date.now();
  const out = resolve(outDir);
  requireWarehouse(paths);
  checkOutDir(out);
  const staging = join(dirname(out), `.${basename(out)}.next`);
  const release = await lockDashboardBuild();
  try {
    rmSync(join(FRAMEWORK_STATE, 'cache', 'data'), { recursive: true, force: true });
    rmSync(staging, { recursive: true, force: true });
    const progress = startProgress('dashboard', { total: expectedSteps(), unit: 'loaders and pages', silent: options.quiet });
    const { loaders, pages } = await runBuild(paths, staging, progress);
    const previous = `${staging}.old`;
    rmSync(previous, { recursive: true, force: true });
    if (existsSync(out)) renameSync(out, previous);
    renameSync(staging, out);
    rmSync(previous, { recursive: true, force: true });
    const seconds = (Date.now() - started) / 1000;
    progress.finish(`${loaders} data loaders, ${pages} pages → ${out} (${seconds.toFixed(1)} s)`);
    return { outDir: out, loaders, pages, seconds };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}

export function requireWarehouse(paths: DataPaths): void {
  if (!existsSync(paths.warehouse)) throw new UserError(`no warehouse at ${paths.warehouse}; run replywatch build first`);
}

/** Waits for another dashboard build in this repository (they share Framework's cache). */
export function lockDashboardBuild(): Promise<() => void> {
  mkdirSync(FRAMEWORK_STATE, { recursive: true });
  return acquirePipelineLock(join(FRAMEWORK_STATE, 'build.lock'), join(FRAMEWORK_STATE, 'leases'), 'replywatch dashboard build', {
    waitMs: 5 * 60_000,
  });
}

/** The output is replaced wholesale: refuse a directory that is not an earlier build, and the sources. */
function checkOutDir(out: string): void {
  const inside = relative(DASHBOARDS_ROOT, out);
  if (!inside.startsWith('..') && !isAbsolute(inside)) {
    throw new UserError(`--out ${out} would overwrite the dashboard sources; choose a directory outside ${DASHBOARDS_ROOT}`);
  }
  if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, '_observablehq'))) {
    throw new UserError(`--out ${out} is not empty and is not a dashboard build; choose a new or empty directory`);
  }
}

function expectedSteps(): number {
  const loaders = readdirSync(join(DASHBOARDS_ROOT, 'data')).filter((name) => /\.\w+\.ts$/.test(name)).length;
  const pages = readdirSync(DASHBOARDS_ROOT).filter((name) => name.endsWith('.md')).length;
  return loaders + pages;
}

async function runBuild(paths: DataPaths, staging: string, progress: Progress): Promise<{ loaders: number; pages: number }> {
  const log: string[] = [];
  const loaderErrors: string[] = [];
  let failedLoader: string | undefined;
  let loaders = 0;
  let pages = 0;
  const exitCode = await new Promise<number>((resolveExit, reject) => {
    const child = spawnFramework('build', [], { dataDir: paths.root, outDir: staging, stdio: ['ignore', 'pipe', 'pipe'] });
    const onLine = (line: string): void => {
      log.push(line);
      const loader = LOADER_DONE.exec(line);
      if (loader?.[2] === 'success') loaders += 1;
      if (loader?.[2] === 'error') failedLoader ??= loader[1];
      if (PAGE_RENDERED.test(line)) pages += 1;
      const error = LOADER_ERROR.exec(line);
      if (error) loaderErrors.push(error[1]!);
      if (loader?.[2] === 'success' || PAGE_RENDERED.test(line)) progress.advance();
    };
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString('utf8')).split('\n');
        pending = lines.pop() ?? '';
        lines.forEach(onLine);
      });
      stream.on('end', () => pending && onLine(pending));
    }
    child.on('error', reject);
    child.on('close', (code) => resolveExit(code ?? 1));
  });
  writeFileSync(DASHBOARD_BUILD_LOG, `${log.join('\n')}\n`);
  if (exitCode !== 0) {
    progress.finish('failed');
    const at = failedLoader ?? lastStep(log);
    throw new UserError(`dashboard build failed${at ? ` at ${at}` : ''}: ${loaderErrors[0] ?? frameworkError(log)}`);
  }
  return { loaders, pages };
}

/** What Framework was doing when it stopped: "copy dashboards/components/x.js → " names the file. */
function lastStep(log: string[]): string | undefined {
  for (let index = log.length - 1; index >= 0; index -= 1) {
    const step = STEP.exec(log[index]!);
    if (step) return step[1];
  }
  return undefined;
}

/** Framework's own error line ("Unexpected error: Not found: /team"), else a pointer to the log. */
function frameworkError(log: string[]): string {
  const line = log.map((text) => text.trim()).find((text) => /error/i.test(text) && !NOISE.test(text));
  const missingPage = /^Unexpected error: Not found: \/(\S*)$/.exec(line ?? '');
  if (missingPage) return `observablehq.config.ts lists the page /${missingPage[1]} but dashboards/${missingPage[1] || 'index'}.md does not exist`;
  return line
    ? `${line.replace(/^Unexpected error: /, '')} (Framework's output: ${DASHBOARD_BUILD_LOG})`
    : `Observable Framework failed; its output is in ${DASHBOARD_BUILD_LOG}`;
}
