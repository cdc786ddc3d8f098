import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DataPaths } from '../lib/data-paths.ts';
import { startProgress } from '../lib/progress.ts';
import { memoryLimit } from '../ingest/load-raw.ts';
import { UserError } from '../lib/user-error.ts';
import { seedParse, shareParse } from './parse-cache.ts';
import { dbtProjectDir, PROJECT_ROOT, venvTool } from './project-paths.ts';

export interface DbtFailure {
  node: string;
  status: string;
  message: string;
}

export interface DbtOutcome {
  ok: boolean;
  failures: DbtFailure[];
  /** The last lines dbt printed, for errors that happen before any node runs (parse errors). */
  tail: string[];
}

const NODE_DONE = /\b(\d+) of (\d+) (OK|PASS|WARN|ERROR|FAIL|SKIP)\b/;

/**
 * Starts dbt so that it dies with this process. A replywatch killed with SIGKILL (the OOM killer,
 * `kill -9`) cannot stop its child, and an orphaned dbt kept writing warehouse.next.duckdb and
 * holding raw.duckdb, so the next build failed on their locks until it finished. On Linux the
 * child asks for SIGKILL when its parent dies (prctl PR_SET_PDEATHSIG). It then imports dbt and
 * the DuckDB adapter (~2.5 s) and waits for one line on stdin, the build's settings (JSON: env vars
 * and arguments to add), known only once the warehouse file is in place, to run dbt with the
 * arguments after the parent's pid and those; end of input without one means no build.
 * It runs isolated (-I): its working directory is the data directory, whose files must not shadow
 * the modules it imports.
 */
const DBT_DRIVER = [
  'import ctypes, json, os, signal, sys',
  'try:',
  '    ctypes.CDLL(None).prctl(1, signal.SIGKILL)',
  'except (AttributeError, OSError):',
  '    pass',
  'if os.getppid() != int(sys.argv[1]):',
  '    sys.exit(137)',
  'from dbt.cli.main import cli',
  'import dbt.adapters.duckdb',
  'line = sys.stdin.readline()',
  'if not line:',
  '    sys.exit(0)',
  'settings = json.loads(line)',
  'os.environ.update(settings["env"])',
  'sys.argv = sys.argv[2:] + settings["args"]',
  'sys.exit(cli())',
].join('\n');

/** A dbt process started ahead of its build (startDbt). */
export interface StartedDbt {
  /**
   * Runs `dbt build` against the given warehouse file, raw.duckdb attached read-only, with "now"
   * pinned by env REPLYWATCH_AS_OF (macro as_of). dbt's per-node lines drive a progress line; the
   * outcome names every model or test that failed, read from target/run_results.json.
   */
  build(warehousePath: string, asOf: Date, options?: { fingerprint?: string; previousAsOf?: Date }): Promise<DbtOutcome>;
  /** Ends the process when no build is coming (or one is abandoned). */
  stop(): void;
}

/**
 * Starts Python and imports dbt now, so that the imports overlap whatever the build does before
 * dbt can run (the warehouse copy of an incremental build takes about as long).
 */
export function startDbt(paths: DataPaths, options: { signal?: AbortSignal; quiet?: boolean } = {}): StartedDbt {
  const python = venvTool('python');
  if (!venvTool('dbt') || !python) throw new UserError('dbt is not installed in .venv; run `node scripts/setup.mjs` (or `npm start`)');
  const project = dbtProjectDir();
  const env = {
    ...process.env,
    REPLYWATCH_RAW_PATH: relative(paths.root, paths.raw),
    REPLYWATCH_MEMORY_LIMIT: memoryLimit(),
    REPLYWATCH_DBT_THREADS: String(dbtThreads()),
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DBT_USE_COLORS: 'false',
  };
  // On the command line from the start (`ps` shows a dbt build of this data directory), unlike the settings.
  const args = [
    'dbt',
    'build',
    '--project-dir', project,
    '--profiles-dir', existsSync(join(project, 'profiles.yml')) ? project : PROJECT_ROOT,
    '--target-path', paths.dbtTarget,
    '--log-path', paths.dbtLogs,
    // Unit tests check the rules, not the data: npm test runs them (test/pipeline/dbt-unit-tests.test.ts), builds do not.
    '--exclude-resource-type', 'unit_test',
  ];
  const child = spawn(python, ['-I', '-c', DBT_DRIVER, String(process.pid), ...args], {
    cwd: paths.root,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    signal: options.signal,
    killSignal: 'SIGTERM',
  });
  // A driver that died before reading its line: its exit code and output say why.
  child.stdin.on('error', () => undefined);
  const tail: string[] = [];
  let onNodeDone = (_total: number): void => undefined;
  let pending = '';
  const onData = (chunk: Buffer): void => {
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      const match = NODE_DONE.exec(line);
      if (match) onNodeDone(Number(match[2]));
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', (error) => (error.name === 'AbortError' ? resolve(130) : reject(error)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  // Read by build(); a process stopped without a build has nobody to tell.
  exited.catch(() => undefined);

  return {
    async build(warehousePath, asOf, buildOptions = {}) {
      const buildEnv = {
        // Relative to the data directory dbt runs in: dbt parses the project again whenever the
        // profile's values change, and absolute paths differed between data directories (parse-cache.ts).
        REPLYWATCH_WAREHOUSE_PATH: relative(paths.root, warehousePath),
        // Env vars, not --vars: a change of --vars switches off dbt's partial parsing.
        REPLYWATCH_AS_OF: asOf.toISOString(),
        REPLYWATCH_BUILD_FINGERPRINT: buildOptions.fingerprint ?? '',
        // What an incremental build must recompute (int_changed_contacts): rows stamped with this
        // build's start, and whatever happened between the previous warehouse's "now" and this one.
        REPLYWATCH_BUILD_STARTED_AT: new Date().toISOString(),
        REPLYWATCH_PREVIOUS_AS_OF: buildOptions.previousAsOf?.toISOString() ?? '',
      };
      rmSync(join(paths.dbtTarget, 'run_results.json'), { force: true });
      seedParse(project, paths.dbtTarget);
      const progress = startProgress('dbt build', { unit: 'nodes', silent: options.quiet });
      let total = 0;
      onNodeDone = (nodes) => {
        total = nodes;
        progress.advance();
      };
      // An incremental build starts from a warehouse whose fingerprint covers seeds/, so its seed
      // tables are these files already, and passed their tests when it was built: neither runs again.
      const buildArgs = buildOptions.previousAsOf ? ['--exclude', 'resource_type:seed'] : [];
      child.stdin.end(`${JSON.stringify({ env: buildEnv, args: buildArgs })}\n`);
      const exitCode = await exited;
      const failures = readFailures(paths);
      if (exitCode === 0) shareParse(project, paths.dbtTarget);
      progress.finish(exitCode === 0 ? `${total} nodes passed` : `failed (${failures.length || 'see below'})`);
      return { ok: exitCode === 0, failures, tail };
    },
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** How many models dbt builds at once (env REPLYWATCH_DBT_THREADS, default 2; profiles.yml reads it), checked. */
export function dbtThreads(): number {
  const setting = process.env.REPLYWATCH_DBT_THREADS || '2';
  const threads = Number(setting);
  if (!/^\d+$/.test(setting) || threads < 1 || threads > 64) {
    throw new UserError(`REPLYWATCH_DBT_THREADS "${setting}" is not a whole number of models from 1 to 64`);
  }
  return threads;
}

/** "test.replywatch.not_null_stg_x_id.5f1c2" → "test not_null_stg_x_id"; unit tests name their model too. */
function describeNode(uniqueId: string): string {
  const [type, , name, unitTest] = uniqueId.split('.');
  return type === 'unit_test' ? `unit test ${unitTest} of ${name}` : `${type} ${name}`;
}

/** The informative part of a dbt error: the database's own error line, not "Runtime Error in model …". */
function summarizeMessage(message: string): string {
  const lines = message.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const informative = lines.filter((line) => !/^(Runtime|Database|Compilation) Error in /.test(line));
  return (informative.length ? informative : lines).slice(0, 3).join(' ');
}

function readFailures(paths: DataPaths): DbtFailure[] {
  const file = join(paths.dbtTarget, 'run_results.json');
  if (!existsSync(file)) return [];
  const results = JSON.parse(readFileSync(file, 'utf8')) as {
    results: Array<{ unique_id: string; status: string; message: string | null }>;
  };
  return results.results
    .filter((result) => result.status === 'error' || result.status === 'fail')
    .map((result) => ({
      node: describeNode(result.unique_id),
      status: result.status,
      message: summarizeMessage(result.message ?? ''),
    }));
}
