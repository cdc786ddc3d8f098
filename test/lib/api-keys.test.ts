import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKey, createKeyVerifier, listKeys, revokeKey } from '../../lib/api-keys.ts';
import { UserError } from '../../lib/user-error.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const stateDir = (): string => join(tempDir(), 'state');

describe('API keys', () => {
  it('verifies a created key to the principal it was made for, and nothing else', () => {
    const state = stateDir();
    const supervisor = createKey(state, { role: 'supervisor', team: 'sales', name: 'Asha' });
    const agent = createKey(state, { role: 'agent', agentId: 'agt_07' });
    const { verify } = createKeyVerifier(state);
    expect(supervisor.key).toMatch(/^rw_[A-Za-z0-9_-]{43}$/);
    expect(supervisor.record.id).toMatch(/^key_[0-9a-f]{8}$/);
    expect(verify(supervisor.key)).toEqual({ keyId: supervisor.record.id, role: 'supervisor', team: 'sales' });
    expect(verify(agent.key)).toEqual({ keyId: agent.record.id, role: 'agent', agentId: 'agt_07' });
    // One character changed (never to itself: a fixed replacement matched the key 1 time in 16).
    const tampered = `rw_${supervisor.key[3] === 'A' ? 'B' : 'A'}${supervisor.key.slice(4)}`;
    expect(tampered).not.toBe(supervisor.key);
    expect(verify(tampered)).toBeUndefined();
    expect(verify('')).toBeUndefined();
  });

  it('stores only the hash of a key, in a file only its owner can read', () => {
    const state = stateDir();
    const { key, record } = createKey(state, { role: 'owner' });
    const file = join(state, 'api-keys.json');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(3));
    expect(listKeys(state)).toEqual([{ id: record.id, role: 'owner', createdAt: record.createdAt, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(state).mode & 0o777).toBe(0o700);
  });

  it('stops accepting a revoked key in a verifier that is already running', () => {
    const state = stateDir();
    const kept = createKey(state, { role: 'analyst' });
    const revoked = createKey(state, { role: 'owner' });
    const { verify } = createKeyVerifier(state);
    expect(verify(revoked.key)?.role).toBe('owner');
    expect(revokeKey(state, revoked.record.id).revokedAt).toBeDefined();
    expect(verify(revoked.key)).toBeUndefined();
    expect(verify(kept.key)?.role).toBe('analyst');
  });

  it('accepts a key created after the verifier started, including into an empty store', () => {
    const state = stateDir();
    const { verify } = createKeyVerifier(state);
    expect(verify('rw_anything')).toBeUndefined();
    const first = createKey(state, { role: 'owner' });
    expect(verify(first.key)?.keyId).toBe(first.record.id);
    const second = createKey(state, { role: 'analyst' });
    expect(verify(second.key)?.keyId).toBe(second.record.id);
  });

  it('refuses role, team and agent combinations that make no sense, in one line each', () => {
    const state = stateDir();
    const refusals: Array<[Parameters<typeof createKey>[1], string]> = [
      [{ role: 'admin' }, 'role "admin" is not one of owner, supervisor, analyst, agent'],
      [{ role: 'supervisor' }, 'a supervisor key needs --team, the team it supervises'],
      [{ role: 'agent' }, "an agent key needs --agent, the agent's roster id"],
      [{ role: 'owner', team: 'sales' }, '--team is only for supervisor keys, not owner'],
      [{ role: 'analyst', agentId: 'agt_07' }, '--agent is only for agent keys, not analyst'],
      [{ role: 'supervisor', team: ' ' }, '--team must not be empty'],
    ];
    for (const [request, message] of refusals) {
      expect(() => createKey(state, request)).toThrow(new UserError(message));
    }
    expect(listKeys(state)).toEqual([]);
  });

  it('names an unknown id when asked to revoke it', () => {
    const state = stateDir();
    createKey(state, { role: 'owner' });
    expect(() => revokeKey(state, 'key_00000000')).toThrow(/^no API key key_00000000;/);
  });
});
