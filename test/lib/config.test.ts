import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config.ts';
import { tempDir } from '../helpers/temp-dir.ts';

function configFile(text: string): string {
  const file = join(tempDir(), 'replywatch.json');
  writeFileSync(file, text);
  chmodSync(file, 0o600);
  return file;
}

describe('configuration', () => {
  it('names where a config file stops being JSON without quoting it, secrets included', () => {
    const file = configFile('{\n  "whatsapp": { "appSecret": s3cr3t-value }\n}\n');
    expect(() => loadConfig({ file, env: {} })).toThrow(`config file ${file} is not valid JSON (line 2, column 30)`);
    try {
      loadConfig({ file, env: {} });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cr3t');
    }
    expect(() => loadConfig({ file: configFile('{"whatsapp": {"appSecret": "abc'), env: {} })).toThrow(/is not valid JSON \(it ends too early\)$/);
  });

  it('takes the file, then the environment, then flags', () => {
    const file = configFile('{"server": {"port": 4000, "host": "0.0.0.0"}, "whatsapp": {"appSecret": "from-the-file"}}');
    const config = loadConfig({ file, env: { REPLYWATCH_PORT: '5000' }, overrides: { server: { host: '127.0.0.1' } } });
    expect(config.server).toMatchObject({ port: 5000, host: '127.0.0.1' });
    expect(config.whatsapp.appSecret).toBe('from-the-file');
  });

  it('keeps webhook bodies within what the landing log takes', () => {
    expect(loadConfig({ env: { WHATSAPP_MAX_BODY_BYTES: String(16 * 1024 * 1024) } }).whatsapp.maxBodyBytes).toBe(16 * 1024 * 1024);
    expect(() => loadConfig({ env: { WHATSAPP_MAX_BODY_BYTES: String(32 * 1024 * 1024) } })).toThrow(
      'configuration: whatsapp.maxBodyBytes 33554432: expected integer to be less or equal to 16777216',
    );
  });
});
