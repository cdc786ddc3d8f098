/**
 * Alert API: the real `replywatch serve` over the run's built warehouse, GET /api/alerts and
 * GET /api/queue at a fixed 200 req/s from a second process (autocannon, latencies corrected for
 * coordinated omission), beside GET /healthz at the same rate as the floor.
 *
 * An owner key is created for the run and revoked after it. The per-key rate limit (600 a minute
 * by default) is raised through a config file for the run, since one key makes every request.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKey, revokeKey } from '../../../lib/api-keys.ts';
import { dataPaths } from '../../../lib/data-paths.ts';
import type { BenchContext, BenchSize, Measurement, MeasurementSummary, Stats, Workload } from '../workload.ts';
import { freePort, latencyExtra, runLoad, startServer, type Server } from './processes.ts';

const RATE = 200;
const CONNECTIONS = 10;
const MAX_PAGES = 1000;
const SECONDS: Record<BenchSize, { warmup: number; rate: number }> = {
  quick: { warmup: 1, rate: 4 },
  '1m': { warmup: 3, rate: 30 },
  '10m': { warmup: 3, rate: 30 },
};

const ENDPOINTS = [
  { path: '/healthz', label: `floor: GET /healthz at ${RATE} req/s (p99 s)`, auth: false },
  { path: '/api/alerts?limit=100', label: `GET /api/alerts?limit=100 at ${RATE} req/s (p99 s)`, auth: true },
  { path: '/api/queue?limit=50', label: `GET /api/queue?limit=50 at ${RATE} req/s (p99 s)`, auth: true },
] as const;
export const FLOOR = ENDPOINTS[0].label;
export const SCALE = 'alert API: warehouse scale';

/** Every page of a cursor-paged list, counted (bounded by MAX_PAGES). */
async function countPages(url: string, authorization: string, field: 'alerts' | 'items'): Promise<{ count: number; byStatus: Record<string, number>; complete: boolean }> {
  let cursor: string | null = null;
  let count = 0;
  const byStatus: Record<string, number> = {};
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const response = await fetch(`${url}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization }, signal: AbortSignal.timeout(60_000) });
    if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const body = (await response.json()) as Record<string, unknown> & { next_cursor: string | null };
    const rows = body[field] as Array<{ status?: string }>;
    count += rows.length;
    for (const row of rows) if (row.status) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
    cursor = body.next_cursor;
    if (cursor === null) return { count, byStatus, complete: true };
  }
  return { count, byStatus, complete: false };
}

export const alertApi: Workload = {
  name: 'alert API',
  defaultRuns: { quick: 1 },
  target: `p99 ≤ 50 ms at ${RATE} req/s for GET /api/alerts and GET /api/queue (floor: GET /healthz)`,
  async run(context: BenchContext): Promise<Measurement[]> {
    const seconds = SECONDS[context.size];
    const scratch = context.tempDir('bench-http-alerts-');
    const paths = dataPaths(context.dataDir);
    const configFile = join(scratch, 'config.json');
    writeFileSync(configFile, JSON.stringify({ api: { rateLimitPerMinute: 10_000_000 } }), { mode: 0o600 });
    chmodSync(configFile, 0o600);
    const { key, record } = createKey(paths.state, { role: 'owner', name: 'benchmark (test/bench/http/alert-api.ts)' });
    const authorization = `Bearer ${key}`;
    let server: Server | undefined;
    try {
      const port = await freePort();
      server = await startServer({
        name: 'replywatch serve',
        cwd: context.repoRoot,
        args: [
          join(context.repoRoot, 'bin', 'replywatch.js'),
          '--data',
          context.dataDir,
          'serve',
          '--port',
          String(port),
          '--build-every',
          '0',
          '--no-dashboard',
          '--config',
          configFile,
        ],
        env: { WHATSAPP_APP_SECRET: 'bench-app-secret-0123456789', WHATSAPP_VERIFY_TOKEN: 'bench-verify-token', REPLYWATCH_PORT: '', REPLYWATCH_HOST: '' },
        port,
      });
      const running = server;

      // The scale, read through the API itself (this also warms its caches).
      const countStarted = performance.now();
      const alerts = await countPages(`${running.url}/api/alerts?limit=500`, authorization, 'alerts');
      const queue = await countPages(`${running.url}/api/queue?limit=500`, authorization, 'items');
      context.log(
        `${alerts.count}${alerts.complete ? '' : '+'} alerts (${Object.entries(alerts.byStatus).map(([status, n]) => `${n} ${status}`).join(', ') || 'none'}), ` +
          `${queue.count}${queue.complete ? '' : '+'} queue items, counted in ${((performance.now() - countStarted) / 1000).toFixed(1)} s`,
      );

      const load = (endpoint: (typeof ENDPOINTS)[number], name: string, durationSeconds: number) =>
        runLoad(
          {
            url: running.url,
            connections: CONNECTIONS,
            durationSeconds,
            overallRate: RATE,
            requests: [{ method: 'GET', path: endpoint.path, ...(endpoint.auth ? { headers: { authorization } } : {}) }],
          },
          { repoRoot: context.repoRoot, scratchDir: scratch, name },
        );

      const measurements: Measurement[] = [
        {
          label: SCALE,
          extra: {
            alerts: alerts.count,
            firing_alerts: alerts.byStatus.firing ?? 0,
            queue_items: queue.count,
            counts_complete: alerts.complete && queue.complete ? 'yes' : `no (stopped at ${MAX_PAGES} pages of 500)`,
          },
        },
      ];
      for (const endpoint of ENDPOINTS) {
        await load(endpoint, `warmup ${endpoint.path}`, seconds.warmup);
        const result = await load(endpoint, endpoint.path, seconds.rate);
        context.log(`${endpoint.path}: p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms, ${result.non2xx} non-2xx, ${result.errors} errors`);
        measurements.push({
          label: endpoint.label,
          seconds: result.latency.p99 / 1000,
          ...(endpoint.label !== FLOOR ? { ratioTo: FLOOR } : {}),
          extra: latencyExtra(result),
        });
      }
      const code = await running.stop();
      if (code !== 0) context.log(`replywatch serve exited ${code} on SIGTERM:\n${running.stderrTail()}`);
      return measurements;
    } finally {
      await server?.stop(5000);
      revokeKey(paths.state, record.id);
    }
  },
  check(summary: MeasurementSummary, size: BenchSize) {
    void size;
    if (summary.label === FLOOR || !ENDPOINTS.some((endpoint) => endpoint.label === summary.label)) return undefined;
    const median = (name: string) => {
      const value: Stats | string | undefined = summary.extra[name];
      return typeof value === 'object' ? value.median : undefined;
    };
    const p99 = median('p99_ms');
    const rate = median('req_per_s');
    if (p99 === undefined || rate === undefined) return undefined;
    const failed = (median('non2xx') ?? 0) + (median('errors') ?? 0);
    const met = p99 <= 50 && rate >= RATE * 0.97 && failed === 0;
    return { met, note: `p99 ${p99} ms (target ≤ 50 ms) at ${Math.round(rate)} req/s achieved, ${failed} failed` };
  },
};

export default alertApi;
