import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
export const NOW = '2026-11-27T12:00:00+05:30';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `replywatch` command in a child process, with the clock pinned. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO, 'bin', 'replywatch.js'), ...args], {
      cwd: REPO,
      env: { ...process.env, REPLYWATCH_NOW: NOW, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
