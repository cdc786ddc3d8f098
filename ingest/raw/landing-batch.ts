import { MAX_RECORD_BYTES } from '../landing/land-file.ts';

/** The group's envelopes as temp table landing_batch, which the load scripts read. */
export function landingBatchSql(folder: string): string {
  const columns =
    folder === 'quarantine'
      ? `{seq: 'BIGINT', quarantined_at: 'VARCHAR', kind: 'VARCHAR', source: 'VARCHAR', source_line: 'BIGINT',
          reason: 'VARCHAR', record_text: 'VARCHAR'}`
      : folder === 'whatsapp'
        ? `{seq: 'BIGINT', landed_at: 'VARCHAR', source: 'VARCHAR', source_line: 'BIGINT', record_sha256: 'VARCHAR', record: 'JSON'}`
        : // The verbatim record stays in the landing log; the raw tables take the contract's values.
          `{seq: 'BIGINT', landed_at: 'VARCHAR', source: 'VARCHAR', source_line: 'BIGINT', "values": 'JSON'}`;
  const stamp = folder === 'quarantine' ? 'quarantined_at' : 'landed_at';
  return `
    create or replace temp table landing_batch as
    select '${folder}/' || regexp_extract(filename, '[^/]+$') || '#' || seq as landing_id,
      * replace (${stamp}::timestamptz as ${stamp})
    from read_json(getvariable('segments'), format = 'newline_delimited', filename = true,
      maximum_object_size = ${MAX_RECORD_BYTES * 2}, columns = ${columns})`;
}
