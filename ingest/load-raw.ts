import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataPaths } from '../lib/data-paths.ts';
import { openDatabase } from '../lib/duckdb.ts';
import { startProgress } from '../lib/progress.ts';
import { KINDS } from './contracts/contract-for.ts';
import { MAX_RECORD_BYTES } from './landing/land-file.ts';
import { isSealedSegment } from './landing/segment-writer.ts';

const SQL_DIR = join(dirname(fileURLToPath(import.meta.url)), 'raw');
/** Landing folders in load order; quarantine holds the records every kind rejected. */
const FOLDERS = [...KINDS, 'quarantine'] as const;
/** Segments are loaded in groups of about this many bytes, each group in its own transaction. */
const GROUP_BYTES = 256 << 20;
const LOAD_MEMORY_LIMIT = process.env.REPLYWATCH_MEMORY_LIMIT || '1GB';

export const RAW_TABLES = [
  'raw_whatsapp_webhooks',
  'raw_whatsapp_messages',
  'raw_whatsapp_statuses',
  'raw_whatsapp_contacts',
  'raw_whatsapp_errors',
  'raw_outbound_messages',
  'raw_inbox_events',
  'raw_roster',
  'raw_crm_contacts',
  'raw_crm_deals',
  'raw_quarantine',
] as const;

export type RawCounts = Record<(typeof RAW_TABLES)[number], number>;

export interface LoadSummary {
  segments: number;
  /** Rows added per raw table by this load. */
  added: RawCounts;
  totals: RawCounts;
}

interface Segment {
  folder: string;
  relativePath: string;
  path: string;
  bytes: number;
}

/**
 * Loads every sealed landing segment that raw.duckdb has not loaded yet, with DuckDB's own
 * read_json. Each group of segments loads in one transaction together with its bookkeeping row,
 * and every raw table deduplicates on its natural key, so a crash at any point followed by a
 * re-run yields each record exactly once. The caller holds the pipeline lock.
 */
export async function loadPendingSegments(paths: DataPaths): Promise<LoadSummary> {
  const database = await openDatabase(paths.raw, { readOnly: false });
  try {
    const { connection } = database;
    // Bounded memory whatever the backlog: DuckDB spills to disk past the limit.
    await connection.run(`set memory_limit = '${LOAD_MEMORY_LIMIT}'; set preserve_insertion_order = false`);
    await connection.run(readSql('schema.sql'));
    const pending = await pendingSegments(connection, paths);
    const before = await countRows(connection);
    if (pending.length) {
      const totalBytes = pending.reduce((sum, segment) => sum + segment.bytes, 0);
      const progress = startProgress('loading landing → raw.duckdb', { total: totalBytes, unit: 'bytes' });
      for (const group of groupSegments(pending)) {
        await loadGroup(connection, group);
        progress.advance(group.reduce((sum, segment) => sum + segment.bytes, 0));
      }
      progress.finish(`${pending.length} segment${pending.length === 1 ? '' : 's'} loaded`);
    }
    const totals = await countRows(connection);
    const added = Object.fromEntries(RAW_TABLES.map((table) => [table, totals[table] - before[table]])) as RawCounts;
    return { segments: pending.length, added, totals };
  } finally {
    database.close();
  }
}

async function pendingSegments(connection: DuckDBConnection, paths: DataPaths): Promise<Segment[]> {
  const loadedRows = (await connection.runAndReadAll('select segment from raw_landing_segments')).getRows();
  const loaded = new Set(loadedRows.map(([segment]) => String(segment)));
  const pending: Segment[] = [];
  for (const folder of FOLDERS) {
    const directory = join(paths.landing, folder);
    if (!existsSync(directory)) continue;
    for (const name of readdirSync(directory).filter(isSealedSegment).sort()) {
      const relativePath = `${folder}/${name}`;
      if (loaded.has(relativePath)) continue;
      const path = join(directory, name);
      pending.push({ folder, relativePath, path, bytes: statSync(path).size });
    }
  }
  return pending;
}

/** Consecutive segments of one folder, up to GROUP_BYTES each (a single bigger segment is its own group). */
function groupSegments(segments: Segment[]): Segment[][] {
  const groups: Segment[][] = [];
  let current: Segment[] = [];
  let bytes = 0;
  for (const segment of segments) {
    const fits = current.length && current[0]?.folder === segment.folder && bytes + segment.bytes <= GROUP_BYTES;
    if (!fits && current.length) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(segment);
    bytes += segment.bytes;
  }
  if (current.length) groups.push(current);
  return groups;
}

async function loadGroup(connection: DuckDBConnection, group: Segment[]): Promise<void> {
  const folder = group[0]!.folder;
  await connection.run('begin transaction');
  try {
    await connection.run('set variable segments = $segments', { segments: listValue(group.map((s) => s.path)) }, {
      segments: LIST(VARCHAR),
    });
    await connection.run(batchSql(folder));
    await connection.run(readSql(`load-${folder}.sql`));
    const counts = await connection.runAndReadAll('select filename, count(*) from landing_batch group by filename');
    const records = new Map(counts.getRows().map(([filename, count]) => [String(filename), Number(count)]));
    for (const segment of group) {
      await connection.run('insert into raw_landing_segments values ($kind, $segment, $records, now())', {
        kind: folder,
        segment: segment.relativePath,
        records: records.get(segment.path) ?? 0,
      });
    }
    await connection.run('commit');
  } catch (error) {
    await connection.run('rollback');
    const first = group[0]!.relativePath;
    throw new Error(`loading landing/${first}${group.length > 1 ? ` (+${group.length - 1} more)` : ''}: ${(error as Error).message}`);
  }
}

/** The group's envelopes as temp table landing_batch, which the load-<folder>.sql scripts read. */
function batchSql(folder: string): string {
  const columns =
    folder === 'quarantine'
      ? `{seq: 'BIGINT', quarantined_at: 'VARCHAR', kind: 'VARCHAR', source: 'VARCHAR', source_line: 'BIGINT',
          reason: 'VARCHAR', record_text: 'VARCHAR'}`
      : `{seq: 'BIGINT', landed_at: 'VARCHAR', source: 'VARCHAR', source_line: 'BIGINT', record: 'JSON'}`;
  const stamp = folder === 'quarantine' ? 'quarantined_at' : 'landed_at';
  return `
    create or replace temp table landing_batch as
    select '${folder}/' || regexp_extract(filename, '[^/]+$') || '#' || seq as landing_id,
      * replace (${stamp}::timestamptz as ${stamp})
    from read_json(getvariable('segments'), format = 'newline_delimited', filename = true,
      maximum_object_size = ${MAX_RECORD_BYTES * 2}, columns = ${columns})`;
}

async function countRows(connection: DuckDBConnection): Promise<RawCounts> {
  const sql = RAW_TABLES.map((table) => `select '${table}' as t, count(*) as n from ${table}`).join(' union all ');
  const rows = (await connection.runAndReadAll(sql)).getRows();
  return Object.fromEntries(rows.map(([table, count]) => [String(table), Number(count)])) as RawCounts;
}

const sqlCache = new Map<string, string>();
function readSql(name: string): string {
  let sql = sqlCache.get(name);
  if (sql === undefined) {
    sql = readFileSync(join(SQL_DIR, name), 'utf8');
    sqlCache.set(name, sql);
  }
  return sql;
}
