import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { ApiError, forbidden } from '../errors.ts';
import type { Principal, Role } from './principal.ts';

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * The API-key check, an onRequest hook for the /api scope only (webhooks carry Meta's signature,
 * not a key). Sets `request.principal`, or answers 401. A refused key gets the same message whether
 * it is malformed, unknown or revoked, so probing learns nothing about which keys exist.
 */
export function authenticate(verify: (key: string) => Principal | undefined): onRequestAsyncHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization;
    if (header === undefined) throw unauthorized(reply, 'missing Authorization: Bearer header');
    const key = BEARER.exec(header)?.[1];
    const principal = key === undefined ? undefined : verify(key);
    if (!principal) throw unauthorized(reply, 'API key not accepted; send Authorization: Bearer <key> with a key from `replywatch keys create`');
    request.principal = principal;
  };
}

/** Refuses (403) a request whose key's role is not one of `roles`. */
export function requireRole(request: FastifyRequest, ...roles: Role[]): void {
  if (!roles.includes(request.principal.role)) throw forbidden(`this needs a ${roles.join(' or ')} key; this key is ${request.principal.role}`);
}

function unauthorized(reply: FastifyReply, message: string): ApiError {
  // RFC 6750: a 401 names the scheme the client should use.
  reply.header('WWW-Authenticate', 'Bearer');
  return new ApiError(401, 'unauthorized', message);
}
