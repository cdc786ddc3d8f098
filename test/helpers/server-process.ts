import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './run-cli.ts';
import { APP_SECRET, VERIFY_TOKEN } from './webhook-app.ts';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
}

/** `replywatch serve` as a real process on a free loopback port, resolved once it listens. */
export function startServerProcess(dataDir: string, extraArgs: string[] = [], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [join(REPO, 'bin', 'replywatch.js'), '--data', dataDir, 'serve', '--port', '0', '--build-every', '0', ...extraArgs],
    { cwd: REPO, env: { ...process.env, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /receiving WhatsApp webhooks at (http:\/\/\S+)\/webhooks\/whatsapp/.exec(output);
      if (match) resolve({ url: match[1]!, child, output: () => output, exited });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`replywatch serve exited (${code}) before listening:\n${output}`)));
  });
}
