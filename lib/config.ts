import { FormatRegistry, Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { UserError } from './user-error.ts';

FormatRegistry.Set('uri', (value) => URL.canParse(value));

/**
 * Everything replywatch can be configured with, as one schema: the single source of the field
 * names, types and limits. Values come from defaults, then a JSON config file, then environment
 * variables, then command-line flags, each overriding the one before.
 */
export const Config = Type.Object({
  whatsapp: Type.Object({
    appSecret: Type.Optional(Type.String({ minLength: 8 })),
    verifyToken: Type.Optional(Type.String({ minLength: 1 })),
    // A webhook body lands as one record, and the landing log takes records up to 16 MiB.
    maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 16 * 1024 * 1024 }),
  }),
  server: Type.Object({
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    buildEverySeconds: Type.Integer({ minimum: 0 }),
  }),
  hubspot: Type.Object({
    token: Type.Optional(Type.String({ minLength: 1 })),
    baseUrl: Type.String({ format: 'uri' }),
  }),
  api: Type.Object({
    /** Requests per minute one API key may make. */
    rateLimitPerMinute: Type.Integer({ minimum: 1 }),
    maxBodyBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 }),
    /** A warehouse older than this is not ready (GET /readyz). */
    staleAfterSeconds: Type.Integer({ minimum: 1 }),
  }),
  alerts: Type.Object({
    /** Share of a first-response target after which it is at risk. */
    atRiskShare: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }),
    /** How often the clocks are compared with now (alerts fire, resolve, notify). */
    evaluateEverySeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    /** Recurring windows, in the business's time zone, when no notification goes out (alerts still fire). */
    muteWindows: Type.Array(
      Type.Object({
        name: Type.String({ minLength: 1 }),
        days: Type.Array(Type.Union(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => Type.Literal(day))), { minItems: 1 }),
        start: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
        end: Type.String({ pattern: '^([01]\\d|2[0-4]):[0-5]\\d$' }),
      }),
    ),
  }),
  notifications: Type.Object({
    /** Outbound webhook per supervisor id; "*" catches every supervisor without one of their own. */
    webhookUrls: Type.Record(Type.String({ minLength: 1 }), Type.String({ format: 'uri' })),
    /** New alerts for one supervisor within this window go out as one notification. */
    groupWaitSeconds: Type.Integer({ minimum: 0 }),
    /** An unacknowledged alert is notified again this often. */
    repeatIntervalSeconds: Type.Integer({ minimum: 60 }),
    /** Delivery attempts before a notification is given up (logged as failed). */
    maxAttempts: Type.Integer({ minimum: 1, maximum: 20 }),
    /** Optional: also send a WhatsApp template message to supervisors through the Cloud API. */
    whatsapp: Type.Optional(
      Type.Object({
        baseUrl: Type.String({ format: 'uri' }),
        accessToken: Type.String({ minLength: 1 }),
        phoneNumberId: Type.String({ minLength: 1 }),
        templateName: Type.String({ minLength: 1 }),
        languageCode: Type.String({ minLength: 2 }),
        /** Supervisor id → WhatsApp number (digits with country code). */
        recipients: Type.Record(Type.String({ minLength: 1 }), Type.String({ pattern: '^\\d{8,15}$' })),
      }),
    ),
  }),
  zoho: Type.Object({
    clientId: Type.Optional(Type.String({ minLength: 1 })),
    clientSecret: Type.Optional(Type.String({ minLength: 1 })),
    refreshToken: Type.Optional(Type.String({ minLength: 1 })),
    accountsUrl: Type.String({ format: 'uri' }),
    apiUrl: Type.String({ format: 'uri' }),
  }),
});
export type Config = Static<typeof Config>;

const DEFAULTS: Config = {
  whatsapp: { maxBodyBytes: 4 * 1024 * 1024 },
  server: { host: '127.0.0.1', port: 3000, buildEverySeconds: 60 },
  hubspot: { baseUrl: 'https://api.hubapi.com' },
  api: { rateLimitPerMinute: 600, maxBodyBytes: 64 * 1024, staleAfterSeconds: 3600 },
  alerts: { atRiskShare: 0.8, evaluateEverySeconds: 5, muteWindows: [] },
  notifications: { webhookUrls: {}, groupWaitSeconds: 30, repeatIntervalSeconds: 3600, maxAttempts: 6 },
  // India's data centre; other regions use zoho.com, zoho.eu, …
  zoho: { accountsUrl: 'https://accounts.zoho.in', apiUrl: 'https://www.zohoapis.in' },
};

/** Environment variable → place in the config. */
const ENVIRONMENT: Record<string, [keyof Config, string, 'string' | 'integer']> = {
  WHATSAPP_APP_SECRET: ['whatsapp', 'appSecret', 'string'],
  WHATSAPP_VERIFY_TOKEN: ['whatsapp', 'verifyToken', 'string'],
  WHATSAPP_MAX_BODY_BYTES: ['whatsapp', 'maxBodyBytes', 'integer'],
  REPLYWATCH_HOST: ['server', 'host', 'string'],
  REPLYWATCH_PORT: ['server', 'port', 'integer'],
  HUBSPOT_TOKEN: ['hubspot', 'token', 'string'],
  HUBSPOT_BASE_URL: ['hubspot', 'baseUrl', 'string'],
  ZOHO_CLIENT_ID: ['zoho', 'clientId', 'string'],
  ZOHO_CLIENT_SECRET: ['zoho', 'clientSecret', 'string'],
  ZOHO_REFRESH_TOKEN: ['zoho', 'refreshToken', 'string'],
  ZOHO_ACCOUNTS_URL: ['zoho', 'accountsUrl', 'string'],
  ZOHO_API_URL: ['zoho', 'apiUrl', 'string'],
};

export type ConfigOverrides = { [K in keyof Config]?: Partial<Config[K]> };

/**
 * The configuration, validated: a value that breaks the schema is a one-line error naming it.
 * A config file holding secrets must not be readable by other users.
 */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides } = {}): Config {
  const env = options.env ?? process.env;
  const config = structuredClone(DEFAULTS) as Config;
  const file = options.file ?? env.REPLYWATCH_CONFIG;
  if (file) merge(config, readConfigFile(file));
  for (const [name, [section, key, type]] of Object.entries(ENVIRONMENT)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    (config[section] as Record<string, unknown>)[key] = type === 'integer' ? Number(value) : value;
  }
  if (options.overrides) merge(config, options.overrides);
  const error = Value.Errors(Config, config).First();
  if (error) {
    const setting = error.path.replace(/^\//, '').replaceAll('/', '.');
    throw new UserError(`configuration: ${setting} ${describeValue(setting, error.value)}: ${error.message.toLowerCase()}`);
  }
  return config;
}

function readConfigFile(file: string): ConfigOverrides {
  if (!existsSync(file)) throw new UserError(`config file ${file} does not exist`);
  let parsed: unknown;
  const text = readFileSync(file, 'utf8');
  try {
    parsed = JSON.parse(text);
  } catch {
    // Node's message quotes the file, secrets included: name the place, never the content.
    throw new UserError(`config file ${file} is not valid JSON${jsonErrorPlace(text)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UserError(`config file ${file} must hold a JSON object`);
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077 && holdsSecrets(parsed as Record<string, unknown>)) {
    throw new UserError(`config file ${file} holds secrets but others can read it (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  return parsed as ConfigOverrides;
}

/**
 * Whether a config file holds something that grants access: a setting named like a secret or a
 * token, or notification webhook URLs, which carry their credential in the URL itself (Slack's do).
 */
function holdsSecrets(parsed: Record<string, unknown>): boolean {
  const webhookUrls = (parsed.notifications as { webhookUrls?: unknown } | null | undefined)?.webhookUrls;
  const hasWebhookUrls = typeof webhookUrls === 'object' && webhookUrls !== null && Object.keys(webhookUrls).length > 0;
  return hasWebhookUrls || /secret|token/i.test(JSON.stringify(Object.values(parsed)));
}

/**
 * Where a JSON text goes wrong, as "(line L, column C)": the first character that no valid JSON
 * could continue with, found as the shortest prefix that fails for another reason than running out.
 */
function jsonErrorPlace(text: string): string {
  if (text.length > 1 << 16) return '';
  for (let end = 1; end <= text.length; end += 1) {
    try {
      JSON.parse(text.slice(0, end));
    } catch (error) {
      const message = (error as Error).message;
      const position = /at position (\d+)/.exec(message)?.[1];
      const ranOut = position === undefined ? /end of JSON input/i.test(message) : Number(position) >= end;
      if (ranOut) continue;
      const lines = text.slice(0, position === undefined ? end : Number(position) + 1).split('\n');
      return ` (line ${lines.length}, column ${lines[lines.length - 1]!.length})`;
    }
  }
  return ' (it ends too early)';
}

function merge(config: Config, overrides: ConfigOverrides): void {
  for (const [section, values] of Object.entries(overrides)) {
    if (!(section in config)) throw new UserError(`configuration: unknown section "${section}"; known: ${Object.keys(config).join(', ')}`);
    Object.assign(config[section as keyof Config], values);
  }
}

/** Secrets never appear in messages, only whether they were set. */
function describeValue(setting: string, value: unknown): string {
  if (/secret|token/i.test(setting)) return value === undefined ? '(not set)' : '(set)';
  return JSON.stringify(value) ?? '(not set)';
}
