/**
 * How each flat input kind (everything but WhatsApp webhook bodies) loads into its raw table:
 * which contract fields become which typed columns, and the natural key that makes a load
 * idempotent. `tabularLoadSql` turns a spec into the SQL DuckDB runs over `landing_batch`.
 */

type SqlType = 'varchar' | 'timestamptz' | 'integer' | 'boolean' | 'decimal(18, 2)';

interface Column {
  /** Column of the raw table. */
  name: string;
  /** Field of the contract record (`values` in the landing envelope); defaults to `name`. */
  field?: string;
  type: SqlType;
  required?: boolean;
}

export interface TabularLoad {
  table: string;
  columns: Column[];
  /** Expressions over the typed columns that identify a record; a record whose key is in the table adds nothing. */
  key: string[];
}

const v = (name: string, type: SqlType = 'varchar', extra: Partial<Column> = {}): Column => ({ name, type, ...extra });
const required = { required: true };

export const TABULAR_LOADS: Record<string, TabularLoad> = {
  outbound: {
    table: 'raw_outbound_messages',
    key: ['wamid'],
    columns: [
      v('wamid', 'varchar', required),
      v('phone_number_id', 'varchar', required),
      v('to_wa_id', 'varchar', { field: 'to', required: true }),
      v('sent_at', 'timestamptz', required),
      v('author_kind', 'varchar', required),
      v('agent_id'),
      v('message_type', 'varchar', { field: 'type', required: true }),
      v('template_name'),
      v('text'),
    ],
  },
  inbox: {
    table: 'raw_inbox_events',
    key: ['event_id'],
    columns: [
      v('event_id', 'varchar', required),
      v('event_type', 'varchar', { field: 'type', required: true }),
      v('event_at', 'timestamptz', { field: 'at', required: true }),
      v('phone_number_id', 'varchar', required),
      v('wa_id', 'varchar', required),
      v('agent_id'),
      v('by_agent_id', 'varchar', { field: 'by' }),
      v('from_agent_id'),
      v('to_agent_id'),
      v('note'),
      v('reason'),
      v('disposition'),
      v('next_action'),
      v('next_action_at', 'timestamptz'),
    ],
  },
  roster: {
    table: 'raw_roster',
    // A roster file is the whole team at that moment: one snapshot per landed file.
    key: ['roster_snapshot_id', 'agent_id'],
    columns: [
      v('agent_id', 'varchar', required),
      v('name', 'varchar', required),
      v('email'),
      v('role', 'varchar', required),
      v('team', 'varchar', required),
      v('supervisor_id'),
      v('capacity', 'integer', required),
      v('active', 'boolean', required),
    ],
  },
  'crm-contacts': {
    table: 'raw_crm_contacts',
    key: ['crm_contact_id', 'updated_at'],
    columns: [
      v('crm_contact_id', 'varchar', required),
      v('updated_at', 'timestamptz', required),
      v('phone'),
      v('name'),
      v('owner_agent_id'),
      v('lifecycle_stage'),
      v('created_at', 'timestamptz', required),
    ],
  },
  'crm-deals': {
    table: 'raw_crm_deals',
    key: ['deal_id', 'updated_at'],
    columns: [
      v('deal_id', 'varchar', required),
      v('updated_at', 'timestamptz', required),
      v('crm_contact_id'),
      v('name'),
      v('amount_inr', 'decimal(18, 2)'),
      v('stage'),
      v('owner_agent_id'),
      v('created_at', 'timestamptz', required),
      v('closed_at', 'timestamptz'),
    ],
  },
};

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/**
 * SQL that loads `landing_batch` into the kind's raw table: `prepare` types the records into the
 * scratch table `batch`, `write` quarantines or inserts them. Values are cast with try_cast, so a
 * value the contract let through but DuckDB cannot store (a date that does not exist, an integer
 * too large) quarantines that record with its reason instead of failing the load.
 */
export function tabularLoadSql(kind: string, spec: TabularLoad): { prepare: string; write: string } {
  const structure = `{${spec.columns.map((column) => `"${column.field ?? column.name}": "VARCHAR"`).join(', ')}}`;
  const typed = spec.columns.map((column) => {
    const field = `fields."${column.field ?? column.name}"`;
    return column.type === 'varchar' ? `${field} as ${column.name}` : `try_cast(${field} as ${column.type}) as ${column.name}`;
  });
  const problems = spec.columns
    .filter((column) => column.required || column.type !== 'varchar')
    .map((column) => {
      const field = `fields."${column.field ?? column.name}"`;
      const label = quote(column.field ?? column.name);
      const missing = column.required ? `when ${field} is null then ${label} || ' is missing'` : '';
      const unreadable =
        column.type === 'varchar'
          ? ''
          : `when ${field} is not null and try_cast(${field} as ${column.type}) is null then ${label} || ' ' || ${field} || ' is not a valid ${column.type}'`;
      return [missing, unreadable].filter(Boolean).join('\n      ');
    });
  const keyMatch = spec.key.map((part) => `existing.${part} = batch.${part}`).join(' and ');
  const prepare = `
    create or replace temp table batch as
    select
      landing_id, landed_at, source, source_line, "values"::varchar as values_text,
      md5(source || '@' || landed_at) as roster_snapshot_id,
      ${typed.join(',\n      ')},
      case
      ${problems.join('\n      ')}
      end as problem
    from (select *, from_json("values", ${quote(structure)}) as fields from landing_batch)`;
  const write = `
    insert into raw_quarantine by name
    select md5(concat_ws('|', ${quote(kind)}, problem, values_text)) as quarantine_key, landing_id, landed_at as quarantined_at,
      ${quote(kind)} as kind, source, source_line, problem as reason, values_text as record_text
    from batch
    where problem is not null
      and md5(concat_ws('|', ${quote(kind)}, problem, values_text)) not in (select quarantine_key from raw_quarantine)
    qualify row_number() over (partition by md5(concat_ws('|', ${quote(kind)}, problem, values_text))) = 1;

    insert into ${spec.table} by name
    select ${spec.key.includes('roster_snapshot_id') ? 'roster_snapshot_id, ' : ''}landing_id, landed_at, ${spec.columns.map((column) => column.name).join(', ')}
    from batch
    where problem is null
      and not exists (select 1 from ${spec.table} existing where ${keyMatch})
    qualify row_number() over (partition by ${spec.key.join(', ')} order by landed_at, landing_id) = 1;`;
  return { prepare, write };
}
