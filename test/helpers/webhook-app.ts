import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../api/app.ts';
import { signatureOf } from '../../api/webhooks/verify-signature.ts';
import { loadConfig } from '../../lib/config.ts';
import { dataPaths, type DataPaths } from '../../lib/data-paths.ts';
import { createGroupCommitAppender } from '../../ingest/landing/group-commit-appender.ts';
import { processLease } from '../../lib/process-lease.ts';
import { tempDir } from './temp-dir.ts';

export const APP_SECRET = 'test-app-secret-1234';
export const VERIFY_TOKEN = 'test-verify-token';
export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'whatsapp');

/** The real app over a fresh data directory, configured as a deployment would be. */
export async function webhookApp(
  overrides: { maxBodyBytes?: number; verifyToken?: string } = {},
): Promise<{ app: FastifyInstance; paths: DataPaths }> {
  const paths = dataPaths(tempDir());
  const config = loadConfig({
    env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: 'verifyToken' in overrides ? overrides.verifyToken : VERIFY_TOKEN },
    overrides: overrides.maxBodyBytes ? { whatsapp: { maxBodyBytes: overrides.maxBodyBytes } } : {},
  });
  const app = await buildApp({ config, paths, whatsappLanding: createGroupCommitAppender(join(paths.landing, 'whatsapp'), processLease(paths.leases)) });
  return { app, paths };
}

/** A POST as Meta makes it: JSON, signed over the exact bytes. */
export function signedPost(app: FastifyInstance, body: string | Buffer, signature = signatureOf(body, APP_SECRET), contentType = 'application/json') {
  return app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': contentType, 'x-hub-signature-256': signature },
    payload: body,
  });
}

export function fixtureLines(name: string): string[] {
  return readFileSync(join(FIXTURES, name), 'utf8').trim().split('\n');
}
