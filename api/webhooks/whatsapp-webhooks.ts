import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { GroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { whatsappContract } from '../../ingest/contracts/whatsapp.ts';
import { wellFormedJson } from '../../ingest/well-formed-json.ts';
import { verifySignature } from './verify-signature.ts';

export interface WhatsAppWebhookOptions {
  /** Undefined only in --insecure-dev mode, where signatures are not checked. */
  appSecret: string | undefined;
  /** Unset: the handshake is refused (an empty token must never match). */
  verifyToken: string | undefined;
  maxBodyBytes: number;
  /** The landing log's whatsapp folder. */
  landing: GroupCommitAppender;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const POST_SCHEMA = {
  response: {
    200: { type: 'object', properties: { received: { type: 'boolean' } }, required: ['received'] },
    '4xx': { type: 'object', properties: { error: { type: 'string' } }, required: ['error'] },
  },
};

/** Compares a secret in constant time (for equal lengths; the length itself is not a secret worth hiding). */
function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The WhatsApp Cloud API webhook endpoint. GET answers Meta's verification handshake; POST checks
 * the signature over the raw bytes, checks the envelope, and appends the body verbatim to the
 * landing log, answering 200 only once it is on disk. Nothing is parsed into the warehouse here:
 * the scheduled build loads the landing log.
 */
export const whatsappWebhooks: FastifyPluginAsync<WhatsAppWebhookOptions> = async (app, options) => {
  // Every content type arrives as raw bytes: the signature is checked before anything else is judged.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxBodyBytes }, (_request, body, done) => done(null, body));

  app.get(
    '/webhooks/whatsapp',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { 'hub.mode': { type: 'string' }, 'hub.verify_token': { type: 'string' }, 'hub.challenge': { type: 'string' } },
        },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const challenge = query['hub.challenge'];
      if (options.verifyToken === undefined) {
        request.log.warn('webhook verification refused: WHATSAPP_VERIFY_TOKEN is not set');
      } else if (query['hub.mode'] === 'subscribe' && sameSecret(query['hub.verify_token'], options.verifyToken) && challenge !== undefined) {
        return reply.type('text/plain').send(challenge);
      }
      return reply.code(403).type('text/plain').send('verification failed');
    },
  );

  app.post('/webhooks/whatsapp', { bodyLimit: options.maxBodyBytes, schema: POST_SCHEMA }, async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (options.appSecret !== undefined && !verifySignature(raw, request.headers['x-hub-signature-256'] as string | undefined, options.appSecret)) {
      return reply.code(401).send({ error: 'missing or wrong X-Hub-Signature-256' });
    }
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
      return reply.code(415).send({ error: 'the body must be JSON (Content-Type: application/json)' });
    }
    let text: string;
    let body: unknown;
    try {
      // A lone surrogate escape would make the landing segment unreadable for DuckDB (see wellFormedJson).
      text = wellFormedJson(strictUtf8.decode(raw));
      body = JSON.parse(text);
    } catch {
      return reply.code(400).send({ error: 'the body is not UTF-8 JSON' });
    }
    const verdict = whatsappContract.check(body, false);
    if (!verdict.ok) return reply.code(400).send({ error: verdict.reason });

    const sha256 = createHash('sha256').update(raw).digest('hex');
    // JSON allows line breaks only between tokens, so they can become spaces: one body, one line.
    const line = /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, ' ') : text;
    const landedAt = new Date().toISOString();
    await options.landing.append(
      (seq) => `{"seq":${seq},"landed_at":"${landedAt}","source":"webhook","source_line":null,"record_sha256":"${sha256}","record":${line}}`,
    );
    return reply.code(200).send({ received: true });
  });
};
