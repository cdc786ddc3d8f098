/**
 * The top self-time functions of a V8 CPU profile (`node --cpu-prof`), for BENCHMARKS.md:
 *
 *   REPLYWATCH_BENCH_CPU_PROF=/tmp/prof npx tsx test/bench/http/try.ts --only webhook
 *   npx tsx test/bench/http/profile-summary.ts /tmp/prof/CPU.*.cpuprofile [--top 25]
 *
 * Self time is the time a function was on top of the stack; "(program)", "(idle)" and
 * "(garbage collector)" are V8's own buckets. Also groups self time by package or repo folder.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  totalSeconds: number;
  functions: Array<{ name: string; seconds: number }>;
  groups: Array<{ name: string; seconds: number }>;
}

/** Package (node_modules/<name>), replywatch folder, node core or V8 of a frame's URL. */
function groupOf(url: string): string {
  if (!url) return '(V8: program, idle, GC, native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  if (url.startsWith('node:')) return 'node core (JS)';
  const repo = /\/(api|lib|ingest|cli|pipeline|test)\//.exec(url);
  return repo ? `replywatch ${repo[1]}/` : url;
}

export function selfTime(file: string): SelfTime {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const functions = new Map<string, number>();
  const groups = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of selfMicros) {
    total += micros;
    const frame = byId.get(id)!.callFrame;
    const where = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(api|lib|ingest|cli|pipeline|test)\//, '$1/');
    const name = `${frame.functionName || '(anonymous)'}${where ? ` ${where}:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + micros);
    const group = groupOf(frame.url);
    groups.set(group, (groups.get(group) ?? 0) + micros);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).map(([name, micros]) => ({ name, seconds: micros / 1e6 }));
  return { totalSeconds: total / 1e6, functions: sorted(functions), groups: sorted(groups) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  for (const file of positionals) {
    const summary = selfTime(file);
    const share = (seconds: number) => `${((seconds / summary.totalSeconds) * 100).toFixed(1).padStart(5)}%`;
    console.log(`\n${file}: ${summary.totalSeconds.toFixed(1)} s sampled`);
    console.log('\nself time by function:');
    for (const row of summary.functions.slice(0, Number(values.top))) console.log(`  ${share(row.seconds)}  ${row.name}`);
    console.log('\nself time by package / folder:');
    for (const row of summary.groups.slice(0, 15)) console.log(`  ${share(row.seconds)}  ${row.name}`);
  }
}
