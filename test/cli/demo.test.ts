import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('`replywatch demo --no-serve`', () => {
  it('ingests the sources, builds the warehouse and the dashboard, and prints the weekly health and the top of the queue', async () => {
    // The shared month of demo sources: the demo generates only when <data>/sources is empty.
    const data = tempDir();
    cpSync(join(inject('builtDataDir'), 'sources'), join(data, 'sources'), { recursive: true });
    const site = join(tempDir(), 'site');
    const result = await runCli(['--data', data, 'demo', '--no-serve'], { REPLYWATCH_DASHBOARD_OUT: site });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^week of \d{4}-\d{2}-\d{2}: \d+ inquiries, \d+% answered within target/m);
    expect(result.stdout).toMatch(/^ {2}high intent return +\d+% within target; .*; target 15 min$/m);
    expect(result.stdout).toMatch(/^ {2}passive engagement +(\d+%|–) within target; .*; target same business day$/m);
    expect(result.stdout).toMatch(/^ {2}failures - visibility \d+%, context \d+%, priority \d+%, accountability \d+%$/m);
    expect(result.stdout).toMatch(/^next actions \(\d+ in the queue, top 5\):\n {2}1\. .+ → a_\w+: .+; .+$/m);
    // --no-serve still builds the dashboard, where REPLYWATCH_DASHBOARD_OUT says.
    expect(result.stderr).toMatch(/^dashboard: \d+ data loaders, \d+ pages → .+ \(\d+\.\d s\)$/m);
    expect(result.stdout).toContain(`dashboard: built in ${site}`);
    expect(existsSync(join(site, 'index.html'))).toBe(true);
  });
});
