import { randomBytes, timingSafeEqual } from 'node:crypto';
import { ADMIN } from '../../http/auth.js';
import { hashToken, principalOf, type Principal } from '../../http/identity.js';
import type { SandboxSettingsRepository } from '../settings.js';

const ADMIN_KEY = 'admin_token_sha256';

function sameHash(a: string, b: string) {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AdminTokenLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  /** pino's: false for warn at LOG_LEVEL=error, fatal or silent. */
  isLevelEnabled?(level: string): boolean;
}

/**
 * At start, without SANDBOX_ADMIN_TOKEN: makes sure an admin token exists. The first start (or a start with
 * SANDBOX_ROTATE_ADMIN_TOKEN=true) generates one, shows it once and stores only its SHA-256; later starts reuse
 * the stored hash and log nothing secret. The token is logged at warn; where the log level hides warn, it is printed
 * on stderr (`print`) instead, since only this start can show it.
 */
export async function ensureAdminToken(
  settings: SandboxSettingsRepository,
  config: { SANDBOX_ADMIN_TOKEN?: string; SANDBOX_ROTATE_ADMIN_TOKEN: boolean },
  logger: AdminTokenLogger,
  print: (text: string) => void = (text) => void process.stderr.write(text),
): Promise<'configured' | 'stored' | 'generated'> {
  if (config.SANDBOX_ADMIN_TOKEN) return 'configured';
  const stored = await settings.get(ADMIN_KEY);
  if (typeof stored === 'string' && !config.SANDBOX_ROTATE_ADMIN_TOKEN) {
    logger.info({}, 'sandbox admin token: using the stored one (set SANDBOX_ROTATE_ADMIN_TOKEN=true to get a new one)');
    return 'stored';
  }
  const token = `pmh_adm_${randomBytes(24).toString('base64url')}`;
  await settings.set(ADMIN_KEY, hashToken(token));
  const message = `sandbox admin token generated: ${token} — shown once; send it as "Authorization: Bearer <token>" to /sandbox/v1/...`;
  if (logger.isLevelEnabled?.('warn') ?? true) logger.warn({ sandboxAdminToken: token }, message);
  else print(`${message} (lost it? restart once with SANDBOX_ROTATE_ADMIN_TOKEN=true, or set SANDBOX_ADMIN_TOKEN)\n`);
  return 'generated';
}

export const SANDBOX_ADMIN_ACTOR = 'sandbox-admin';

/** Recognises the token of the sandbox admin API against SANDBOX_ADMIN_TOKEN or the stored hash. */
export function sandboxAdminAuth(deps: { configuredToken?: string; settings: SandboxSettingsRepository }) {
  const configuredHash = deps.configuredToken ? hashToken(deps.configuredToken) : undefined;
  let storedHash: string | undefined;

  async function expectedHash(): Promise<string | undefined> {
    if (configuredHash) return configuredHash;
    // The stored hash only changes at start (rotation), so it is read once.
    if (!storedHash) {
      const v = await deps.settings.get(ADMIN_KEY);
      if (typeof v === 'string') storedHash = v;
    }
    return storedHash;
  }

  return {
    /** The sandbox admin, when the token hash is the admin token's; null otherwise. */
    async principalOf(tokenHash: string): Promise<Principal<null> | null> {
      const expected = await expectedHash();
      return expected && sameHash(tokenHash, expected) ? principalOf(ADMIN, SANDBOX_ADMIN_ACTOR, null) : null;
    },
  };
}

export type SandboxAdminAuth = ReturnType<typeof sandboxAdminAuth>;
