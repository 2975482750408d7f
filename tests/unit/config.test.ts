import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ConfigError, configSchema, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, LOG_LEVEL: 'info', PMH_PG_PORT: 54329 });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.PMH_PG_DATA_DIR).toMatch(/\.data[/\\]postgres$/);
  });

  it('reads and coerces the variables', () => {
    const c = loadConfig({ PORT: '8080', DATABASE_URL: 'postgresql://u@db:5432/pmh', LOG_LEVEL: 'debug' });
    expect(c).toMatchObject({ PORT: 8080, DATABASE_URL: 'postgresql://u@db:5432/pmh', LOG_LEVEL: 'debug' });
  });

  it('reads PUBLIC_URL as an http(s) URL without its trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:8080/' }).PUBLIC_URL).toBe('http://localhost:8080');
    expect(() => loadConfig({ PUBLIC_URL: 'ftp://x' })).toThrow(/PUBLIC_URL/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      const msg = (e as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('LOG_LEVEL');
      expect(msg).toContain('DATABASE_URL');
    }
  });

  it('documents every variable in the README, with the default the schema applies', () => {
    const readme = readFileSync('README.md', 'utf8');
    const defaults = configSchema.parse({});
    for (const name of Object.keys(configSchema.shape)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
      expect(row, `README has no row for ${name}`).toBeDefined();
      const value = (defaults as Record<string, unknown>)[name];
      if (typeof value === 'number' || (typeof value === 'string' && !value.includes('/'))) expect(row, name).toContain(`\`${value}\``);
    }
  });
});
