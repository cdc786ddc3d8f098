import type { Command } from 'commander';
import { Option } from 'commander';
import { ROLES } from '../../api/auth/principal.ts';
import { createKey, listKeys, revokeKey, type KeyRecord } from '../../lib/api-keys.ts';
import { pathsFrom } from '../data-dir-option.ts';

interface CreateOptions {
  role: string;
  team?: string;
  agent?: string;
  name?: string;
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description("manage the API's keys (stored hashed in <data>/state/api-keys.json)");
  keys
    .command('create')
    .description('make a key and print it on stdout; it is shown once')
    .addOption(new Option('--role <role>', 'what the key may see and do').choices(ROLES).makeOptionMandatory())
    .option('--team <team>', "a supervisor's team")
    .option('--agent <id>', "an agent's roster id")
    .option('--name <name>', 'a note saying who or what holds the key')
    .action((options: CreateOptions, command: Command) => {
      const { key, record } = createKey(pathsFrom(command).state, { role: options.role, team: options.team, agentId: options.agent, name: options.name });
      // stdout carries the key alone, so `key=$(replywatch keys create …)` captures exactly it.
      process.stdout.write(`${key}\n`);
      process.stderr.write(`created ${record.id} (${scopeOf(record)}); it is shown once, store it now\n`);
    });
  keys
    .command('list')
    .description('show every key (never the key or its hash)')
    .action((_options: unknown, command: Command) => {
      const records = listKeys(pathsFrom(command).state);
      if (records.length === 0) process.stdout.write('no API keys yet; make one with `replywatch keys create --role owner`\n');
      else process.stdout.write(keyTable(records));
    });
  keys
    .command('revoke')
    .description('stop a key working (a running server notices at once)')
    .argument('<id>', 'the key id, e.g. key_ab12cd34, from `replywatch keys list`')
    .action((id: string, _options: unknown, command: Command) => {
      const record = revokeKey(pathsFrom(command).state, id);
      process.stderr.write(`revoked ${record.id} (${scopeOf(record)}) at ${record.revokedAt}\n`);
    });
}

function scopeOf(record: KeyRecord): string {
  if (record.team !== undefined) return `${record.role}, team ${record.team}`;
  if (record.agentId !== undefined) return `${record.role}, agent ${record.agentId}`;
  return record.role;
}

/** An aligned table of key records; the columns are chosen so no secret can slip in. */
function keyTable(records: KeyRecord[]): string {
  const header = ['id', 'role', 'team', 'agent', 'name', 'created', 'revoked'];
  const rows = records.map((record) => [
    record.id,
    record.role,
    record.team ?? '',
    record.agentId ?? '',
    oneLine(record.name ?? ''),
    instant(record.createdAt),
    record.revokedAt ? instant(record.revokedAt) : '',
  ]);
  const widths = header.map((name, index) => Math.max(name.length, ...rows.map((row) => row[index]!.length)));
  const render = (cells: string[]): string => cells.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd();
  return `${[render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)].join('\n')}\n`;
}

/** A name may hold anything; the table stays one row per key. */
const oneLine = (text: string): string => text.replace(/[\u0000-\u001f\u007f]+/g, ' ');

/** An ISO instant to the second, in UTC. */
const instant = (iso: string): string => `${iso.slice(0, 19)}Z`;
