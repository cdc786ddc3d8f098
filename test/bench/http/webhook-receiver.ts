/**
 * Webhook receiver: the real `replywatch serve` taking signed WhatsApp webhook POSTs, each
 * appended durably to the landing log before its 200, loaded by autocannon from a second process.
 * The floor is a bare fastify POST route (bare-server.ts) on the same machine under the same load.
 *
 * Per run: both servers warm up, then each gets a max-throughput run (50 connections, as fast as
 * it answers) and a fixed-rate run at 3,000 req/s (latencies corrected for coordinated omission).
 * Afterwards the receiver is stopped (it drains and seals its segment) and the landing log must
 * hold at least one line per 2xx it answered.
 *
 * Set REPLYWATCH_BENCH_CPU_PROF=<dir> to run the receiver under `node --cpu-prof` (profile-summary.ts
 * prints its top self-time functions); the figures of a profiled run are slower than normal.
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { signatureOf } from '../../../api/webhooks/verify-signature.ts';
import type { BenchContext, BenchSize, Measurement, MeasurementSummary, ProfileSection, Stats, Workload } from '../workload.ts';
import { selfTime } from './profile-summary.ts';
import { inboundWebhook } from '../../api/scenario/alert-scenario.ts';
import { countLandingLines, freePort, latencyExtra, runLoad, startServer, type LoadRequest, type Server } from './processes.ts';

const APP_SECRET = 'bench-app-secret-0123456789';
const VERIFY_TOKEN = 'bench-verify-token';
const TARGET_RATE = 3000;
const CONNECTIONS = 50;
const DISTINCT_BODIES = 200;
const SECONDS: Record<BenchSize, { warmup: number; max: number; rate: number }> = {
  quick: { warmup: 1, max: 4, rate: 4 },
  '1m': { warmup: 3, max: 20, rate: 20 },
  '10m': { warmup: 3, max: 20, rate: 20 },
};

export const FLOOR_MAX = 'floor: bare fastify POST, max throughput (s/request)';
export const RECEIVER_MAX = 'receiver: signed POST + durable append, max throughput (s/request)';
export const FLOOR_RATE = `floor: bare fastify POST at ${TARGET_RATE.toLocaleString('en')} req/s (p99 s)`;
export const RECEIVER_RATE = `receiver at ${TARGET_RATE.toLocaleString('en')} req/s (p99 s)`;
export const LANDING_CHECK = 'receiver: every 2xx in the landing log';

/** Real-shaped webhook bodies: the generator's own (one per line), else a few inbound messages. */
async function webhookBodies(dataDir: string): Promise<string[]> {
  const file = join(dataDir, 'sources', 'whatsapp.ndjson');
  const bodies: string[] = [];
  if (existsSync(file)) {
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      if (line.trim()) bodies.push(line);
      if (bodies.length >= DISTINCT_BODIES) break;
    }
    lines.close();
  }
  if (bodies.length > 0) return bodies;
  const at = Date.parse('2026-11-27T11:00:00+05:30');
  return Array.from({ length: 20 }, (_, index) => inboundWebhook(`9198000${String(index).padStart(5, '0')}`, `Contact ${index}`, 'Please send the fee details', at + index * 1000));
}


/** Peak RSS of a live process (Linux), or undefined. */
function peakRss(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const webhookReceiver: Workload = {
  name: 'webhook receiver',
  defaultRuns: { quick: 1 },
  target: `≥ ${TARGET_RATE.toLocaleString('en')} req/s with p99 ≤ 50 ms at that rate; ≥ 30% of a bare fastify route's throughput`,
  async run(context: BenchContext): Promise<Measurement[]> {
    const seconds = SECONDS[context.size];
    const scratch = context.tempDir('bench-http-webhook-');
    const bodies = await webhookBodies(context.dataDir);
    const requests: LoadRequest[] = bodies.map((body) => ({
      method: 'POST',
      path: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, APP_SECRET) },
      body,
    }));
    context.log(`${requests.length} distinct signed webhook bodies, ${CONNECTIONS} connections`);
    const dataDir = join(scratch, 'data');
    const profileDir = process.env.REPLYWATCH_BENCH_CPU_PROF;
    const servers: Server[] = [];
    try {
      const [receiverPort, floorPort] = [await freePort(), await freePort()];
      const receiver = await startServer({
        name: 'replywatch serve',
        cwd: context.repoRoot,
        args: [
          ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
          join(context.repoRoot, 'bin', 'replywatch.js'),
          '--data',
          dataDir,
          'serve',
          '--port',
          String(receiverPort),
          '--build-every',
          '0',
          '--no-dashboard',
        ],
        env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, REPLYWATCH_CONFIG: '', REPLYWATCH_PORT: '', REPLYWATCH_HOST: '' },
        port: receiverPort,
      });
      servers.push(receiver);
      const floor = await startServer({
        name: 'bare fastify',
        cwd: context.repoRoot,
        args: ['--import', 'tsx', join(import.meta.dirname, 'bare-server.ts'), String(floorPort)],
        port: floorPort,
      });
      servers.push(floor);

      const load = (server: Server, name: string, durationSeconds: number, overallRate?: number) =>
        runLoad(
          { url: server.url, connections: CONNECTIONS, durationSeconds, requests, ...(overallRate !== undefined ? { overallRate } : {}) },
          { repoRoot: context.repoRoot, scratchDir: scratch, name },
        );
      let acknowledged = 0;
      const onReceiver = async (name: string, durationSeconds: number, overallRate?: number) => {
        const result = await load(receiver, name, durationSeconds, overallRate);
        acknowledged += result.ok2xx;
        return result;
      };

      context.log(`warm-up, ${seconds.warmup} s each`);
      await load(floor, 'floor-warmup', seconds.warmup);
      await onReceiver('receiver-warmup', seconds.warmup);

      context.log(`max throughput, ${seconds.max} s each`);
      const floorMax = await load(floor, 'floor-max', seconds.max);
      const receiverMax = await onReceiver('receiver-max', seconds.max);
      context.log(`floor ${Math.round(floorMax.requestsPerSecond)} req/s, receiver ${Math.round(receiverMax.requestsPerSecond)} req/s`);

      context.log(`fixed rate ${TARGET_RATE} req/s, ${seconds.rate} s each`);
      const floorRate = await load(floor, 'floor-rate', seconds.rate, TARGET_RATE);
      const receiverRate = await onReceiver('receiver-rate', seconds.rate, TARGET_RATE);
      context.log(`p99: floor ${floorRate.latency.p99} ms, receiver ${receiverRate.latency.p99} ms`);

      const receiverPeakRss = peakRss(receiver.child.pid);
      const code = await receiver.stop();
      if (code !== 0) context.log(`replywatch serve exited ${code} on SIGTERM:\n${receiver.stderrTail()}`);
      await floor.stop();
      const landed = await countLandingLines(join(dataDir, 'landing', 'whatsapp'));
      context.log(`${acknowledged} webhooks answered 2xx, ${landed} lines in the landing log`);

      return [
        { label: FLOOR_MAX, seconds: 1 / floorMax.requestsPerSecond, extra: { ...latencyExtra(floorMax), connections: CONNECTIONS } },
        {
          label: RECEIVER_MAX,
          seconds: 1 / receiverMax.requestsPerSecond,
          ratioTo: FLOOR_MAX,
          ...(receiverPeakRss !== undefined ? { peakRssBytes: receiverPeakRss } : {}),
          extra: {
            ...latencyExtra(receiverMax),
            share_of_floor: Math.round((receiverMax.requestsPerSecond / floorMax.requestsPerSecond) * 1000) / 1000,
            connections: CONNECTIONS,
            ...(profileDir ? { profiled: 'yes (--cpu-prof)' } : {}),
          },
        },
        { label: FLOOR_RATE, seconds: floorRate.latency.p99 / 1000, extra: latencyExtra(floorRate) },
        { label: RECEIVER_RATE, seconds: receiverRate.latency.p99 / 1000, ratioTo: FLOOR_RATE, extra: latencyExtra(receiverRate) },
        { label: LANDING_CHECK, extra: { acknowledged_2xx: acknowledged, landed_lines: landed, missing: Math.max(0, acknowledged - landed) } },
      ];
    } finally {
      for (const server of servers) await server.stop(5000);
    }
  },
  /** With REPLYWATCH_BENCH_CPU_PROF set: the receiver's top self-time functions, from its newest profile. */
  profile(): ProfileSection[] {
    const directory = process.env.REPLYWATCH_BENCH_CPU_PROF;
    if (!directory || !existsSync(directory)) return [];
    const newest = readdirSync(directory)
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread (1 is tsx's loader worker).
      .filter((name) => /\.\d+\.0\.\d+\.cpuprofile$/.test(name))
      .map((name) => join(directory, name))
      .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (!newest) return [];
    const summary = selfTime(newest);
    const title = `webhook receiver under load: CPU self time (node --cpu-prof, ${summary.totalSeconds.toFixed(1)} s sampled`;
    return [
      { title: `${title}, top functions)`, rows: summary.functions.slice(0, 20) },
      { title: `${title}, by package or folder)`, rows: summary.groups.slice(0, 12) },
    ];
  },
  check(summary: MeasurementSummary, size: BenchSize) {
    void size;
    const median = (name: string) => {
      const value: Stats | string | undefined = summary.extra[name];
      return typeof value === 'object' ? value.median : undefined;
    };
    if (summary.label === RECEIVER_MAX) {
      const rate = median('req_per_s');
      const share = median('share_of_floor');
      if (rate === undefined || share === undefined) return undefined;
      const met = rate >= TARGET_RATE && share >= 0.3;
      return { met, note: `${Math.round(rate)} req/s (target ≥ ${TARGET_RATE}), ${Math.round(share * 100)}% of the floor (target ≥ 30%)` };
    }
    if (summary.label === RECEIVER_RATE) {
      const p99 = median('p99_ms');
      const rate = median('req_per_s');
      const failed = (median('non2xx') ?? 0) + (median('errors') ?? 0);
      if (p99 === undefined || rate === undefined) return undefined;
      const met = p99 <= 50 && rate >= TARGET_RATE * 0.97 && failed === 0;
      return { met, note: `p99 ${p99} ms (target ≤ 50 ms) at ${Math.round(rate)} req/s achieved, ${failed} failed` };
    }
    if (summary.label === LANDING_CHECK) {
      const missing = summary.extra.missing;
      const worst = typeof missing === 'object' ? missing.max : undefined;
      if (worst === undefined) return undefined;
      return { met: worst === 0, note: worst === 0 ? 'every acknowledged webhook was on disk' : `${worst} acknowledged webhooks missing from the landing log` };
    }
    return undefined;
  },
};

export default webhookReceiver;
