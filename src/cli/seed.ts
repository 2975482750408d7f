import { parseArgs } from 'node:util';
import { adminToken, baseUrl, errorText } from './api.js';
import { UsageError, type CliIo, type Command } from './command.js';

const usage = `Usage: pmh-sandbox seed --scenario <name> [--url <url>] [--admin-token <token>]

Loads a named scenario into a running sandbox (POST /sandbox/v1/scenarios/{name})
and prints its answer: the credentials issued, the cards and what each is meant
to show, the registration tasks.

Options:
  -s, --scenario <name>     pilot-municipalities, edge-cases, copayment-cases or load:<count>
      --url <url>           the sandbox (default $PMH_SANDBOX_URL, else
                            http://127.0.0.1:3000)
      --admin-token <token> sandbox admin token (default $SANDBOX_ADMIN_TOKEN)
  -h, --help                this text

Examples:
  pmh-sandbox seed --scenario edge-cases
  pmh-sandbox seed --scenario load:100000 --url http://127.0.0.1:3000 --admin-token "$ADMIN"
`;

const SCENARIO = /^(pilot-municipalities|edge-cases|copayment-cases|load:[1-9][0-9]{0,6})$/;

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string', short: 's' },
      url: { type: 'string' },
      'admin-token': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    io.stdout.write(usage);
    return 0;
  }
  if (!values.scenario) throw new UsageError('--scenario is required (pilot-municipalities, edge-cases, copayment-cases or load:<count>)');
  if (!SCENARIO.test(values.scenario))
    throw new UsageError(`--scenario must be pilot-municipalities, edge-cases, copayment-cases or load:<count>, got ${JSON.stringify(values.scenario)}`);
  const base = baseUrl(values, io.env);
  const token = adminToken(values, io.env);

  let res: Response;
  try {
    res = await fetch(`${base}/sandbox/v1/scenarios/${encodeURIComponent(values.scenario)}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  } catch (err) {
    io.stderr.write(`pmh-sandbox seed: cannot reach ${base}: ${errorText(err)}\n`);
    return 1;
  }
  const text = await res.text();
  if (!res.ok) {
    io.stderr.write(`pmh-sandbox seed: ${res.status} ${text}\n`);
    return 1;
  }
  io.stdout.write(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
  if (res.status === 202) io.stderr.write('registration tasks are still running: poll GET /municipal/v1/registration-tasks/{id} with the municipal token\n');
  return 0;
}

export const seedCommand: Command = {
  name: 'seed',
  summary: 'load a named scenario into a running sandbox (POST /sandbox/v1/scenarios/{name})',
  usage,
  run,
};
