import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyVerifier } from '../../lib/api-keys.ts';
import { runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

describe('`replywatch keys`', () => {
  const data = tempDir();
  const keys = (...args: string[]) => runCli(['--data', data, 'keys', ...args]);
  const verifier = createKeyVerifier(join(data, 'state'));

  it('prints the new key alone on stdout, and that key works', async () => {
    const result = await keys('create', '--role', 'supervisor', '--team', 'sales', '--name', 'Asha');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^rw_[A-Za-z0-9_-]{43}\n$/);
    expect(result.stderr).toMatch(/^created key_[0-9a-f]{8} \(supervisor, team sales\); it is shown once/);
    expect(verifier.verify(result.stdout.trim())).toMatchObject({ role: 'supervisor', team: 'sales' });
  });

  it('lists keys in a table without ever showing a key or its hash', async () => {
    const created = await keys('create', '--role', 'agent', '--agent', 'agt_07');
    const key = created.stdout.trim();
    const list = await keys('list');
    expect(list.code).toBe(0);
    const [header, rule, ...rows] = list.stdout.trimEnd().split('\n');
    expect(header!.split(/ {2,}/)).toEqual(['id', 'role', 'team', 'agent', 'name', 'created', 'revoked']);
    expect(rule).toMatch(/^-+( {2}-+){6}$/);
    expect(rows.some((row) => /^key_[0-9a-f]{8} {2}agent +agt_07 +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(row))).toBe(true);
    expect(list.stdout).not.toContain(key);
    for (const { sha256 } of JSON.parse(readFileSync(join(data, 'state', 'api-keys.json'), 'utf8')).keys) expect(list.stdout).not.toContain(sha256);
  });

  it('revokes a key by id: it stops working and the list says when', async () => {
    const created = await keys('create', '--role', 'owner');
    const id = /created (key_[0-9a-f]{8})/.exec(created.stderr)![1]!;
    expect(verifier.verify(created.stdout.trim())?.keyId).toBe(id);
    const revoked = await keys('revoke', id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe('');
    expect(verifier.verify(created.stdout.trim())).toBeUndefined();
    const row = (await keys('list')).stdout.split('\n').find((line) => line.startsWith(id));
    expect(row).toMatch(/Z {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('refuses an unknown id and a supervisor without a team, in one line and non-zero', async () => {
    const unknown = await keys('revoke', 'key_deadbeef');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr.trim()).toBe('replywatch: no API key key_deadbeef; `replywatch keys list` shows the ids');
    const teamless = await keys('create', '--role', 'supervisor');
    expect(teamless.code).not.toBe(0);
    expect(teamless.stdout).toBe('');
    expect(teamless.stderr.trim()).toBe('replywatch: a supervisor key needs --team, the team it supervises');
  });

  it('loses no key when several keys commands run at once', async () => {
    const own = tempDir();
    const results = await Promise.all(Array.from({ length: 6 }, () => runCli(['--data', own, 'keys', 'create', '--role', 'analyst'])));
    expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0, 0, 0]);
    const ownVerifier = createKeyVerifier(join(own, 'state'));
    expect(results.every((result) => ownVerifier.verify(result.stdout.trim())?.role === 'analyst')).toBe(true);
  });
});
