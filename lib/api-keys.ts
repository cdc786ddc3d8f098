import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROLES, type Principal, type Role } from '../api/auth/principal.ts';
import { UserError } from './user-error.ts';
import { writeFileAtomic } from './write-file-atomic.ts';

/** One API key as stored: who it speaks for, and the SHA-256 of the key, never the key itself. */
export interface KeyRecord {
  id: string;
  role: Role;
  team?: string;
  agentId?: string;
  name?: string;
  createdAt: string;
  revokedAt?: string;
  sha256: string;
}

export interface KeyRequest {
  role: string;
  team?: string;
  agentId?: string;
  name?: string;
}

export const KEYS_FILE = 'api-keys.json';

const keysFile = (stateDir: string): string => join(stateDir, KEYS_FILE);

/*
 * A plain SHA-256 is enough: the key is 256 random bits, so there is nothing to guess and a slow
 * password hash (scrypt, argon2) would only make every request slower.
 */
const newKeyId = (): string => `key_${randomBytes(4).toString('hex')}`;

const sha256 = (key: string): string => createHash('sha256').update(key).digest('hex');

/** Makes a key for `request` and stores its hash; the key itself exists only in the return value. */
export function createKey(stateDir: string, request: KeyRequest): { key: string; record: KeyRecord } {
  const role = checkedRole(request);
  return withKeysLock(stateDir, () => {
    const records = listKeys(stateDir);
    const key = `rw_${randomBytes(32).toString('base64url')}`;
    const taken = new Set(records.map((record) => record.id));
    let id = newKeyId();
    while (taken.has(id)) id = newKeyId();
    const record: KeyRecord = {
      id,
      role,
      ...(request.team !== undefined && { team: request.team }),
      ...(request.agentId !== undefined && { agentId: request.agentId }),
      ...(request.name !== undefined && { name: request.name }),
      createdAt: new Date().toISOString(),
      sha256: sha256(key),
    };
    saveKeys(stateDir, [...records, record]);
    return { key, record };
  });
}

/** Every key ever created, revoked ones included, oldest first. */
export function listKeys(stateDir: string): KeyRecord[] {
  const file = keysFile(stateDir);
  if (!existsSync(file)) return [];
  let keys: unknown;
  try {
    keys = (JSON.parse(readFileSync(file, 'utf8')) as { keys?: unknown }).keys;
  } catch (error) {
    throw new UserError(`${file} is unreadable (${(error as Error).message.split('\n')[0]}); restore it, or remove it and create new keys`);
  }
  if (!Array.isArray(keys)) throw new UserError(`${file} has no "keys" list; restore it, or remove it and create new keys`);
  return keys as KeyRecord[];
}

/** Revokes key `id` (again is harmless) and returns its record. */
export function revokeKey(stateDir: string, id: string): KeyRecord {
  return withKeysLock(stateDir, () => {
    const records = listKeys(stateDir);
    const record = records.find((candidate) => candidate.id === id);
    if (!record) throw new UserError(`no API key ${id}; \`replywatch keys list\` shows the ids`);
    if (record.revokedAt) return record;
    record.revokedAt = new Date().toISOString();
    saveKeys(stateDir, records);
    return record;
  });
}

/** A lock older than this was left by a process that died mid-write (a write takes milliseconds). */
const STALE_LOCK_MS = 30_000;

/**
 * Runs a read-modify-write of the key file alone: two `keys create` or `keys revoke` at once must
 * not lose each other's change (a lost revoke would leave a key working). An exclusive lock file.
 */
function withKeysLock<T>(stateDir: string, work: () => T): T {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const lock = join(stateDir, 'api-keys.lock');
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new UserError(`${lock} is held by another keys command; try again, or remove it if none is running`);
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
  try {
    return work();
  } finally {
    rmSync(lock, { force: true });
  }
}

/**
 * Checks keys against the store. The file is re-read whenever it is replaced (inode, size or mtime
 * changes), so keys created or revoked by the CLI while the server runs count at once; otherwise
 * the parsed records are reused. A missing file means no key is valid.
 */
export function createKeyVerifier(stateDir: string): { verify(key: string): Principal | undefined } {
  const file = keysFile(stateDir);
  let seen = '';
  let active: Array<{ hash: Buffer; principal: Principal }> = [];
  const refresh = (): void => {
    const stat = statSync(file, { throwIfNoEntry: false });
    const version = stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : 'none';
    if (version === seen) return;
    active = listKeys(stateDir)
      .filter((record) => !record.revokedAt)
      .map((record) => ({ hash: Buffer.from(record.sha256, 'hex'), principal: principalOf(record) }));
    seen = version;
  };
  return {
    verify(key) {
      refresh();
      const hash = Buffer.from(sha256(key), 'hex');
      // Every stored hash is compared, in constant time, so timing says nothing about near misses.
      let found: Principal | undefined;
      for (const candidate of active) {
        if (candidate.hash.length === hash.length && timingSafeEqual(candidate.hash, hash)) found = candidate.principal;
      }
      return found;
    },
  };
}

function principalOf(record: KeyRecord): Principal {
  return {
    keyId: record.id,
    role: record.role,
    ...(record.team !== undefined && { team: record.team }),
    ...(record.agentId !== undefined && { agentId: record.agentId }),
  };
}

function checkedRole({ role, team, agentId }: KeyRequest): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new UserError(`role "${role}" is not one of ${ROLES.join(', ')}`);
  if (team !== undefined && !team.trim()) throw new UserError('--team must not be empty');
  if (agentId !== undefined && !agentId.trim()) throw new UserError('--agent must not be empty');
  if (role === 'supervisor' && team === undefined) throw new UserError('a supervisor key needs --team, the team it supervises');
  if (role === 'agent' && agentId === undefined) throw new UserError("an agent key needs --agent, the agent's roster id");
  if (role !== 'supervisor' && team !== undefined) throw new UserError(`--team is only for supervisor keys, not ${role}`);
  if (role !== 'agent' && agentId !== undefined) throw new UserError(`--agent is only for agent keys, not ${role}`);
  return role as Role;
}

function saveKeys(stateDir: string, records: KeyRecord[]): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(keysFile(stateDir), `${JSON.stringify({ keys: records }, null, 2)}\n`, 0o600);
}
