/**
 * The load generator of the HTTP benchmarks, run in its own process so it never shares an event
 * loop with the server it loads:
 *
 *   node --import tsx test/bench/http/load.ts <spec.json>
 *
 * The spec is a `LoadSpec` (processes.ts): the URL, connections, duration, the requests to cycle
 * through, and an optional overall rate. Prints one `LoadResult` as JSON (latencies in ms).
 *
 * Without a rate, autocannon sends as fast as the server answers (max throughput). With a rate,
 * the default pacer is an open-loop one written here: request i is due at start + i / rate, sent
 * on a keep-alive pool of `connections` sockets, and its latency counts from when it was due, so
 * a server that stalls is charged for the requests that queued behind the stall (as wrk2 does).
 * `pacer: 'autocannon'` uses autocannon's overallRate instead, which is burstier than the rate
 * says: each connection sends its per-second quota back to back and then waits for the next
 * second, so with 10 connections the server sees 10 requests at once for most of every second.
 * Its coordinated-omission correction is also off by a unit (it takes the expected interval as
 * ceil(1 / rate) = 1 ms, adding one synthetic sample per millisecond of every slow response), so
 * that mode records latencies as measured.
 */
import autocannon from 'autocannon';
import { Agent, request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import type { LoadResult, LoadSpec } from './processes.ts';

async function withAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSeconds,
    ...(spec.overallRate !== undefined ? { overallRate: spec.overallRate, ignoreCoordinatedOmission: true } : {}),
    timeout: 10,
    requests: spec.requests.map((request) => ({
      method: request.method,
      path: request.path,
      ...(request.headers ? { headers: request.headers } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    })),
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stats.count ?? 0;
  return {
    pacer: spec.overallRate === undefined ? 'autocannon (max throughput)' : 'autocannon overallRate',
    durationSeconds: result.duration,
    requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
    total: result.requests.total,
    sent: result.requests.sent,
    latency: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, average: result.latency.average },
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    ok2xx: result['2xx'],
    statusCodes,
  };
}

/** Open loop at a uniform rate; latency from each request's due time. */
async function uniform(spec: LoadSpec, rate: number): Promise<LoadResult> {
  const target = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const bodies = spec.requests.map((request) => (request.body === undefined ? undefined : Buffer.from(request.body)));
  const interval = 1000 / rate;
  const count = Math.max(1, Math.round(rate * spec.durationSeconds));
  const latencies: number[] = [];
  const statusCodes: Record<string, number> = {};
  let finished = 0;
  let ok2xx = 0;
  let non2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let sent = 0;
  let lastDone = 0;
  const start = performance.now();

  await new Promise<void>((resolveAll) => {
    const hardStop = setTimeout(resolveAll, (spec.durationSeconds + 15) * 1000);
    const settle = () => {
      finished += 1;
      lastDone = performance.now();
      if (finished === count) {
        clearTimeout(hardStop);
        resolveAll();
      }
    };
    const fire = (index: number, due: number) => {
      const spec_ = spec.requests[index % spec.requests.length]!;
      const body = bodies[index % bodies.length];
      sent += 1;
      const request = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method: spec_.method,
          path: spec_.path,
          headers: { ...spec_.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
          timeout: 10_000,
        },
        (response) => {
          response.resume();
          response.once('end', () => {
            const code = response.statusCode ?? 0;
            statusCodes[code] = (statusCodes[code] ?? 0) + 1;
            if (code >= 200 && code < 300) {
              ok2xx += 1;
              latencies.push(performance.now() - due);
            } else non2xx += 1;
            settle();
          });
        },
      );
      request.once('timeout', () => {
        timeouts += 1;
        request.destroy(new Error('timeout'));
      });
      request.once('error', () => {
        errors += 1;
        settle();
      });
      request.end(body);
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < count && start + next * interval <= now) {
        fire(next, start + next * interval);
        next += 1;
      }
      if (next < count) setTimeout(tick, Math.max(0, Math.min(1, start + next * interval - performance.now())));
    };
    tick();
  });
  agent.destroy();
  const elapsed = ((lastDone || performance.now()) - start) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (share: number) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(share * latencies.length) - 1)]! * 100) / 100 : 0);
  return {
    pacer: 'uniform open loop (latency from due time)',
    durationSeconds: elapsed,
    requestsPerSecond: elapsed > 0 ? finished / elapsed : 0,
    total: finished,
    sent,
    latency: {
      p50: at(0.5),
      p90: at(0.9),
      p99: at(0.99),
      max: at(1),
      average: latencies.length ? Math.round((latencies.reduce((sum, value) => sum + value, 0) / latencies.length) * 100) / 100 : 0,
    },
    errors: errors + (count - finished),
    timeouts,
    non2xx,
    ok2xx,
    statusCodes,
  };
}

const specFile = process.argv[2];
if (!specFile) {
  process.stderr.write('usage: load.ts <spec.json>\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specFile, 'utf8')) as LoadSpec;
const output = spec.overallRate !== undefined && spec.pacer !== 'autocannon' ? await uniform(spec, spec.overallRate) : await withAutocannon(spec);
process.stdout.write(JSON.stringify(output) + '\n');
process.exit(0);
