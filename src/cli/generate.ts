/**
 * `pmh-sandbox generate`: deterministic synthetic registration records on
 * stdout, in a format POST /municipal/v1/registration-tasks accepts.
 * Generated lazily and written with stdout's backpressure, so memory stays
 * flat for millions of records.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { certificateTypeDefinitionSchema } from '../certificate-types/schemas.js';
import { jstDate } from '../domain/dates.js';
import { createGenerator, type SyntheticCertificateType, type SyntheticGenerator } from '../synthetic/generator.js';
import { formatRecords, OUTPUT_FORMATS, type OutputFormat } from '../synthetic/format.js';
import { PRESETS, presetCertificateType } from '../synthetic/presets.js';
import { UsageError, type CliIo, type Command } from './command.js';
import { syntheticMunicipality } from '../synthetic/municipality.js';
import { progressBar } from './progress.js';
import { baseUrl, sandboxToday } from './api.js';

/** The API's default MAX_JSON_RECORDS: larger JSON arrays are refused (use csv or ndjson). */
const MAX_JSON_RECORDS = 10_000;

const presetLines = Object.entries(PRESETS)
  .map(([name, p]) => `  ${name.padEnd(11)} ${p.id.padEnd(10)} ${p.summary}`)
  .join('\n');

const usage = `Usage: pmh-sandbox generate [options] > records.csv

Writes synthetic residents' registration records (PMH field names) to stdout,
ready for POST /municipal/v1/registration-tasks. Records are valid today by
default: by the sandbox clock when an admin token is given (--admin-token or
SANDBOX_ADMIN_TOKEN; the sandbox at --url or PMH_SANDBOX_URL), else today in
Japan. The same options, seed and --reference-date give byte-identical output
on any day and machine.

Options:
  -n, --count <n>              records to write (default 1000)
  -f, --format <csv|ndjson|json>
                               csv: text/csv upload file (default); ndjson:
                               application/x-ndjson; json: one array (the API
                               takes at most ${MAX_JSON_RECORDS.toLocaleString('en-US')} records as JSON)
  -m, --municipality <code>    全国地方公共団体コード, e.g. 130001 東京都,
                               132012 八王子市 (default 130001)
  -t, --type <preset|file>     certificate type: a preset name below, or a JSON
                               file with a PUT /municipal/v1/certificate-types
                               body (or a GET response) (default nanbyo54)
      --type-id <id>           orgSpecificCertificateTypeId of the records
                               (default: the preset's, the file's
                               orgSpecificCertificateTypeId, or the file name)
  -s, --seed <text>            seed (default 1)
      --reference-date <date>  "today" of the data set, YYYY-MM-DD: ages and
                               validity are relative to it (default: today by
                               the sandbox clock, see above, else today JST)
      --url <url>              the sandbox whose clock gives the default
                               reference date (default $PMH_SANDBOX_URL, else
                               http://127.0.0.1:3000)
      --admin-token <token>    its admin token (default $SANDBOX_ADMIN_TOKEN)
      --expired-share <0-1>    residents whose record ended before the
                               reference date (default 0)
      --future-share <0-1>     residents whose record starts after it (default 0)
      --history-share <0-1>    residents with the previous period's history
                               row too (default 0)
      --not-disclosed-share <0-1>        isNotDisclosed true (default 0)
      --always-reimbursement-share <0-1> isAlwaysReimbursement "1" (default 0)
      --institutions <codes>   comma-separated 医療機関コード to draw
                               designatedMedicalInstitutions from (default:
                               synthetic codes in the municipality's prefecture)
      --print-type             write the certificate type's PUT body (JSON) instead
                               of records, to define the type before uploading
      --progress / --no-progress
                               progress bar on stderr (default: when stderr is
                               a terminal)
  -h, --help                   this text

Presets (the type is defined for the chosen municipality's prefecture):
${presetLines}

Examples:
  pmh-sandbox generate --type nanbyo54 --municipality 130001 --print-type > type.json
  pmh-sandbox generate --count 100000 --municipality 130001 --type nanbyo54 --seed 42 --reference-date 2026-04-01 > nanbyo.csv
  pmh-sandbox generate --count 20 --format ndjson --admin-token "$ADMIN" > records.ndjson
  pmh-sandbox generate -n 5000 -f ndjson -m 132012 -t kodomo --history-share 0.2 > kodomo.ndjson
`;

function parseShare(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !(n >= 0 && n <= 1)) throw new UsageError(`--${name} must be a number between 0 and 1, got ${JSON.stringify(value)}`);
  return n;
}

/** The type from a preset name or a JSON file (validated like the PUT body). */
async function loadType(spec: string, typeId: string | undefined, m: { code: string; prefectureCode: string }, cwd: string): Promise<SyntheticCertificateType> {
  const preset = presetCertificateType(spec, m);
  if (preset) return typeId === undefined ? preset : { ...preset, id: typeId };
  const file = path.resolve(cwd, spec);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
    throw new UsageError(`--type ${spec}: not a preset (${Object.keys(PRESETS).join(', ')}) and not a readable JSON file: ${reason}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`--type ${spec}: the file must hold one JSON object`);
  // A GET response has these besides the definition; PUT would refuse them.
  const { orgSpecificCertificateTypeId, createdAt: _c, updatedAt: _u, ...body } = json as Record<string, unknown>;
  const parsed = certificateTypeDefinitionSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(body)'}: ${i.message}`).join('\n');
    throw new UsageError(`--type ${spec}: not a valid certificate type definition:\n${issues}`);
  }
  const id =
    typeId ??
    (typeof orgSpecificCertificateTypeId === 'string'
      ? orgSpecificCertificateTypeId
      : path
          .basename(file)
          .replace(/\.[^.]*$/, '')
          .replace(/[^0-9A-Za-z]/g, ''));
  return { id, definition: parsed.data };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    allowPositionals: false,
    allowNegative: true,
    options: {
      count: { type: 'string', short: 'n', default: '1000' },
      format: { type: 'string', short: 'f', default: 'csv' },
      municipality: { type: 'string', short: 'm', default: '130001' },
      type: { type: 'string', short: 't', default: 'nanbyo54' },
      'type-id': { type: 'string' },
      seed: { type: 'string', short: 's', default: '1' },
      'reference-date': { type: 'string' },
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      'expired-share': { type: 'string' },
      'future-share': { type: 'string' },
      'history-share': { type: 'string' },
      'not-disclosed-share': { type: 'string' },
      'always-reimbursement-share': { type: 'string' },
      institutions: { type: 'string' },
      progress: { type: 'boolean' },
      'print-type': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }

  const count = Number(values.count);
  if (!/^\d+$/.test(values.count) || !Number.isSafeInteger(count)) throw new UsageError(`--count must be a whole number, got ${JSON.stringify(values.count)}`);
  const format = values.format as OutputFormat;
  if (!OUTPUT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(values.format)}`);
  const municipality = syntheticMunicipality(values.municipality);
  if (!municipality) throw new UsageError(`--municipality ${values.municipality} is not a 全国地方公共団体コード of the catalogue`);
  const typeId = values['type-id'];
  if (typeId !== undefined && !/^[0-9A-Za-z]{1,50}$/.test(typeId)) throw new UsageError('--type-id must be 1–50 half-width letters or digits');
  const certificateType = await loadType(values.type, typeId, municipality, io.cwd);
  if (!/^[0-9A-Za-z]{1,50}$/.test(certificateType.id)) {
    throw new UsageError(
      `orgSpecificCertificateTypeId ${JSON.stringify(certificateType.id)} (from the file) is not 1–50 half-width letters or digits: give --type-id`,
    );
  }

  if (values['print-type']) {
    io.stdout.write(`${JSON.stringify(certificateType.definition, null, 2)}\n`);
    return 0;
  }

  const adminToken = values['admin-token'] ?? io.env.SANDBOX_ADMIN_TOKEN;
  if (values.url !== undefined && !adminToken && values['reference-date'] === undefined) {
    throw new UsageError('--url needs an admin token (--admin-token or SANDBOX_ADMIN_TOKEN) to read the sandbox clock, or give --reference-date');
  }
  const referenceDate = values['reference-date'] ?? (adminToken ? await sandboxToday(baseUrl(values, io.env), adminToken) : jstDate(new Date()));

  let generator: SyntheticGenerator;
  try {
    generator = createGenerator({
      seed: values.seed,
      referenceDate,
      municipality,
      certificateType,
      shares: {
        expired: parseShare('expired-share', values['expired-share']),
        future: parseShare('future-share', values['future-share']),
        history: parseShare('history-share', values['history-share']),
        notDisclosed: parseShare('not-disclosed-share', values['not-disclosed-share']),
        alwaysReimbursement: parseShare('always-reimbursement-share', values['always-reimbursement-share']),
      },
      ...(values.institutions !== undefined ? { institutionCodes: values.institutions.split(',').map((c) => c.trim()) } : {}),
    });
  } catch (err) {
    if (err instanceof RangeError) throw new UsageError(err.message);
    throw err;
  }
  if (format === 'json' && count > MAX_JSON_RECORDS) {
    io.stderr.write(`warning: the API takes at most ${MAX_JSON_RECORDS} records as one JSON array (MAX_JSON_RECORDS); use --format csv or ndjson\n`);
  }

  const showProgress = values.progress ?? io.stderr.isTTY === true;
  const progress = showProgress ? progressBar(io.stderr, count, `${certificateType.id} ${municipality.name}`) : undefined;
  let done = 0;
  function* counted() {
    for (const record of generator.records(count)) {
      yield record;
      done++;
      progress?.update(done);
    }
  }
  try {
    await pipeline(Readable.from(formatRecords(counted(), format), { objectMode: false }), io.stdout, { end: io.stdout !== process.stdout });
  } catch (err) {
    // The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    throw err;
  }
  progress?.finish(done);
  return 0;
}

export const generateCommand: Command = {
  name: 'generate',
  summary: 'write deterministic synthetic registration records (csv, ndjson, json) to stdout',
  usage,
  run,
};
