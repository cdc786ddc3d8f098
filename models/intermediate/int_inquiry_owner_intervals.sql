-- Who owned each inquiry when, from assigned and unassigned events: one row per stretch of
-- ownership (owner_agent_id null while nobody owned it). An inquiry never assigned has no rows;
-- int_inquiry_ownership falls back to the CRM contact owner for it.
-- Incremental by contact: a build recomputes only the contacts int_changed_contacts lists.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with events as (
  select * from {{ ref('int_inbox_events_by_inquiry') }}
  where event_type in ('assigned', 'unassigned') and {{ is_changed_contact('contact_id') }}
),

changes as (
  select
    inquiry_id,
    contact_id,
    event_id,
    event_at as owned_from,
    case when event_type = 'assigned' then agent_id end as owner_agent_id,
    case when event_type = 'assigned' then by_agent_id end as assigned_by
  from events
),

final as (
  select
    event_id as ownership_id,
    inquiry_id,
    contact_id,
    owner_agent_id,
    assigned_by,
    owned_from,
    lead(owned_from) over (partition by inquiry_id order by owned_from, event_id) as owned_until
  from changes
)

select * from final
