-- One structured record per closed inquiry, ready to push back to the CRM: who, what they wanted
-- (intent category), a short digest of the conversation, how it ended, the next action and its
-- date, the owner, and how fast the team answered. `replywatch export crm` writes this table.

with inquiries as (
  select * from {{ ref('fct_inquiries') }} where closed_at is not null
),

digests as (
  select * from {{ ref('int_inquiry_digests') }}
),

agents as (
  select agent_id, agent_name, email from {{ ref('int_agents') }}
),

final as (
  select
    inquiries.inquiry_id,
    inquiries.crm_contact_id,
    inquiries.contact_id,
    case when inquiries.contact_wa_id is not null then '+' || inquiries.contact_wa_id end as phone_e164,
    inquiries.contact_name,
    inquiries.triage_category as intent_category,
    inquiries.opened_at,
    inquiries.closed_at,
    coalesce(inquiries.disposition, inquiries.close_reason) as outcome,
    inquiries.next_action,
    inquiries.next_action_at,
    inquiries.owner_agent_id,
    agents.agent_name as owner_name,
    agents.email as owner_email,
    inquiries.first_response_seconds,
    inquiries.is_first_response_met,
    inquiries.inbound_message_count,
    inquiries.deal_value_inr,
    digests.first_question,
    digests.amounts_mentioned,
    digests.dates_mentioned,
    digests.last_customer_message,
    concat_ws('; ',
      'Asked: "' || digests.first_question || '"',
      case when len(digests.amounts_mentioned) > 0 then 'amounts: ' || array_to_string(digests.amounts_mentioned, ', ') end,
      case when len(digests.dates_mentioned) > 0 then 'dates: ' || array_to_string(digests.dates_mentioned, ', ') end,
      case when digests.last_customer_message is distinct from digests.first_question then 'last: "' || digests.last_customer_message || '"' end,
      'outcome: ' || replace(coalesce(inquiries.disposition, inquiries.close_reason), '_', ' '),
      case when inquiries.next_action not in ('none') then 'next: ' || replace(inquiries.next_action, '_', ' ')
        || coalesce(' by ' || strftime({{ to_local('inquiries.next_action_at') }}, '%Y-%m-%d'), '') end
    ) as digest
  from inquiries
  left join digests using (inquiry_id)
  left join agents on agents.agent_id = inquiries.owner_agent_id
)

select * from final
