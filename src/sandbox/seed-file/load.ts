import { hash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { jstDate } from '../../domain/dates.js';
import { ProblemError } from '../../http/problem.js';
import { createGenerator } from '../../synthetic/generator.js';
import { formatRecords } from '../../synthetic/format.js';
import { syntheticMunicipality } from '../../synthetic/municipality.js';
import { presetCertificateType } from '../../synthetic/presets.js';
import type { SandboxLoader } from '../loader.js';
import { seedFileSchema, type SeedFile } from './schema.js';

/** A seed file that cannot be read or loaded: one line naming the file, the place in it and the rule. */
export class SeedFileError extends Error {
  constructor(file: string, where: string, why: string) {
    super(`SANDBOX_SEED_FILE ${file}: ${where ? `${where}: ` : ''}${why}`);
    this.name = 'SeedFileError';
  }
}

/** Reads and validates a seed file; messages name fields and rules, never values. */
export async function readSeedFile(file: string): Promise<SeedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SeedFileError(file, '', `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new SeedFileError(file, '', `is not JSON${at ? ` (syntax error at position ${at})` : ''}`);
  }
  const parsed = seedFileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new SeedFileError(file, '', issues.join('; '));
  }
  return parsed.data;
}

/** Why a step failed: a problem's code, detail and failing fields (never values), or an error's message. */
const reason = (err: unknown) => {
  if (err instanceof ProblemError) {
    const fields = (err.errors ?? []).slice(0, 3).map((e) => `${e.field}: ${e.code}`);
    return `${err.code}: ${err.detail ?? err.title}${fields.length ? ` (${fields.join(', ')})` : ''}`;
  }
  return (err as Error).message;
};

const keyOf = (what: unknown) => `pmh-sandbox-seed-${hash('sha256', JSON.stringify(what)).slice(0, 32)}`;

/**
 * Loads a seed through the same services as the APIs, idempotently: types are PUT (the same again is
 * unchanged), records registered with a content-derived Idempotency-Key (a restart replays the task),
 * tokens and card serials fixed. What it loaded, as counts.
 */
export async function loadSeedFile(file: string, seed: SeedFile, loader: SandboxLoader, now: () => Date) {
  const counts = { municipalities: 0, certificateTypes: 0, records: 0, institutions: 0, cards: 0 };
  for (const [i, m] of seed.municipalities.entries()) {
    const at = `municipalities.${i}`;
    const fail = (where: string, err: unknown): never => {
      throw new SeedFileError(file, `${at}${where}`, reason(err));
    };
    const lg = await loader.municipality(m.code).catch((err: unknown) => fail('.code', err));
    if (m.token) await loader.ensureMunicipalToken(m.code, m.token).catch((err: unknown) => fail('.token', err));
    const definitions = new Map(m.certificateTypes.map((t) => [t.id, t.definition]));
    for (const g of m.generate) {
      const preset = presetCertificateType(g.preset, lg);
      if (preset && !definitions.has(preset.id)) definitions.set(preset.id, preset.definition);
    }
    for (const [id, definition] of definitions) {
      await loader.putCertificateType(m.code, id, definition).catch((err: unknown) => fail(`.certificateTypes (${id})`, err));
      counts.certificateTypes++;
    }
    if (m.records.length > 0) {
      await loader
        .register(m.code, m.records as never, { idempotencyKey: keyOf([m.code, m.records]), waitSeconds: 600 })
        .catch((err: unknown) => fail('.records', err));
      counts.records += m.records.length;
    }
    for (const [j, g] of m.generate.entries()) {
      const area = syntheticMunicipality(m.code);
      if (!area) fail(`.generate.${j}`, new Error('the generator has no address data for this municipality'));
      const preset = presetCertificateType(g.preset, lg)!;
      const referenceDate = g.referenceDate ?? jstDate(now());
      const definition = definitions.get(preset.id)!;
      const gen = createGenerator({ seed: g.seed, referenceDate, municipality: area!, certificateType: { id: preset.id, definition } });
      const idempotencyKey = keyOf([m.code, g.preset, g.count, g.seed, referenceDate, definition]);
      await loader
        .register(m.code, { ndjson: formatRecords(gen.records(g.count), 'ndjson') }, { idempotencyKey, waitSeconds: 600 })
        .catch((err: unknown) => fail(`.generate.${j}`, err));
      counts.records += g.count;
    }
    counts.municipalities++;
  }
  for (const [i, inst] of seed.institutions.entries()) {
    await loader.ensureInstitutionWithToken({ code: inst.code, name: inst.name, kind: inst.kind }, inst.token).catch((err: unknown) => {
      throw new SeedFileError(file, `institutions.${i}`, reason(err));
    });
    counts.institutions++;
  }
  for (const [i, c] of seed.cards.entries()) {
    await loader
      .ensureCardWithSerial({ myNumber: c.myNumber, status: c.status, certificateExpiresOn: c.certificateExpiresOn }, c.certificateSerialNumber)
      .catch((err: unknown) => {
        throw new SeedFileError(file, `cards.${i}`, reason(err));
      });
    counts.cards++;
  }
  return counts;
}
