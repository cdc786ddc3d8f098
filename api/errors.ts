import type { FastifyError, FastifyInstance } from 'fastify';

/** An error the API answers with: an HTTP status, a stable code clients can switch on, and one line. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string): ApiError => new ApiError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'this key may not do that'): ApiError => new ApiError(403, 'forbidden', message);
export const badRequest = (message: string): ApiError => new ApiError(400, 'bad_request', message);

/** The body of every error: `{ error: { code, message } }`. */
export const ErrorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

/** The error responses a route declares, for its schema and the OpenAPI document: `...errorResponses(400, 401)`. */
export function errorResponses<Status extends number>(...statuses: Status[]): Record<Status, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody])) as Record<Status, typeof ErrorBody>;
}

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'body_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  503: 'unavailable',
};

/** Every error as JSON with a stable code; a 500 never shows its internals to the caller. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error(error);
    const code = error instanceof ApiError ? error.code : error.validation ? 'bad_request' : (CODES[status] ?? 'internal_error');
    // Our own 5xx (not ready) say why; anything unexpected keeps its internals to the log.
    const message = status >= 500 && !(error instanceof ApiError) ? 'internal error; the server log has the details' : error.message;
    return reply.status(status).send({ error: { code, message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}
