-- Whether the data can be trusted, one row per input kind: how many records the warehouse holds,
-- when the newest landed and what time it speaks of, how many were quarantined (and the commonest
-- reason). The dashboard's data-health page and `readyz`-style checks read it.

with sources as (
  select 'whatsapp' as kind, count(*) as record_count, max(landed_at) as last_landed_at, max(sent_at) as last_event_at
  from {{ ref('stg_whatsapp__messages') }}
  union all
  select 'outbound', count(*), max(landed_at), max(sent_at) from {{ ref('stg_outbound__messages') }}
  union all
  select 'inbox', count(*), max(landed_at), max(event_at) from {{ ref('stg_inbox__events') }}
  union all
  select 'roster', count(*), max(landed_at), max(landed_at) from {{ ref('stg_roster__agent_versions') }}
  union all
  select 'crm-contacts', count(*), max(landed_at), max(updated_at) from {{ ref('stg_crm__contact_versions') }}
  union all
  select 'crm-deals', count(*), max(landed_at), max(updated_at) from {{ ref('stg_crm__deal_versions') }}
),

quarantine as (
  select kind, count(*) as quarantined_count, mode(reason) as commonest_reason
  from {{ ref('stg_landing__quarantine') }}
  group by kind
),

final as (
  select
    sources.kind,
    sources.record_count,
    sources.last_landed_at,
    sources.last_event_at,
    {{ seconds_between('sources.last_event_at', as_of()) }} as seconds_since_last_event,
    coalesce(quarantine.quarantined_count, 0) as quarantined_count,
    quarantine.commonest_reason
  from sources
  left join quarantine using (kind)
)

select * from final
