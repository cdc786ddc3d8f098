-- Loads quarantined records (each with its reason) from landing_batch (landing/quarantine segments).
insert into raw_quarantine
with batch as (
  select md5(concat_ws('|', kind, reason, record_text)) as quarantine_key, landing_id,
    quarantined_at, kind, source, source_line, reason, record_text
  from landing_batch
)
select * from batch b
where not exists (select 1 from raw_quarantine q where q.quarantine_key = b.quarantine_key)
qualify row_number() over (partition by quarantine_key order by quarantined_at, landing_id) = 1;
