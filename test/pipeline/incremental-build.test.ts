import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFingerprint } from '../../pipeline/build-fingerprint.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { DEMO_SOURCE_FILES } from '../helpers/demo-sources.ts';
import { warehouseDifferences } from '../helpers/compare-warehouses.ts';
import { queryFile } from '../helpers/read-db.ts';
import { REPO, runCli } from '../helpers/run-cli.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/** Message logs arrive over time; the rest (roster, CRM) loads up front. */
const ARRIVING = new Set(['whatsapp', 'outbound', 'inbox']);

async function mustRun(args: string[]): Promise<string> {
  const result = await runCli(args);
  expect(result.code, `replywatch ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

/** What the data directory's last dbt build ran: seeds by unique id ("seed.replywatch.x"), tests by name. */
function builtNodes(paths: DataPaths): string[] {
  const results = JSON.parse(readFileSync(join(paths.dbtTarget, 'run_results.json'), 'utf8')) as { results: Array<{ unique_id: string }> };
  return results.results.map(({ unique_id: id }) => (id.startsWith('test.') ? id.split('.')[2]! : id));
}

describe('an incremental build', () => {
  it('equals a full build of the same data, table by table, row by row', async () => {
    const incremental = dataPaths(tempDir('replywatch-incremental-'));
    await mustRun(['--data', incremental.root, 'generate', '--months', '1', '--inquiries-per-month', '150']);
    // The first 70% of each message log, built; then the rest arrives and is built on top.
    const parts = join(incremental.root, 'parts');
    mkdirSync(parts);
    for (const [kind, file] of DEMO_SOURCE_FILES) {
      const source = join(incremental.sources, file);
      if (!ARRIVING.has(kind)) {
        await mustRun(['--data', incremental.root, 'ingest', kind, source]);
        continue;
      }
      const lines = readFileSync(source, 'utf8').trimEnd().split('\n');
      const cut = Math.floor(lines.length * 0.7);
      writeFileSync(join(parts, `early-${file}`), `${lines.slice(0, cut).join('\n')}\n`);
      writeFileSync(join(parts, `late-${file}`), `${lines.slice(cut).join('\n')}\n`);
      await mustRun(['--data', incremental.root, 'ingest', kind, join(parts, `early-${file}`)]);
    }
    expect(await mustRun(['--data', incremental.root, 'build'])).not.toMatch(/incrementally/);
    for (const [kind, file] of DEMO_SOURCE_FILES) {
      if (ARRIVING.has(kind)) await mustRun(['--data', incremental.root, 'ingest', kind, join(parts, `late-${file}`)]);
    }
    const full = dataPaths(tempDir('replywatch-full-'));
    cpSync(incremental.root, full.root, { recursive: true, filter: (source) => !/\.leases|\.pipeline\.lock/.test(source) });
    expect(await mustRun(['--data', incremental.root, 'build'])).toMatch(/incrementally/);
    expect(await mustRun(['--data', full.root, 'build', '--full-refresh'])).not.toMatch(/incrementally/);

    const { compared, differing } = await warehouseDifferences(incremental.warehouse, full.warehouse);
    expect(compared).toEqual(expect.arrayContaining(['stg_whatsapp__messages', 'int_message_phrase_matches', 'int_messages_by_inquiry', 'fct_inquiries']));
    expect(differing).toEqual({});
    // It recomputed the contacts the late rows touched, not everyone.
    const [recomputed] = await queryFile(incremental.warehouse, 'select count(*) as contacts from int_changed_contacts');
    const [everyone] = await queryFile(full.warehouse, 'select count(distinct contact_id) as contacts from int_messages_unified');
    expect(Number(recomputed!.contacts)).toBeGreaterThan(0);
    expect(Number(recomputed!.contacts)).toBeLessThan(Number(everyone!.contacts));
    expect(await queryFile(full.warehouse, 'select count(*) as contacts from int_changed_contacts')).toEqual([{ contacts: 0 }]);
    // The seeds are the files the previous warehouse was built from (its fingerprint covers them),
    // so neither they nor their tests ran again; every model's tests did.
    const [fullNodes, incrementalNodes] = [builtNodes(full), builtNodes(incremental)];
    expect(fullNodes.filter((node) => node.startsWith('seed.'))).toHaveLength(8);
    expect(fullNodes).toContain('unique_sla_targets_triage_category');
    expect(incrementalNodes.filter((node) => node.startsWith('seed.'))).toEqual([]);
    expect(incrementalNodes).not.toContain('unique_sla_targets_triage_category');
    expect(incrementalNodes).toEqual(expect.arrayContaining(['unique_fct_inquiries_inquiry_id', 'not_null_stg_whatsapp__messages_message_id']));
    // And the late messages are in it: the incremental build appended them.
    const [counts] = await queryFile(incremental.warehouse, 'select count(*) as messages from stg_whatsapp__messages');
    const [raw] = await queryFile(incremental.raw, 'select count(*) as messages from raw_whatsapp_messages');
    expect(Number(counts!.messages)).toBe(Number(raw!.messages));
  });
});

describe('the build fingerprint', () => {
  const restore: Array<() => void> = [];
  afterEach(() => restore.splice(0).forEach((undo) => undo()));

  it('changes with any file that shapes the incremental models, so the next build is a full one', async () => {
    const project = tempDir('replywatch-project-');
    for (const entry of ['models', 'macros', 'seeds', 'dbt_project.yml', 'profiles.yml']) cpSync(join(REPO, entry), join(project, entry), { recursive: true });
    const previous = process.env.REPLYWATCH_DBT_PROJECT;
    process.env.REPLYWATCH_DBT_PROJECT = project;
    restore.push(() => (previous === undefined ? delete process.env.REPLYWATCH_DBT_PROJECT : (process.env.REPLYWATCH_DBT_PROJECT = previous)));
    const paths = dataPaths(tempDir('replywatch-fingerprint-'));

    const before = await buildFingerprint(paths);
    expect(await buildFingerprint(paths)).toBe(before);
    const phrases = join(project, 'seeds', 'intent_phrases.csv');
    writeFileSync(phrases, `${readFileSync(phrases, 'utf8')}bilkul chahiye,high_intent,hinglish,word\n`);
    expect(await buildFingerprint(paths)).not.toBe(before);
  });
});
