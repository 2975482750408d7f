import type { Program } from '../catalogue/schemas.js';
import type { AuthenticatedMunicipality } from '../credentials/service.js';
import { authorityKinds, canImplement, describeAuthority, describeImplementers, programImplementers } from '../domain/implementers.js';
import { decodeInsurerNumber } from '../domain/numbers.js';
import { prefectureByCode } from '../domain/prefectures.js';
import { problem, type ProblemFieldError } from '../http/problem.js';
import { decodeCursor, encodeCursor } from '../http/schemas.js';
import { TEST_CERTIFICATE_TYPES } from '../sandbox/test-cards.js';
import type { CertificateTypeRow, CertificateTypesRepository } from './repository.js';
import type { CertificateType, CertificateTypeDefinition, StoredDefinition } from './schemas.js';

/** Where national programs are looked up (the catalogue repository). */
export interface ProgramLookup {
  findProgram(lawCode: string): Promise<{ data: unknown } | null>;
}

type Municipality = Pick<AuthenticatedMunicipality, 'code' | 'kind' | 'name' | 'prefectureCode'>;

const ID_PATTERN = /^[0-9A-Za-z]{1,50}$/;

/** The business rules of a definition; each is its own 422 problem code (see http/problems.ts). */
type RuleCode =
  | 'unknown_law_code'
  | 'implementer_not_allowed'
  | 'insurer_number_wrong_prefecture'
  | 'insurer_number_wrong_law_code'
  | 'insurer_number_invalid'
  | 'duplicate_code'
  | 'invalid_copayment_rules';

type RuleViolation = ProblemFieldError & { code: RuleCode };

/** Codes that appear more than once in a list, reported at every repeat. */
function duplicates(values: readonly string[], field: (i: number) => string, what: string): RuleViolation[] {
  const first = new Map<string, number>();
  const errors: RuleViolation[] = [];
  values.forEach((v, i) => {
    const at = first.get(v);
    if (at === undefined) first.set(v, i);
    else errors.push({ field: field(i), code: 'duplicate_code', message: `${what} "${v}" is already defined at ${field(at)}` });
  });
  return errors;
}

/**
 * Business-rule violations of a definition (422), in the order they are reported. Pure: the
 * national program (null when its lawCode is not in the catalogue) is looked up by the caller.
 */
export function definitionViolations(def: CertificateTypeDefinition, lg: Municipality, program: Program | null): RuleViolation[] {
  const errors: RuleViolation[] = [];

  if (def.kind === 'national') {
    if (!program) {
      errors.push({
        field: 'lawCode',
        code: 'unknown_law_code',
        message: `法別番号 ${def.lawCode} is not a national program of the catalogue (GET /catalogue/v1/programs); a local program (地単) is kind "local"`,
      });
    } else {
      const implementers = programImplementers(program);
      if (!canImplement(lg, implementers)) {
        errors.push({
          field: 'lawCode',
          code: 'implementer_not_allowed',
          message:
            `法別 ${program.lawCode} ${program.name} is implemented by ${describeImplementers(implementers)}; ` +
            `${lg.name} (${lg.code}) acts as ${describeAuthority(lg)}`,
        });
      }
    }
  } else if (authorityKinds(lg).length === 0) {
    errors.push({
      field: 'kind',
      code: 'implementer_not_allowed',
      message: `${lg.name} (${lg.code}) is a 行政区 of a 指定都市 and implements no 公費 program; define the type as the 指定都市`,
    });
  }

  const prefecture = prefectureByCode(lg.prefectureCode);
  def.insurerNumbers.forEach((number, i) => {
    const field = `insurerNumbers.${i}`;
    const decoded = decodeInsurerNumber(number);
    if (decoded.prefectureCode !== lg.prefectureCode) {
      errors.push({
        field,
        code: 'insurer_number_wrong_prefecture',
        message: `公費負担者番号 ${number}: 都道府県番号 ${decoded.prefectureCode} is not the municipality's prefecture ${lg.prefectureCode} (${prefecture?.name ?? '?'})`,
      });
    }
    if (def.kind === 'national' && decoded.lawCode !== def.lawCode) {
      errors.push({
        field,
        code: 'insurer_number_wrong_law_code',
        message: `公費負担者番号 ${number}: 法別番号 ${decoded.lawCode} is not this type's lawCode ${def.lawCode}`,
      });
    }
    const cd = decoded.checkDigit;
    if (def.checkDigitValidation === 'strict' && cd && cd.given !== cd.expected) {
      errors.push({
        field,
        code: 'insurer_number_invalid',
        message: `公費負担者番号 ${number}: 検証番号 is ${cd.given}, expected ${cd.expected} (checkDigitValidation "lenient" accepts it)`,
      });
    }
  });

  errors.push(
    ...duplicates(def.insurerNumbers, (i) => `insurerNumbers.${i}`, '公費負担者番号'),
    ...duplicates(
      def.incomeSegments.map((s) => s.code),
      (i) => `incomeSegments.${i}.code`,
      '所得区分 code',
    ),
    ...duplicates(
      def.segments.map((s) => s.code),
      (i) => `segments.${i}.code`,
      '区分 code',
    ),
    ...duplicates(
      def.additionalConditionItems.map((s) => s.itemCode),
      (i) => `additionalConditionItems.${i}.itemCode`,
      '追加条件 項目コード',
    ),
    ...def.additionalConditionItems.flatMap((item, j) =>
      duplicates(item.conditionCodes, (i) => `additionalConditionItems.${j}.conditionCodes.${i}`, `条件コード of item ${item.itemCode}`),
    ),
    ...copaymentRuleViolations(def),
  );
  return errors;
}

/** Local rule rows that can never match, or name a 所得区分 the type does not define. */
function copaymentRuleViolations(def: CertificateTypeDefinition): RuleViolation[] {
  if (def.kind !== 'local' || !def.copaymentRules) return [];
  const segments = new Set(def.incomeSegments.map((s) => s.code));
  return def.copaymentRules.rows.flatMap((row, i): RuleViolation[] => {
    const at = `copaymentRules.rows.${i}.conditions`;
    const c = row.conditions;
    const errors: RuleViolation[] = [];
    if (c.ageMin !== undefined && c.ageMax !== undefined && c.ageMin > c.ageMax) {
      errors.push({ field: `${at}.ageMax`, code: 'invalid_copayment_rules', message: `ageMax ${c.ageMax} is below ageMin ${c.ageMin}: the row never applies` });
    }
    (c.incomeSegments ?? []).forEach((code, j) => {
      if (!segments.has(code)) {
        errors.push({
          field: `${at}.incomeSegments.${j}`,
          code: 'invalid_copayment_rules',
          message: `所得区分 "${code}" is not one of this type's incomeSegments`,
        });
      }
    });
    return errors;
  });
}

function toCertificateType(row: CertificateTypeRow): CertificateType {
  const d = row.definition;
  const id = row.id;
  const at = { createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
  // Narrowed per kind so each gets its own copaymentRules shape; null when the type has none.
  return d.kind === 'national'
    ? { orgSpecificCertificateTypeId: id, ...d, copaymentRules: d.copaymentRules ?? null, ...at }
    : { orgSpecificCertificateTypeId: id, ...d, copaymentRules: d.copaymentRules ?? null, ...at };
}

const notFound = (id: string) => problem('certificate_type_not_found', { detail: `This municipality has no certificate type "${id}"` });

export function certificateTypesService(repo: CertificateTypesRepository, catalogue: ProgramLookup) {
  return {
    /** The validation rules of every type of a municipality, as registration applies them. */
    loadRules: (municipalityCode: string) => repo.loadRules(municipalityCode),

    /** Creates or replaces a type after checking every rule; `created` tells 201 from 200. */
    async put(lg: Municipality, id: string, def: CertificateTypeDefinition): Promise<{ created: boolean; type: CertificateType }> {
      const row = def.kind === 'national' ? await catalogue.findProgram(def.lawCode) : null;
      const program = row ? (row.data as Program) : null;
      const errors = definitionViolations(def, lg, program);
      const first = errors[0];
      if (first) {
        const others = errors.length > 1 ? ` (and ${errors.length - 1} more: see errors)` : '';
        throw problem(first.code, { detail: `${first.message}${others}`, errors });
      }
      const definition: StoredDefinition = {
        ...def,
        requiresDesignatedInstitutions: def.requiresDesignatedInstitutions ?? program?.requiresDesignatedInstitution ?? false,
      };
      const stored = await repo.upsert(lg.code, id, definition);
      return { created: stored.created, type: toCertificateType(stored.row) };
    },

    async get(municipalityCode: string, id: string): Promise<CertificateType> {
      const row = await repo.find(municipalityCode, id);
      if (!row) throw notFound(id);
      return toCertificateType(row);
    },

    async list(municipalityCode: string, q: { limit: number; cursor?: string; includeTestData?: boolean }) {
      const after = q.cursor !== undefined ? decodeCursor(q.cursor) : undefined;
      if (after !== undefined && !ID_PATTERN.test(after)) {
        throw problem('invalid_cursor', {
          errors: [{ field: 'cursor', code: 'invalid_cursor', message: 'pass the nextCursor of the previous page unchanged' }],
        });
      }
      // One extra row tells whether there is a next page.
      // The well-known test cards' types (src/sandbox/test-cards.ts) are the sandbox's, not the municipality's own.
      const exceptIds = q.includeTestData ? [] : TEST_CERTIFICATE_TYPES.filter((t) => t.municipality === municipalityCode).map((t) => t.id);
      const rows = await repo.list(municipalityCode, { after, limit: q.limit + 1, exceptIds });
      const items = rows.slice(0, q.limit);
      const last = items.at(-1);
      return { items: items.map(toCertificateType), nextCursor: rows.length > q.limit && last ? encodeCursor(last.id) : null };
    },

    async remove(municipalityCode: string, id: string): Promise<void> {
      const outcome = await repo.delete(municipalityCode, id);
      if (outcome === 'not_found') throw notFound(id);
      if (outcome === 'in_use') {
        throw problem('certificate_type_in_use', { detail: `Registered 受給者証 records refer to "${id}"; delete those records first` });
      }
    },
  };
}

export type CertificateTypesService = ReturnType<typeof certificateTypesService>;
