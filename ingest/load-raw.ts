import { LIST, VARCHAR, listValue, type DuckDBConnection } from '@duckdb/node-api';
import { join } from 'node:path';
import type { DataPaths } from '../lib/data-paths.ts';
import { openDatabase } from '../lib/duckdb.ts';
import { processLease } from '../lib/process-lease.ts';
import { startProgress } from '../lib/progress.ts';
import { UserError } from '../lib/user-error.ts';
import { recoverAbandonedSegments } from './landing/recover-segments.ts';
import { REPAIRED_SUFFIX, repairSegment } from './landing/repair-segment.ts';
import { sealedSegments, type SealedSegment } from './landing/sealed-segments.ts';
import { landingBatchSql } from './raw/landing-batch.ts';
import { ensureRawSchema, readRawSql } from './raw/raw-schema.ts';
import { TABULAR_LOADS, tabularLoadSql } from './raw/tabular-loads.ts';

/** Segments are loaded in groups of about this many bytes, each group in its own transaction. */
const GROUP_BYTES = 256 << 20;
const MEMORY_LIMIT = /^\d+(\.\d+)?\s*[KMGT]i?B$/i;

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
  /** A few "source:line: reason" lines for records quarantined while loading. */
  quarantined: string[];
  /** Segments that could not be loaded; they stay pending and are tried again by the next load. */
  failed: Array<{ segment: string; error: string }>;
}

/**
 * Loads every sealed landing segment that raw.duckdb has not loaded yet, with DuckDB's own
 * read_json. Each group of segments loads in one transaction together with its bookkeeping row,
 * and every raw table deduplicates on its natural key, so a crash at any point followed by a
 * re-run yields each record exactly once. A group that fails is reported and skipped, never
 * blocking the others. The caller holds the pipeline lock.
 */
export async function loadPendingSegments(paths: DataPaths, options: { quiet?: boolean } = {}): Promise<LoadSummary> {
  recoverAbandonedSegments(paths.landing, paths.leases);
  const database = await openDatabase(paths.raw, { readOnly: false });
  try {
    const { connection } = database;
    // Each group commits to the write-ahead log, which DuckDB folds into the file at a checkpoint.
    // Its default 16MB threshold checkpointed after every group, rewriting the tables' open row
    // groups each time (a third of the WhatsApp load at 1M messages); at 1GB the log is folded a
    // few times per large load and once at the end. A crash replays the log on the next open.
    await connection.run(`set memory_limit = '${memoryLimit()}'; set preserve_insertion_order = false; set checkpoint_threshold = '1GB'`);
    await ensureRawSchema(connection);
    const before = await countRows(connection);
    const summary: LoadSummary = { segments: 0, added: before, totals: before, quarantined: [], failed: [] };
    // A segment DuckDB cannot read is split into its good lines and quarantined bad ones, and the
    // good lines load on the next pass; a repaired segment that still fails is reported.
    for (let pass = 0; pass < 2; pass += 1) {
      const started = performance.now();
      const pending = await pendingSegments(connection, paths);
      if (!pending.length) break;
      const progress = startProgress('loading landing → raw.duckdb', { total: sum(pending), unit: 'bytes', silent: options.quiet });
      let repaired = 0;
      for (const group of groupSegments(pending)) {
        try {
          summary.quarantined.push(...(await loadGroup(connection, group)));
          summary.segments += group.length;
        } catch (error) {
          for (const segment of group) {
            if (segment.relativePath.endsWith(REPAIRED_SUFFIX)) {
              summary.failed.push({ segment: segment.relativePath, error: firstLine(error) });
              continue;
            }
            await repairSegment(segment.path, join(paths.landing, 'quarantine'), processLease(paths.leases), segment.folder);
            await connection.run('insert into raw_landing_segments values ($kind, $segment, 0, now())', {
              kind: segment.folder,
              segment: segment.relativePath,
            });
            repaired += 1;
          }
        }
        progress.advance(sum(group));
      }
      await connection.run('checkpoint');
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      progress.finish(`${summary.segments} segment${summary.segments === 1 ? '' : 's'} loaded${repaired ? `, ${repaired} repaired` : ''} in ${seconds}s`);
      if (!repaired) break;
    }
    summary.totals = await countRows(connection);
    summary.added = Object.fromEntries(RAW_TABLES.map((table) => [table, summary.totals[table] - before[table]])) as RawCounts;
    return summary;
  } finally {
    database.close();
  }
}

/** DuckDB's memory limit for the pipeline (env REPLYWATCH_MEMORY_LIMIT, default 1GB), checked. */
export function memoryLimit(): string {
  const limit = process.env.REPLYWATCH_MEMORY_LIMIT || '1GB';
  if (!MEMORY_LIMIT.test(limit)) throw new UserError(`REPLYWATCH_MEMORY_LIMIT "${limit}" is not a size like 1GB or 512MB`);
  return limit;
}

async function pendingSegments(connection: DuckDBConnection, paths: DataPaths): Promise<SealedSegment[]> {
  const loadedRows = (await connection.runAndReadAll('select segment from raw_landing_segments')).getRows();
  const loaded = new Set(loadedRows.map(([segment]) => String(segment)));
  const known = new Set<string>([...Object.keys(TABULAR_LOADS), 'whatsapp', 'quarantine']);
  return sealedSegments(paths.landing, (relativePath) => loaded.has(relativePath)).filter((segment) => known.has(segment.folder));
}

/** Consecutive segments of one folder, up to GROUP_BYTES each (a single bigger segment is its own group). */
function groupSegments(segments: SealedSegment[]): SealedSegment[][] {
  const groups: SealedSegment[][] = [];
  let current: SealedSegment[] = [];
  for (const segment of segments) {
    const fits = current.length && current[0]?.folder === segment.folder && sum(current) + segment.bytes <= GROUP_BYTES;
    if (!fits && current.length) {
      groups.push(current);
      current = [];
    }
    current.push(segment);
  }
  if (current.length) groups.push(current);
  return groups;
}

/** Loads one group in one transaction; returns "source:line: reason" for what it quarantined. */
async function loadGroup(connection: DuckDBConnection, group: SealedSegment[]): Promise<string[]> {
  const folder = group[0]!.folder;
  let quarantined: string[];
  const { prepare, write } = groupSql(folder);
  // The group's lines and what is flattened from them are scratch, made before the transaction: a
  // temp table created inside one is held in the transaction's own memory until the commit, and at
  // 1M messages the 256MB groups of webhook bodies then crowded the 1GB limit (the load took 58 s
  // on a 2-core machine, 45 s with the lines read outside). A segment DuckDB cannot read still
  // fails the group here, before anything is written.
  await connection.run('set variable segments = $segments', { segments: listValue(group.map((s) => s.path)) }, {
    segments: LIST(VARCHAR),
  });
  await connection.run(landingBatchSql(folder));
  if (prepare) await connection.run(prepare);
  await connection.run('begin transaction');
  try {
    await connection.run(write);
    const counts = await connection.runAndReadAll('select filename, count(*) from landing_batch group by filename');
    const records = new Map(counts.getRows().map(([filename, count]) => [String(filename), Number(count)]));
    for (const segment of group) {
      await connection.run('insert into raw_landing_segments values ($kind, $segment, $records, now())', {
        kind: folder,
        segment: segment.relativePath,
        records: records.get(segment.path) ?? 0,
      });
    }
    quarantined = folder === 'quarantine' ? [] : await quarantinedBy(connection);
    await connection.run('commit');
  } catch (error) {
    await connection.run('rollback');
    throw error;
  }
  // After the commit and outside it: the group is loaded whatever happens here.
  await dropBatchTables(connection).catch(() => undefined);
  return quarantined;
}

/** A folder's scratch SQL (temp tables from landing_batch) and the SQL that writes the raw tables. */
function groupSql(folder: string): { prepare: string; write: string } {
  const spec = TABULAR_LOADS[folder];
  if (spec) return tabularLoadSql(folder, spec);
  return { prepare: folder === 'whatsapp' ? readRawSql('prepare-whatsapp.sql') : '', write: readRawSql(`load-${folder}.sql`) };
}

/**
 * The group's temp tables (its lines, parsed bodies, messages, statuses) otherwise stayed until the
 * next group replaced them, so the next group read its lines beside them: at 1M messages the load
 * spilled up to 810 MB to DuckDB's temp file, 485-515 MB with them dropped (time and peak RSS the same).
 * The next group replaces them anyway, so a failure here is not the group's.
 */
async function dropBatchTables(connection: DuckDBConnection): Promise<void> {
  const tables = (await connection.runAndReadAll('select table_name from duckdb_tables() where temporary')).getRows();
  for (const [table] of tables) await connection.run(`drop table if exists temp.main."${String(table).replaceAll('"', '""')}"`);
}

async function quarantinedBy(connection: DuckDBConnection): Promise<string[]> {
  const rows = await connection.runAndReadAll(`
    select source, source_line, reason from raw_quarantine
    where landing_id in (select landing_id from landing_batch)
    order by source, source_line limit 5`);
  return rows.getRows().map(([source, line, reason]) => `${source}${line === null ? '' : `:${line}`}: ${reason}`);
}

async function countRows(connection: DuckDBConnection): Promise<RawCounts> {
  const sql = RAW_TABLES.map((table) => `select '${table}' as t, count(*) as n from ${table}`).join(' union all ');
  const rows = (await connection.runAndReadAll(sql)).getRows();
  return Object.fromEntries(rows.map(([table, count]) => [String(table), Number(count)])) as RawCounts;
}

function sum(segments: SealedSegment[]): number {
  return segments.reduce((total, segment) => total + segment.bytes, 0);
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
