import type { LoggerOptions } from 'pino';

/**
 * Paths that may carry personal data (個人番号, 基本5情報) or credentials.
 * Logs must never contain them, whatever shape a body or error takes.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.authorization',
  '*.myNumber',
  '*.*.myNumber',
  '*.name',
  '*.nameKana',
  '*.address',
  '*.dateOfBirth',
  '*.basicFiveInfo',
  '*.*.basicFiveInfo',
  'body',
  '*.body',
  'token',
  '*.token',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
}
