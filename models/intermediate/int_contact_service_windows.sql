-- WhatsApp's customer-service window per contact and business number: free-form messages are
-- allowed for 24 hours (response_thresholds.service_window) after the contact's last message;
-- after that only an approved template. The queue and the alert clocks both read it.

with last_inbound as (
  select phone_number_id, contact_id, max(sent_at) as last_inbound_at
  from {{ ref('int_messages_unified') }}
  where direction = 'inbound'
  group by all
),

service_window as (
  select seconds from {{ ref('response_thresholds') }} where threshold = 'service_window'
)

select
  phone_number_id,
  contact_id,
  last_inbound_at,
  last_inbound_at + to_seconds((select seconds from service_window)) as service_window_closes_at
from last_inbound
