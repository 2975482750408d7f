/**
 * `pmh-sandbox quickstart`: the README's quickstart as one command against a running sandbox — a municipal
 * token, a certificate type that fits generated records (the generator's preset definition), generated records
 * valid today by the sandbox clock, an institution, a card for one registered person and a check that returns
 * their subsidy. Each step is printed with its curl equivalent.
 */
import { parseArgs } from 'node:util';
import { completeMedicalInstitutionCode, medicalInstitutionKind } from '../domain/numbers.js';
import { formatRecords } from '../synthetic/format.js';
import { createGenerator } from '../synthetic/generator.js';
import { syntheticMunicipality } from '../synthetic/municipality.js';
import { PRESETS, presetCertificateType } from '../synthetic/presets.js';
import { subsidyLine, taskSummary, waitForTask, type Subsidy, type Task } from './admin.js';
import { adminToken, baseUrl, call, printJson, sandboxToday, targetOptions, targetUsage } from './api.js';
import { UsageError, type CliIo, type Command } from './command.js';

const usage = `Usage: pmh-sandbox quickstart [options]

Against a running sandbox, does what the README's quickstart does, printing each
step with its curl equivalent and the tokens it made:
  1. a token for the municipality
  2. PUT the certificate type of the generator's preset (as generate --print-type)
  3. upload generated records valid today by the sandbox clock (NDJSON)
  4. a medical institution (the 指定医療機関 of the records) and its token
  5. a card for one registered person (by municipality, type and 受給者番号)
  6. an eligibility check of that card, which returns the person's subsidy
Running it again re-registers the same records (unchanged) and issues new tokens.

Options:
  -m, --municipality <lgCode>  (default 130001 東京都)
  -t, --type <preset>          ${Object.keys(PRESETS).join(', ')} (default nanbyo54)
  -n, --count <n>              records to upload (default 20)
      --institution <code>     医療機関コード of the clinic (default: one in the
                               municipality's prefecture, 1311234566 for 東京都)
${targetUsage(31)}
  -h, --help                   this text
`;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...targetOptions,
      municipality: { type: 'string', short: 'm', default: '130001' },
      type: { type: 'string', short: 't', default: 'nanbyo54' },
      count: { type: 'string', short: 'n', default: '20' },
      institution: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  const municipality = syntheticMunicipality(values.municipality);
  if (!municipality) throw new UsageError(`--municipality ${values.municipality} is not a 全国地方公共団体コード of the catalogue`);
  const certificateType = presetCertificateType(values.type, municipality);
  if (!certificateType) throw new UsageError(`--type must be one of ${Object.keys(PRESETS).join(', ')}`);
  const count = Number(values.count);
  if (!/^\d+$/.test(values.count) || count < 1 || count > 100_000) throw new UsageError('--count must be a whole number from 1 to 100000');
  const institutionCode = values.institution ?? completeMedicalInstitutionCode(`${municipality.prefectureCode}1123456`);
  const institutionKind = medicalInstitutionKind(institutionCode);
  if (!institutionKind) throw new UsageError(`--institution ${institutionCode} is not a 10-digit 医療機関コード`);

  const base = baseUrl(values, io.env);
  const admin = adminToken(values, io.env);
  const quiet = values.json === true;
  const step = (n: number, title: string, curl: string) => {
    if (!quiet) io.stdout.write(`\n# ${n}. ${title}\n$ ${curl}\n`);
  };
  const say = (text: string) => {
    if (!quiet) io.stdout.write(`${text}\n`);
  };
  const typeId = certificateType.id;
  const code = municipality.code;

  step(
    1,
    `a token for ${municipality.name} (${code})`,
    `curl -s -X POST ${base}/sandbox/v1/municipalities/${code}/credentials -H "authorization: Bearer $ADMIN"`,
  );
  const muni = await call<{ token: string }>(base, 'POST', `/sandbox/v1/municipalities/${code}/credentials`, { token: admin });
  say(`MUNI=${muni.token}`);

  step(
    2,
    `the certificate type ${typeId} the generated records fit`,
    `npx pmh-sandbox generate --type ${values.type} --municipality ${code} --print-type > type.json\n` +
      `$ curl -s -X PUT ${base}/municipal/v1/certificate-types/${typeId} -H "authorization: Bearer $MUNI" -H 'content-type: application/json' --data-binary @type.json`,
  );
  await call(base, 'PUT', `/municipal/v1/certificate-types/${typeId}`, { token: muni.token, json: certificateType.definition });
  say(`defined ${typeId}: ${certificateType.definition.name}`);

  const today = await sandboxToday(base, admin);
  step(
    3,
    `${count} generated records valid today (${today} by the sandbox clock)`,
    `npx pmh-sandbox generate --count ${count} --format ndjson --type ${values.type} --municipality ${code} --institutions ${institutionCode} --seed quickstart --reference-date ${today} > records.ndjson\n` +
      `$ curl -s -X POST '${base}/municipal/v1/registration-tasks?wait=30' -H "authorization: Bearer $MUNI" -H 'content-type: application/x-ndjson' --data-binary @records.ndjson`,
  );
  const generator = createGenerator({ seed: 'quickstart', referenceDate: today, municipality, certificateType, institutionCodes: [institutionCode] });
  const ndjson = [...formatRecords(generator.records(count), 'ndjson')].join('');
  const created = await call<Task>(base, 'POST', '/municipal/v1/registration-tasks?wait=30', {
    token: muni.token,
    body: ndjson,
    contentType: 'application/x-ndjson',
  });
  const task = await waitForTask(base, muni.token, created, () => undefined);
  say(taskSummary(task));
  if (task.status !== 'succeeded') {
    io.stderr.write(`pmh-sandbox quickstart: the upload was not fully accepted: GET /municipal/v1/registration-tasks/${task.id}/results?status=rejected\n`);
    return 1;
  }

  step(
    4,
    `a medical institution ${institutionCode} and its token`,
    `curl -s -X POST ${base}/sandbox/v1/medical-institutions -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' ` +
      `-d '{"code":"${institutionCode}","name":"サンドボックス医院","kind":"${institutionKind}"}'`,
  );
  const clinic = await call<{ token: string }>(base, 'POST', '/sandbox/v1/medical-institutions', {
    token: admin,
    json: { code: institutionCode, name: 'サンドボックス医院', kind: institutionKind },
  });
  say(`CLINIC=${clinic.token}`);

  step(
    5,
    'a card for one registered person, found by read-back (the 個人番号 is masked there)',
    `curl -s '${base}/municipal/v1/recipients?orgSpecificCertificateTypeId=${typeId}&validOn=${today}&limit=1' -H "authorization: Bearer $MUNI"\n` +
      `$ curl -s -X POST ${base}/sandbox/v1/cards -H "authorization: Bearer $ADMIN" -H 'content-type: application/json' ` +
      `-d '{"municipality":"${code}","orgSpecificCertificateTypeId":"${typeId}","medicalSubsidyRecipientNumber":"<from read-back>"}'`,
  );
  const page = await call<{ items: { medicalSubsidyRecipientNumber: string | null; isNotDisclosed: boolean }[] }>(
    base,
    'GET',
    `/municipal/v1/recipients?orgSpecificCertificateTypeId=${typeId}&validOn=${today}&limit=1`,
    { token: muni.token },
  );
  const person = page.items.find((r) => r.medicalSubsidyRecipientNumber !== null && !r.isNotDisclosed);
  if (!person) throw new UsageError(`no registered ${typeId} record with a 受給者番号 is valid on ${today}`);
  const card = await call<{ certificateSerialNumber: string; name: string }>(base, 'POST', '/sandbox/v1/cards', {
    token: admin,
    json: { municipality: code, orgSpecificCertificateTypeId: typeId, medicalSubsidyRecipientNumber: person.medicalSubsidyRecipientNumber },
  });
  say(`受給者番号 ${person.medicalSubsidyRecipientNumber}: card ${card.certificateSerialNumber} (${card.name})`);

  step(
    6,
    'the eligibility check, as the clinic (serviceDate: today by the sandbox clock)',
    `curl -s -X POST ${base}/clinic/v1/eligibility-checks -H "authorization: Bearer $CLINIC" -H 'content-type: application/json' ` +
      `-d '{"certificateSerialNumber":"${card.certificateSerialNumber}","consent":{"medicalSubsidy":true}}'`,
  );
  const check = await call<{ checkId: string; medicalSubsidies: Subsidy[] }>(base, 'POST', '/clinic/v1/eligibility-checks', {
    token: clinic.token,
    json: { certificateSerialNumber: card.certificateSerialNumber, consent: { medicalSubsidy: true } },
  });
  for (const s of check.medicalSubsidies) say(subsidyLine(s));
  if (quiet) {
    printJson(io, {
      municipalityToken: muni.token,
      institutionToken: clinic.token,
      orgSpecificCertificateTypeId: typeId,
      referenceDate: today,
      task,
      card,
      check,
    });
  }
  return check.medicalSubsidies.length > 0 ? 0 : 1;
}

export const quickstartCommand: Command = {
  name: 'quickstart',
  summary: 'register generated people, issue a card and check it, printing each step as curl',
  usage,
  run,
};
