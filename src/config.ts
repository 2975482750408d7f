import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Every environment variable the service reads. Parsed once, at start. */
export const configSchema = z.object({
  /** PostgreSQL connection string. When absent, an embedded PostgreSQL is started. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  /**
   * The URL clients reach the service at (behind a proxy, in a container: e.g. https://pmh.example.test), named as the
   * server of the OpenAPI document served at /docs/json, which Swagger UI's "Try it out" calls. Unset: the relative
   * URL `/`, the origin that served the document.
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/ })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Data directory of the embedded PostgreSQL (only used without DATABASE_URL). */
  PMH_PG_DATA_DIR: z
    .string()
    .min(1)
    .default(path.join(process.cwd(), '.data', 'postgres')),
  /** TCP port of the embedded PostgreSQL, on 127.0.0.1. */
  PMH_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** Largest request body accepted, in bytes. */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 1024 * 1024),
  /** Largest streamed (NDJSON/CSV) registration upload, in bytes. */
  UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024 * 1024),
  /** Most records in one registration task (any format). */
  MAX_RECORDS_PER_TASK: z.coerce.number().int().positive().default(2_000_000),
  /** Most records in one JSON-array registration body (use NDJSON or CSV for more). */
  MAX_JSON_RECORDS: z.coerce.number().int().positive().default(10_000),
  /** Records a registration task applies per transaction. */
  REGISTRATION_CHUNK_SIZE: z.coerce.number().int().min(1).max(50_000).default(2000),
  /**
   * Worker threads validating NDJSON uploads; 0: on the event loop. `auto`: the CPUs beyond two, at
   * most 4 — on two CPUs PostgreSQL and the event loop already use both (measured: no faster, 40 MB more).
   */
  UPLOAD_WORKER_THREADS: z.union([z.literal('auto'), z.coerce.number().int().min(0).max(64)]).default('auto'),
  /**
   * A streamed (NDJSON/CSV) registration upload that sends no byte for this many milliseconds is ended
   * with 408 `upload_idle_timeout` (the connection is closed) and nothing of it is stored.
   */
  UPLOAD_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /**
   * Registration uploads received at the same time, all municipalities together; beyond it 503
   * `uploads_busy` with Retry-After. Uploads stage on a database pool of their own of this size, so
   * they never hold the connections of the other APIs (clinic checks, tokens).
   */
  UPLOAD_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100).default(8),
  /** Registration uploads of one municipality received at the same time; beyond it 429 `too_many_uploads` with Retry-After. */
  UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY: z.coerce.number().int().min(1).max(100).default(2),
  /**
   * Bearer token of the sandbox admin API (/sandbox/v1/...). Unset: one is generated on first
   * start, logged once, and only its SHA-256 is stored (table sandbox_setting).
   */
  SANDBOX_ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  /** `true`: generate a new admin token at this start (the old one stops working), and log it once. */
  SANDBOX_ROTATE_ADMIN_TOKEN: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** A JSON seed file (openapi/seed-file.schema.json) loaded at every start: municipalities, types, records, institutions, cards. */
  SANDBOX_SEED_FILE: z.string().min(1).optional(),
  /** Requests kept by the request journal (GET /sandbox/v1/requests), in memory; oldest dropped first. */
  SANDBOX_JOURNAL_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(10_000),
  /** Attempts of one webhook delivery (the first included) before it is marked failed. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** Delay before the 2nd webhook attempt, in seconds; it doubles after every failed attempt (1, 2, 4, … 64). */
  WEBHOOK_RETRY_BASE_SECONDS: z.coerce.number().min(0).max(3600).default(1),
  /**
   * `true`: webhook URLs may name loopback (127/8, ::1, localhost) and private ranges (10/8, 172.16/12, 192.168/16,
   * 100.64/10, fc00::/7), checked at registration and against every resolved address at delivery. The default suits a
   * local sandbox; switch it off first on a shared host. Link-local and cloud-metadata addresses are always refused.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0'])
    .default('true')
    .transform((v) => v === 'true' || v === '1'),
  /** A webhook attempt with no complete response within this many milliseconds fails. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; the error names each bad variable and why. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment configuration:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** UPLOAD_WORKER_THREADS as a number (`auto` resolved for this machine). */
export const uploadWorkerThreads = (v: Config['UPLOAD_WORKER_THREADS']) => (v === 'auto' ? Math.max(0, Math.min(4, availableParallelism() - 2)) : v);
