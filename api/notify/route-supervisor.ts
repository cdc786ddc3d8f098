import type { Config } from '../../lib/config.ts';

export interface SupervisorRoute {
  webhookUrl: string | null;
  /** The supervisor's WhatsApp number, when WhatsApp notifications are configured for them. */
  whatsappTo: string | null;
}

/** Where a supervisor's notifications go: their own entry, else the "*" entry; no supervisor gets "*". */
export function routeSupervisor(config: Config['notifications'], supervisorAgentId: string | null): SupervisorRoute {
  return {
    webhookUrl: lookup(config.webhookUrls, supervisorAgentId),
    whatsappTo: config.whatsapp ? lookup(config.whatsapp.recipients, supervisorAgentId) : null,
  };
}

export function isRouted(route: SupervisorRoute): boolean {
  return route.webhookUrl !== null || route.whatsappTo !== null;
}

function lookup(entries: Record<string, string>, supervisorAgentId: string | null): string | null {
  // hasOwn, not `in`: an agent id like "constructor" must not find Object.prototype.
  if (supervisorAgentId !== null && Object.hasOwn(entries, supervisorAgentId)) return entries[supervisorAgentId]!;
  return Object.hasOwn(entries, '*') ? entries['*']! : null;
}
