-- Team events up to "now" (as_of), with the contact resolved to the same key as messages
-- (contact_id): a build as of a past moment sees only what had happened then.
-- Incremental by contact: "now" decides only which events are in, and int_changed_contacts lists
-- every contact with an event between two builds' "now", or whose key a new pairing changed.
-- depends_on: {{ ref('int_changed_contacts') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', pre_hook="{{ delete_changed_contacts() }}") }}

with all_events as (
  select * from {{ ref('stg_inbox__events') }}
),

events as (
  {{ changed_contacts_only('all_events', 'contact_wa_id', 'contact_user_id') }}
),

identities as (
  select * from {{ ref('int_contact_identities') }}
),

final as (
  select
    events.* exclude (appended_at, raw_row),
    {{ resolved_contact_id('events.contact_wa_id', 'events.contact_user_id', 'identities.wa_id') }} as contact_id
  from events
  left join identities on identities.user_id = events.contact_user_id
  where events.event_at <= {{ as_of() }}
)

select * from final
