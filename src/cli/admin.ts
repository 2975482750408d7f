/**
 * CLI verbs for the sandbox's admin and client APIs, each one request (or, for upload, one task) against a
 * running sandbox: `token`, `card`, `check`, `upload`. Same conventions as `seed`: `--url` / PMH_SANDBOX_URL,
 * `--admin-token` / SANDBOX_ADMIN_TOKEN, `--json`; exit 0 done, 1 refused or unreachable, 2 bad invocation.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { medicalInstitutionKind } from '../domain/numbers.js';
import { TEST_INSTITUTION } from '../sandbox/test-cards.js';
import { adminToken, baseUrl, call, printJson, targetOptions, targetUsage } from './api.js';
import { CliError, UsageError, type CliIo, type Command } from './command.js';

const help = (io: CliIo, usage: string) => {
  io.stdout.write(usage);
  return 0;
};

/** The `field: value` lines of a summary. */
const lines = (io: CliIo, fields: Record<string, unknown>) =>
  io.stdout.write(
    Object.entries(fields)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}\n`)
      .join(''),
  );

// --- token -------------------------------------------------------------------------------------------

const tokenUsage = `Usage: pmh-sandbox token municipality <lgCode> [options]
       pmh-sandbox token institution <医療機関コード> [--name <name>] [options]

Issues a bearer token (shown once) for a municipality of the catalogue
(POST /sandbox/v1/municipalities/{lgCode}/credentials) or for a medical
institution, created or renamed on the way (POST /sandbox/v1/medical-institutions;
its kind follows the 点数表 digit of the code). Prints the token alone on
stdout, so TOKEN=$(pmh-sandbox token …) works; --json prints the whole answer.

Options:
      --name <name>         the institution's name (default サンドボックス医院 <code>)
${targetUsage()}
  -h, --help                this text

Examples:
  MUNI=$(pmh-sandbox token municipality 130001)
  CLINIC=$(pmh-sandbox token institution 1311234566 --name サンドボックス内科)
`;

async function issueToken(kind: string, code: string, values: { url?: string; 'admin-token'?: string; name?: string }, io: CliIo) {
  const base = baseUrl(values, io.env);
  const token = adminToken(values, io.env);
  if (kind === 'municipality') return call(base, 'POST', `/sandbox/v1/municipalities/${encodeURIComponent(code)}/credentials`, { token });
  const institutionKind = medicalInstitutionKind(code);
  if (!institutionKind) throw new UsageError(`${JSON.stringify(code)} is not a 10-digit 医療機関コード`);
  return call(base, 'POST', '/sandbox/v1/medical-institutions', {
    token,
    json: { code, name: values.name ?? `サンドボックス医院 ${code}`, kind: institutionKind },
  });
}

export const tokenCommand: Command = {
  name: 'token',
  summary: 'issue a municipality or medical institution bearer token (admin API)',
  usage: tokenUsage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...targetOptions, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return help(io, tokenUsage);
    const [kind, code, ...rest] = positionals;
    if ((kind !== 'municipality' && kind !== 'institution') || !code || rest.length > 0)
      throw new UsageError('give `municipality <lgCode>` or `institution <code>`');
    const answer = await issueToken(kind, code, values, io);
    if (values.json) printJson(io, answer);
    else io.stdout.write(`${String(answer.token)}\n`);
    return 0;
  },
};

// --- card --------------------------------------------------------------------------------------------

const cardUsage = `Usage: pmh-sandbox card --municipality <lgCode> --type <id> --recipient <受給者番号> [options]
       pmh-sandbox card --my-number <個人番号> [options]

Issues a simulated マイナンバーカード (POST /sandbox/v1/cards) for a person you
registered, named by one of their registrations (municipality, certificate type,
公費受給者番号 as GET /municipal/v1/recipients shows them), or by 個人番号.
Face data comes from the person's registration. Prints the card's
certificateSerialNumber alone on stdout (--json: the whole card).

Options:
  -m, --municipality <lgCode>  the municipality that registered the person
  -t, --type <id>              orgSpecificCertificateTypeId of the registration
  -r, --recipient <number>     medicalSubsidyRecipientNumber of the registration
      --my-number <個人番号>   instead of the three above
      --status <active|expired|revoked>
                               state of the card's 電子証明書 (default active)
${targetUsage(31)}
  -h, --help                   this text

Example:
  SERIAL=$(pmh-sandbox card --municipality 130001 --type NANBYO54 --recipient 1234567)
`;

export const cardCommand: Command = {
  name: 'card',
  summary: 'issue a simulated マイナンバーカード for a registered person (admin API)',
  usage: cardUsage,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        ...targetOptions,
        municipality: { type: 'string', short: 'm' },
        type: { type: 'string', short: 't' },
        recipient: { type: 'string', short: 'r' },
        'my-number': { type: 'string' },
        status: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return help(io, cardUsage);
    const registration = [values.municipality, values.type, values.recipient];
    const byRegistration = registration.every((v) => v !== undefined);
    if (values['my-number'] !== undefined ? registration.some((v) => v !== undefined) : !byRegistration) {
      throw new UsageError('give --municipality, --type and --recipient, or --my-number');
    }
    const body = {
      ...(byRegistration
        ? { municipality: values.municipality, orgSpecificCertificateTypeId: values.type, medicalSubsidyRecipientNumber: values.recipient }
        : { myNumber: values['my-number'] }),
      ...(values.status !== undefined ? { status: values.status } : {}),
    };
    const cardAnswer = await call(baseUrl(values, io.env), 'POST', '/sandbox/v1/cards', { token: adminToken(values, io.env), json: body });
    if (values.json) printJson(io, cardAnswer);
    else io.stdout.write(`${String(cardAnswer.certificateSerialNumber)}\n`);
    return 0;
  },
};

// --- check -------------------------------------------------------------------------------------------

const checkUsage = `Usage: pmh-sandbox check <certificateSerialNumber> [--date <YYYY-MM-DD>] [options]

Runs an eligibility check as a clinic would (POST /clinic/v1/eligibility-checks,
with the patient's consent) and prints the medical subsidies valid on the date:
one line each, or the whole answer with --json.

Options:
  -d, --date <date>            date of service (default: today by the sandbox clock)
      --institution-token <t>  the clinic's token (default $PMH_INSTITUTION_TOKEN,
                               else the well-known test institution's public token)
      --no-consent             send consent.medicalSubsidy false
      --url <url>              the sandbox (default $PMH_SANDBOX_URL, else http://127.0.0.1:3000)
      --json                   print the whole answer
  -h, --help                   this text

Examples:
  pmh-sandbox check TEST0000000000000001
  pmh-sandbox check "$SERIAL" --date 2026-06-01 --institution-token "$CLINIC"
`;

export interface Subsidy {
  medicalSubsidyInsurerNumber?: string;
  medicalSubsidyRecipientNumber?: string;
  certificationName?: string;
  validFrom?: string;
  validTo?: string;
  designatedHere?: boolean | null;
}

export const subsidyLine = (s: Subsidy) =>
  `${s.certificationName} 公費負担者番号 ${s.medicalSubsidyInsurerNumber} 受給者番号 ${s.medicalSubsidyRecipientNumber} ` +
  `${s.validFrom}–${s.validTo}${s.designatedHere === true ? ' (designated here)' : s.designatedHere === false ? ' (not designated here)' : ''}`;

export const checkCommand: Command = {
  name: 'check',
  summary: 'run an eligibility check for a card serial as a clinic and print the subsidies',
  usage: checkUsage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      allowNegative: true,
      options: {
        url: { type: 'string' },
        json: { type: 'boolean' },
        date: { type: 'string', short: 'd' },
        'institution-token': { type: 'string' },
        consent: { type: 'boolean', default: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return help(io, checkUsage);
    const [serial, ...rest] = positionals;
    if (!serial || rest.length > 0) throw new UsageError('give one certificateSerialNumber');
    const token = values['institution-token'] ?? io.env.PMH_INSTITUTION_TOKEN ?? TEST_INSTITUTION.token;
    const answer = await call<{ checkId: string; medicalSubsidies: Subsidy[] }>(baseUrl(values, io.env), 'POST', '/clinic/v1/eligibility-checks', {
      token,
      json: { certificateSerialNumber: serial, ...(values.date ? { serviceDate: values.date } : {}), consent: { medicalSubsidy: values.consent } },
    });
    if (values.json) printJson(io, answer);
    else {
      lines(io, { checkId: answer.checkId, subsidies: answer.medicalSubsidies.length });
      for (const s of answer.medicalSubsidies) io.stdout.write(`  ${subsidyLine(s)}\n`);
    }
    return 0;
  },
};

// --- upload ------------------------------------------------------------------------------------------

const uploadUsage = `Usage: pmh-sandbox upload <file> [--token <municipal token>] [options]

Uploads registration records (POST /municipal/v1/registration-tasks): .ndjson,
.csv or .json by the file's extension. Waits for the task to finish, with its
progress on stderr, and prints the finished task (counts; --json: the whole
task). Exit 0 when every record was accepted, 1 when some were rejected or the
task failed (GET …/results?status=rejected says why).

Options:
      --token <token>          the municipality's token (default $PMH_MUNICIPAL_TOKEN;
                               pmh-sandbox token municipality <lgCode> makes one)
      --mode <upsert|replace>  replace: the file is the full export of --type-id
      --type-id <id>           the type a replace covers
      --url <url>              the sandbox (default $PMH_SANDBOX_URL, else http://127.0.0.1:3000)
      --json                   print the whole task
  -h, --help                   this text

Example:
  pmh-sandbox generate -n 20 -f ndjson > records.ndjson
  pmh-sandbox upload records.ndjson --token "$MUNI"
`;

const CONTENT_TYPES: Record<string, string> = {
  '.ndjson': 'application/x-ndjson',
  '.jsonl': 'application/x-ndjson',
  '.csv': 'text/csv',
  '.json': 'application/json',
};

export interface Task {
  id: string;
  status: string;
  counts: { received: number; processed: number; accepted: number; rejected: number; created: number; updated: number; unchanged: number; deleted: number };
}

const FINISHED = new Set(['succeeded', 'completed_with_errors', 'failed']);

/** Polls the task until it is finished, reporting progress; resolves to the finished task. */
export async function waitForTask(base: string, token: string, task: Task, onProgress: (t: Task) => void): Promise<Task> {
  let current = task;
  while (!FINISHED.has(current.status)) {
    onProgress(current);
    await new Promise((r) => setTimeout(r, 200));
    current = await call<Task>(base, 'GET', `/municipal/v1/registration-tasks/${current.id}`, { token });
  }
  return current;
}

export const taskSummary = (t: Task) =>
  `task ${t.id} ${t.status}: ${t.counts.accepted}/${t.counts.received} accepted (created ${t.counts.created}, updated ${t.counts.updated}, ` +
  `unchanged ${t.counts.unchanged}, deleted ${t.counts.deleted}), ${t.counts.rejected} rejected`;

export const uploadCommand: Command = {
  name: 'upload',
  summary: 'upload a registration file (ndjson, csv, json), wait for its task and print it',
  usage: uploadUsage,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        json: { type: 'boolean' },
        token: { type: 'string' },
        mode: { type: 'string' },
        'type-id': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) return help(io, uploadUsage);
    const [file, ...rest] = positionals;
    if (!file || rest.length > 0) throw new UsageError('give one file');
    const contentType = CONTENT_TYPES[path.extname(file).toLowerCase()];
    if (!contentType) throw new UsageError(`cannot tell the format of ${file}: name it .ndjson, .csv or .json`);
    const token = values.token ?? io.env.PMH_MUNICIPAL_TOKEN;
    if (!token) throw new UsageError('no municipal token: pass --token or set PMH_MUNICIPAL_TOKEN (pmh-sandbox token municipality <lgCode>)');
    const full = path.resolve(io.cwd, file);
    const size = await stat(full).then(
      (s) => s.size,
      () => {
        throw new CliError(`cannot read ${file}`);
      },
    );
    const base = baseUrl(values, io.env);
    const query = new URLSearchParams({
      wait: '5',
      ...(values.mode ? { mode: values.mode } : {}),
      ...(values['type-id'] ? { orgSpecificCertificateTypeId: values['type-id'] } : {}),
    });
    io.stderr.write(`uploading ${file} (${size.toLocaleString('en-US')} bytes, ${contentType})\n`);
    const body = Readable.toWeb(createReadStream(full)) as ReadableStream<Uint8Array>;
    const created = await call<Task>(base, 'POST', `/municipal/v1/registration-tasks?${query}`, { token, body, contentType });
    let lastShown = -1;
    const finished = await waitForTask(base, token, created, (t) => {
      if (t.counts.processed === lastShown) return;
      lastShown = t.counts.processed;
      io.stderr.write(`task ${t.id} ${t.status}: ${t.counts.processed}/${t.counts.received} processed\n`);
    });
    if (values.json) printJson(io, finished);
    else io.stdout.write(`${taskSummary(finished)}\n`);
    if (finished.status === 'succeeded') return 0;
    io.stderr.write(
      finished.status === 'failed'
        ? `the task failed\n`
        : `some records were rejected: GET /municipal/v1/registration-tasks/${finished.id}/results?status=rejected\n`,
    );
    return 1;
  },
};
