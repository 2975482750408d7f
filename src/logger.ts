import type { LoggerOptions } from 'pino';

/**
 * Paths that may carry personal data (個人番号, 基本5情報) or credentials.
 * Logs must never contain them, whatever shape a body or error takes.
 */
const personalKeys = ['myNumber', 'name', 'nameKana', 'address', 'dateOfBirth', 'basicFiveInfo', 'token', 'authorization'];

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.body',
  // pino has no recursive wildcard: cover the key at the top level and up to three objects deep.
  ...personalKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  // A PostgreSQL error's detail quotes the values of the row it is about, e.g. "Key (…, my_number, …)=(…)".
  'err.detail',
  'err.cause.detail',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
}
