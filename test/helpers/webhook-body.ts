/** The number the tests' webhooks are addressed to (phone_number_id 800000000000001). */
export const METADATA = { display_phone_number: '919800000001', phone_number_id: '800000000000001' };

/** A Cloud API webhook body with one `messages` change whose value holds `value` (messages, statuses, contacts…). */
export function webhookBody(value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '900000000000001', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: METADATA, ...value } }] }],
  };
}
