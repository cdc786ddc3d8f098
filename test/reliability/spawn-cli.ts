import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOW, REPO } from '../helpers/run-cli.ts';

export interface SpawnedCli {
  child: ChildProcess;
  /** Resolves when the process has exited, with what it printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /**
   * SIGKILL: `process` kills the replywatch process alone (its dbt child is orphaned, as when the
   * OOM killer or `kill -9 <pid>` picks it); `group` kills its whole process group (a container
   * stopped, a machine losing power).
   */
  kill(target: 'process' | 'group'): void;
}

/** `replywatch <args>` as a real process in its own process group, with the clock pinned, for killing. */
export function spawnCli(args: string[], env: Record<string, string> = {}): SpawnedCli {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'replywatch.js'), ...args], {
    cwd: REPO,
    env: { ...process.env, REPLYWATCH_NOW: NOW, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    kill(target) {
      try {
        if (target === 'group') process.kill(-child.pid!, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Processes whose command line names `dir` (Linux /proc; empty elsewhere): what a killed run left running. */
export function processesNaming(dir: string): string[] {
  if (!existsSync('/proc')) return [];
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (command.includes(dir)) found.push(`${pid}: ${command.slice(0, 120)}`);
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
