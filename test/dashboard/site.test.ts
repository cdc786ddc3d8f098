import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import config from '../../observablehq.config.ts';
import { createKey } from '../../lib/api-keys.ts';
import { dataPaths } from '../../lib/data-paths.ts';
import { NOW, REPO, runCli } from '../helpers/run-cli.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { pageContents } from './page-contents.js';

/**
 * The dashboards as a user meets them: built by `replywatch dashboard build` from the shared demo
 * warehouse, served by `replywatch serve` beside the API, opened in Chromium. Every page in
 * observablehq.config.ts must draw its charts and fill its tables, log no error, load nothing
 * that fails, and ask no other host for anything. Screenshots land in test-output/screenshots/.
 */

interface PageContents {
  charts: Array<{ title: string; marks: number }>;
  tables: Array<{ title: string; rows: number }>;
  errors: string[];
  loading: number;
}

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(REPO, 'test-output', 'screenshots');
const PAGES = pagePaths(config.pages);

let site: string;
let server: ServerProcess;
let browser: Browser;
let ownerKey: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}; run: node scripts/setup.mjs --browser`);
  const data = tempDir('replywatch-site-');
  cpSync(inject('builtDataDir'), data, { recursive: true });
  site = join(tempDir('replywatch-site-out-'), 'site');
  const build = await runCli(['--data', data, 'dashboard', 'build', '--out', site]);
  expect(build.code, build.stderr).toBe(0);
  expect(build.stderr).toMatch(/^dashboard: \d+ data loaders, \d+ pages → .+ \(\d+\.\d s\)$/m);
  ownerKey = createKey(dataPaths(data).state, { role: 'owner', name: 'site-test' }).key;
  server = await startServerProcess(data, ['--dashboard', site]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
});

describe('the built dashboard site', () => {
  it('has a page for every entry of the config', () => {
    for (const path of PAGES) expect(existsSync(join(site, `${slug(path)}.html`)), path).toBe(true);
  });

  it('refers to no other host in any file (it works offline)', () => {
    expect(externalReferences(site)).toEqual([]);
  });

  it('finds references to other hosts where a page would load them (the scan can fail)', () => {
    const sample =
      '<script type="module" src="https://cdn.jsdelivr.net/npm/d3@7/+esm"></script><link href=\'http://fonts.googleapis.com/css\'>' +
      'a{background:url( "https://example.com/a.png")} @import "https://example.com/b.css"; import("https://esm.sh/htl");' +
      'import {x} from "https://esm.sh/x"; <svg xmlns="http://www.w3.org/2000/svg"><a href="http://www.w3.org/1999/xlink">';
    expect(referencesIn(sample)).toEqual([
      'https://cdn.jsdelivr.net/npm/d3@7/+esm',
      'http://fonts.googleapis.com/css',
      'https://example.com/a.png',
      'https://example.com/b.css',
      'https://esm.sh/htl',
      'https://esm.sh/x',
    ]);
  });
});

describe('every dashboard page in Chromium', () => {
  for (const path of PAGES) {
    it(`${path} draws its charts and tables, with no error and nothing from another host`, async () => {
      const { context, page, status, external, problems } = await openPage(path, 1280);
      try {
        expect(status).toBe(200);
        const contents = (await page.evaluate(pageContents, false)) as PageContents;
        await page.screenshot({ path: join(SCREENSHOTS, `${slug(path)}.png`), fullPage: true });
        const seen = [...problems];
        expect(external, 'requests to other hosts').toEqual([]);
        expect(seen, 'errors and failed requests').toEqual([]);
        expect(contents.errors, 'cells that failed').toEqual([]);
        expect(contents.loading, 'cells still loading').toBe(0);
        expect(contents.charts.length + contents.tables.length, 'charts and tables on the page').toBeGreaterThan(0);
        for (const chart of contents.charts) expect(chart.marks, `marks in the chart "${chart.title}"`).toBeGreaterThan(0);
        for (const table of contents.tables) expect(table.rows, `rows in the table "${table.title}"`).toBeGreaterThan(0);
      } finally {
        page.removeAllListeners();
        await context.close();
      }
    });
  }
});

describe('every dashboard page at any window width', () => {
  // A user narrows the window, splits the screen or opens a page on a small phone; every chart redraws.
  const WIDTHS = [1280, 1100, 960, 820, 700, 640, 600, 520, 440, 380, 320, 280, 240, 200];
  for (const path of PAGES) {
    it(`${path} redraws from ${WIDTHS[0]} to ${WIDTHS.at(-1)} px wide with no error`, async () => {
      const { context, page, problems } = await openPage(path, WIDTHS[0]!);
      try {
        for (const width of WIDTHS) {
          await page.setViewportSize({ width, height: 1000 });
          // Two frames: the resize observers fire, then what they redrew is painted.
          await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
          const contents = (await page.evaluate(pageContents, false)) as PageContents;
          expect(contents.errors, `cells that failed at ${width} px`).toEqual([]);
          expect(new Set(problems), `errors at ${width} px`).toEqual(new Set());
        }
      } finally {
        page.removeAllListeners();
        await context.close();
      }
    });
  }
});

/**
 * A page as the owner opens it in Chromium at the given window width, the clock pinned: loaded, and
 * drawn once its cells have run and its data has arrived by fetch. Requests to other hosts are
 * blocked and listed; console errors, page errors, failed requests and HTTP errors are collected.
 */
async function openPage(path: string, width: number) {
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ viewport: { width, height: 1000 }, timezoneId: 'America/Sao_Paulo' });
  await context.clock.setFixedTime(new Date(NOW));
  await context.addInitScript(`localStorage.setItem('replywatch.apiKey', ${JSON.stringify(ownerKey)})`);
  const external: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    external.push(url);
    return route.abort('blockedbyclient');
  });
  const problems: string[] = [];
  const page = await context.newPage();
  page.on('console', (message) => message.type() === 'error' && problems.push(`console error: ${message.text()}`));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) => external.includes(request.url()) || problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', (response) => response.status() >= 400 && problems.push(`HTTP ${response.status()}: ${response.url()}`));
  const response = await page.goto(`${origin}${path}`, { waitUntil: 'load' });
  await page.waitForFunction(pageContents, true, { timeout: 30_000, polling: 250 }).catch(() => undefined);
  return { context, page, status: response?.status(), external, problems };
}

function pagePaths(entries: ReadonlyArray<{ path?: string; pages?: ReadonlyArray<unknown> }>): string[] {
  return entries.flatMap((entry) => (entry.pages ? pagePaths(entry.pages as typeof entries) : entry.path ? [entry.path] : []));
}

function slug(path: string): string {
  return path === '/' ? 'index' : path.replace(/^\//, '').replace(/\/$/, '/index');
}

/** `src=`, `href=`, `url(` and `import` references to an http(s) host in the built HTML, JS and CSS. */
function externalReferences(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !['.html', '.js', '.css'].includes(extname(entry.name))) continue;
    const file = join(entry.parentPath, entry.name);
    for (const url of referencesIn(readFileSync(file, 'utf8'))) found.push(`${file.slice(dir.length + 1)}: ${url}`);
  }
  return found;
}

const REFERENCE = [
  /\b(?:src|href)\s*=\s*["']?(https?:\/\/[^"'\s>]+)/gi,
  /\burl\(\s*["']?(https?:\/\/[^"')\s]+)/gi,
  /\bimport\s*\(\s*["'`](https?:\/\/[^"'`]+)/gi,
  /\b(?:import|from)\s*["'](https?:\/\/[^"']+)/gi,
];

function referencesIn(text: string): string[] {
  const hits = REFERENCE.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => ({ at: match.index, url: match[1]! })));
  return hits
    .filter((hit) => new URL(hit.url).hostname !== 'www.w3.org')
    .sort((a, b) => a.at - b.at)
    .map((hit) => hit.url);
}
