/** Who is calling the API, from their key. */
export type Role = 'owner' | 'supervisor' | 'analyst' | 'agent';
export const ROLES: readonly Role[] = ['owner', 'supervisor', 'analyst', 'agent'];

export interface Principal {
  keyId: string;
  role: Role;
  /** A supervisor's team. */
  team?: string;
  /** An agent's roster id. */
  agentId?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the API-key check on every /api route. */
    principal: Principal;
  }
}
