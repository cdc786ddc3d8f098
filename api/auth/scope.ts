import { forbidden } from '../errors.ts';
import type { Principal } from './principal.ts';

/** What a record is about, for deciding who may see it. */
export interface Scoped {
  team: string | null;
  ownerAgentId: string | null;
  assigneeAgentId: string | null;
}

/**
 * Owners and analysts see everything, a supervisor their team's inquiries, an agent the ones they
 * own or should act on. Outside the scope an id answers 404, exactly like an id that does not
 * exist, so a key never learns what lies beyond it.
 */
export function canSee(principal: Principal, subject: Scoped): boolean {
  switch (principal.role) {
    case 'owner':
    case 'analyst':
      return true;
    case 'supervisor':
      return subject.team !== null && subject.team === principal.team;
    case 'agent':
      return principal.agentId !== undefined && (subject.ownerAgentId === principal.agentId || subject.assigneeAgentId === principal.agentId);
  }
}

/** A filter asking for another team or agent than the key's own is refused outright (403). */
export function checkFilters(principal: Principal, filters: { team?: string; agent?: string }): void {
  if (principal.role === 'supervisor' && filters.team !== undefined && filters.team !== principal.team) {
    throw forbidden(`this key sees team ${principal.team} only`);
  }
  if (principal.role === 'agent' && filters.agent !== undefined && filters.agent !== principal.agentId) {
    throw forbidden('this key sees its own inquiries only');
  }
}

/** Who did something, as recorded in the journal: the key id and its role. */
export function actor(principal: Principal): string {
  return `${principal.keyId} (${principal.role}${principal.team ? ` ${principal.team}` : ''}${principal.agentId ? ` ${principal.agentId}` : ''})`;
}
