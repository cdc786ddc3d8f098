/**
 * Child processes for the HTTP benchmarks: the server under test (or the floor's bare server) and
 * the load generator, each in its own process so the load never shares an event loop with the
 * server. Every child is killed when the benchmark ends, fails, or the parent exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createReadStream, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Last resort: a parent that dies (or exits early) leaves no server behind.
    process.once('exit', () => {
      for (const orphan of running) orphan.kill('SIGKILL');
    });
  }
}

/** A TCP port nobody listens on right now (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface Server {
  url: string;
  child: ChildProcess;
  /** The last few KB of the child's stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM (the server drains and seals its landing log), SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Starts `node <args>` in `cwd` and resolves once GET `url + readyPath` answers 200; rejects (and
 * kills the child) if it exits first or is not ready within `readyTimeoutMs`.
 */
export async function startServer(options: {
  name: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  port: number;
  readyPath?: string;
  readyTimeoutMs?: number;
}): Promise<Server> {
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    // The server's request log goes nowhere (as cheap as a log shipper that keeps up); stderr is kept for errors.
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(child);
  let tail = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-4000);
  });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  const url = `http://127.0.0.1:${options.port}`;
  const server: Server = {
    url,
    child,
    stderrTail: () => tail,
    async stop(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  let gone = false;
  void exited.then(() => (gone = true));
  while (true) {
    if (gone) throw new Error(`${options.name} exited before it was ready (code ${child.exitCode}):\n${tail}`);
    if (Date.now() > deadline) {
      await server.stop(2000);
      throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${tail}`);
    }
    try {
      const response = await fetch(url + (options.readyPath ?? '/healthz'), { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((wake) => setTimeout(wake, 100));
  }
}

/** One request of a load run (autocannon cycles through them, per connection). */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Requests a second over all connections; unset: as fast as the server answers (autocannon). */
  overallRate?: number;
  /**
   * How a rate is paced: 'uniform' (default) is load.ts's own open loop, latency from each request's
   * due time; 'autocannon' is autocannon's overallRate (per-second bursts; see load.ts).
   * REPLYWATCH_BENCH_PACER=autocannon switches every fixed-rate run.
   */
  pacer?: 'uniform' | 'autocannon';
  requests: LoadRequest[];
}

/** The parts of autocannon's result the benchmarks use (latencies in milliseconds). */
export interface LoadResult {
  pacer: string;
  durationSeconds: number;
  requestsPerSecond: number;
  total: number;
  sent: number;
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  ok2xx: number;
  statusCodes: Record<string, number>;
}

/**
 * Runs autocannon in a second process (test/bench/http/load.ts, through tsx), with the spec in a
 * JSON file, and returns its result. Killed if it runs well past its duration.
 */
/** A load result's figures as a measurement's extras. */
export const latencyExtra = (result: LoadResult) => ({
  req_per_s: Math.round(result.requestsPerSecond),
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  max_ms: result.latency.max,
  non2xx: result.non2xx,
  errors: result.errors,
  pacer: result.pacer,
});

export async function runLoad(spec: LoadSpec, options: { repoRoot: string; scratchDir: string; name: string }): Promise<LoadResult> {
  const specFile = join(options.scratchDir, `${options.name.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}.json`);
  const pacer = spec.pacer ?? (process.env.REPLYWATCH_BENCH_PACER === 'autocannon' ? 'autocannon' : 'uniform');
  writeFileSync(specFile, JSON.stringify({ ...spec, pacer }));
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load.ts'), specFile], {
    cwd: options.repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const limit = setTimeout(() => child.kill('SIGKILL'), (spec.durationSeconds + 60) * 1000);
  const code = await new Promise<number | null>((resolveExit) => child.once('exit', (exitCode) => resolveExit(exitCode)));
  clearTimeout(limit);
  if (code !== 0) throw new Error(`load generator (${options.name}) exited ${code}:\n${stderr}`);
  return JSON.parse(stdout) as LoadResult;
}

/** Lines in every landing segment of `directory` (sealed `.ndjson` and any `.part` left open), streamed. */
export async function countLandingLines(directory: string): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith('.ndjson') || name.endsWith('.ndjson.part'));
  } catch {
    return 0;
  }
  let lines = 0;
  for (const name of names) {
    for await (const chunk of createReadStream(join(directory, name))) {
      const buffer = chunk as Buffer;
      for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) lines += 1;
    }
  }
  return lines;
}
