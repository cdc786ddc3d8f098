-- Reconciliation: each inquiry opens with a message from the contact, so it owes exactly one first
-- response, and every obligation belongs to an inquiry. Returns the inquiries where that fails.

select fct_inquiries.inquiry_id, count(obligations.obligation_id) as first_responses
from {{ ref('fct_inquiries') }} as fct_inquiries
left join {{ ref('fct_reply_obligations') }} as obligations
  on obligations.inquiry_id = fct_inquiries.inquiry_id and obligations.kind = 'first_response'
group by fct_inquiries.inquiry_id
having count(obligations.obligation_id) <> 1
