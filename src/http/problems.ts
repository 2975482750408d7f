/**
 * Every problem code this API answers, defined once: its HTTP status, its title (the same for every
 * occurrence, as RFC 9457 asks) and a one-line meaning for the docs. Occurrence-specific text goes in
 * `detail`; field-level reasons go in `errors[].code` (field error codes, not listed here).
 *
 * `framework: true` marks codes any route can answer (request guards, body parsing, validation, routing,
 * the fault hook in front of PMH routes, the error handler itself): routes need not declare them, though they
 * declare those they want documented (validation_failed nearly everywhere).
 *
 * Field error codes are listed (`fieldCodes`) where the docs name them with their problem.
 *
 * Injected faults (POST /sandbox/v1/faults, `Prefer: sandbox-fault=…`) answer codes chosen by the caller and are
 * not in this registry; the maintenance window's pmh_maintenance is.
 */
export interface ProblemDefinition {
  readonly status: number;
  readonly title: string;
  readonly meaning: string;
  readonly framework?: true;
  /** Field error codes (`errors[].code`) this problem carries, when the docs should name them. */
  readonly fieldCodes?: readonly string[];
}

export const PROBLEMS = {
  // Framework-wide: guards, parsing, validation, routing, the error handler.
  validation_failed: {
    status: 400,
    title: 'The request is invalid',
    meaning: 'a parameter, header or body field fails its schema; see errors',
    framework: true,
  },
  malformed_json: { status: 400, title: 'The request body is not valid JSON', meaning: 'the JSON body cannot be parsed', framework: true },
  empty_body: { status: 400, title: 'The request body is empty', meaning: 'a body is required but none was sent', framework: true },
  invalid_content_length: {
    status: 400,
    title: 'Content-Length does not match the body',
    meaning: 'the body is shorter or longer than Content-Length',
    framework: true,
  },
  body_too_large: {
    status: 413,
    title: 'The request body is larger than the configured limit',
    meaning: 'the body exceeds the server’s body limit',
    framework: true,
  },
  unsupported_media_type: { status: 415, title: 'Unsupported content type', meaning: 'the Content-Type is not one the operation reads', framework: true },
  unsupported_charset: {
    status: 415,
    title: 'Unsupported character set',
    meaning: 'a charset other than UTF-8 is declared (a CSV upload may also be Shift_JIS / windows-31j / cp932)',
    framework: true,
  },
  bad_url: { status: 400, title: 'The request URL is malformed', meaning: 'the URL cannot be decoded', framework: true },
  path_parameter_too_long: { status: 414, title: 'A path parameter is longer than 100 characters', meaning: 'a path parameter is too long', framework: true },
  bad_request: { status: 400, title: 'Bad request', meaning: 'another client error (the status may be any 4xx)', framework: true },
  request_aborted: { status: 400, title: 'The client aborted the request', meaning: 'the client went away mid-request', framework: true },
  missing_host: { status: 400, title: 'The Host header is missing', meaning: 'an HTTP/1.1 request without Host', framework: true },
  duplicate_authorization: { status: 400, title: 'More than one Authorization header', meaning: 'which credential was meant is unknowable', framework: true },
  malformed_request: { status: 400, title: 'Malformed HTTP request', meaning: 'Node’s HTTP parser refused the request', framework: true },
  headers_too_large: { status: 431, title: 'Request headers too large', meaning: 'the request headers exceed Node’s limit', framework: true },
  pmh_maintenance: {
    status: 503,
    title: 'PMH is in scheduled maintenance',
    meaning: 'the sandbox maintenance window is open (any PMH route; injected: { by: "maintenance" })',
    framework: true,
  },
  expectation_failed: { status: 417, title: 'Expectation not supported', meaning: 'an Expect header other than 100-continue', framework: true },
  route_not_found: { status: 404, title: 'No such route', meaning: 'no route has this method and path', framework: true },
  internal_error: { status: 500, title: 'Internal server error', meaning: 'a bug or an unexpected failure; logged', framework: true },

  // Authentication.
  unauthenticated: { status: 401, title: 'Authentication required', meaning: 'no bearer token was sent' },
  invalid_token: { status: 401, title: 'Unknown or revoked token', meaning: 'the bearer token is not a valid token for this API' },
  wrong_token_kind: {
    status: 401,
    title: 'The token is of another kind',
    meaning: 'a valid token of another kind (e.g. a municipality token on /clinic/v1); detail names the kind sent and the kind needed',
  },

  // Shared by list endpoints and health.
  invalid_cursor: { status: 400, title: 'The cursor is not one this API issued', meaning: 'pass the nextCursor of the previous page unchanged' },
  not_ready: { status: 503, title: 'Not ready', meaning: 'the database is unreachable or migrations are pending' },

  // Catalogue, credentials, institutions, cards.
  program_not_found: { status: 404, title: 'No national program has this 法別番号', meaning: 'the 法別番号 is not a national program' },
  invalid_local_gov_code: { status: 400, title: 'Not a valid 全国地方公共団体コード', meaning: 'the 地方公共団体コード fails its format or check digit' },
  municipality_not_found: { status: 404, title: 'No 地方公共団体 has this code', meaning: 'the code is not in the catalogue' },
  invalid_medical_institution_code: { status: 400, title: 'Not a valid 医療機関コード', meaning: 'the 医療機関コード fails its format or check digit' },
  institution_kind_mismatch: { status: 400, title: 'The kind does not match the 医療機関コード', meaning: 'kind disagrees with the 点数表 digit' },
  invalid_my_number: { status: 400, title: 'Not a valid 個人番号', meaning: 'the 個人番号 fails its format or check digit' },
  registered_person_not_found: {
    status: 404,
    title: 'No registered person matches',
    meaning: 'no registration has this municipality, certificate type and 受給者番号',
  },
  registered_person_ambiguous: {
    status: 422,
    title: 'Several registered persons match',
    meaning: 'registrations of different persons share this municipality, certificate type and 受給者番号; give myNumber',
  },

  // Certificate types.
  certificate_type_not_found: { status: 404, title: 'No such certificate type', meaning: 'the municipality has no certificate type with this id' },
  certificate_type_in_use: { status: 409, title: 'The certificate type has registered records', meaning: 'delete its records first' },
  unknown_law_code: { status: 422, title: 'The 法別番号 is not a national program', meaning: 'lawCode is not in the catalogue' },
  implementer_not_allowed: {
    status: 422,
    title: 'This municipality does not implement that program',
    meaning: 'the municipality cannot implement the program',
  },
  insurer_number_wrong_prefecture: { status: 422, title: 'A 公費負担者番号 belongs to another prefecture', meaning: 'a 公費負担者番号 of another prefecture' },
  insurer_number_wrong_law_code: { status: 422, title: 'A 公費負担者番号 has another 法別番号', meaning: 'a 公費負担者番号 of another program' },
  insurer_number_invalid: { status: 422, title: 'A 公費負担者番号 has a wrong check digit', meaning: 'a 公費負担者番号 fails its check digit' },
  duplicate_code: { status: 422, title: 'A code is defined twice', meaning: 'a code of the type is defined twice' },
  invalid_copayment_rules: {
    status: 422,
    title: 'The charging rules contradict themselves or the type',
    meaning: 'a copaymentRules row has ageMin above ageMax or names a 所得区分 the type does not define',
  },

  // Registrations.
  not_an_array: { status: 400, title: 'The body must be a JSON array of records', meaning: 'a JSON upload that is not an array' },
  not_an_object: { status: 400, title: 'Every element of the array must be a record object', meaning: 'an element of a JSON upload is not an object' },
  empty_batch: { status: 400, title: 'The upload contains no records', meaning: 'an upload without records' },
  invalid_utf8: { status: 400, title: 'The body is not valid UTF-8', meaning: 'a JSON or CSV upload holds invalid UTF-8' },
  invalid_shift_jis: {
    status: 400,
    title: 'The body is not valid Shift_JIS',
    meaning: 'a CSV upload labelled Shift_JIS holds bytes that are not Shift_JIS (CP932), or is UTF-8',
  },
  invalid_csv_header: {
    status: 400,
    title: 'The CSV header is not a valid list of PMH field names',
    meaning: 'the CSV header row is missing or names unknown fields',
    fieldCodes: ['missing_header', 'missing_column', 'unknown_column', 'duplicate_column'],
  },
  malformed_csv: { status: 400, title: 'The CSV cannot be parsed', meaning: 'the CSV is not well-formed' },
  upload_idle_timeout: { status: 408, title: 'The upload sent nothing for too long', meaning: 'a streamed body sent nothing for UPLOAD_IDLE_TIMEOUT_MS' },
  idempotency_key_reused: {
    status: 409,
    title: 'This Idempotency-Key was used with a different request',
    meaning: 'the key was used with another body or mode',
  },
  upload_too_large: { status: 413, title: 'The upload is larger than the configured limit', meaning: 'the upload exceeds UPLOAD_LIMIT_BYTES' },
  too_many_records: { status: 413, title: 'The upload has more records than the configured limit', meaning: 'the upload exceeds the record limit' },
  unknown_certificate_type: {
    status: 422,
    title: 'The certificate type to replace is not defined',
    meaning: 'mode=replace names an undefined certificate type',
  },
  too_many_uploads: {
    status: 429,
    title: 'Too many uploads of this municipality at once',
    meaning: 'UPLOAD_MAX_IN_FLIGHT_PER_MUNICIPALITY uploads in progress',
  },
  uploads_busy: { status: 503, title: 'Too many uploads at once', meaning: 'UPLOAD_MAX_IN_FLIGHT uploads in progress' },
  task_not_found: { status: 404, title: 'No registration task with this id', meaning: 'the municipality has no task with this id' },

  // Eligibility.
  unknown_certificate_serial: { status: 422, title: 'No card has this 電子証明書 serial number', meaning: 'no card has this serial number' },
  certificate_expired: { status: 422, title: 'The card’s 電子証明書 has expired', meaning: 'the card’s certificate has expired' },
  certificate_revoked: { status: 422, title: 'The card’s 電子証明書 has been revoked (失効)', meaning: 'the card’s certificate has been revoked' },

  // Simulated cards and their PIN (マイナポータル).
  card_not_found: { status: 404, title: 'No simulated card has this serial number', meaning: 'no card has this 電子証明書 serial number' },
  pin_incorrect: {
    status: 401,
    title: 'The PIN is wrong',
    meaning: 'the card’s PIN (暗証番号) is not the one given; detail and errors[0] say how many tries are left before the card locks',
  },
  card_locked: {
    status: 423,
    title: 'The card’s 利用者証明用電子証明書 is locked',
    meaning: '3 wrong PINs in a row locked it (the try that locks it included); a PIN reset unlocks it',
  },

  eligibility_check_not_found: { status: 404, title: 'No eligibility check has this checkId', meaning: 'no check (of this institution) has this checkId' },

  // 上限額管理 (provisional).
  subsidy_ref_not_found: {
    status: 404,
    title: 'No subsidy with this subsidyRef was returned to this institution',
    meaning: 'no consented eligibility check of this institution returned this subsidyRef',
  },
  subsidy_not_valid_on_service_date: {
    status: 422,
    title: 'The subsidy is not valid on the service date',
    meaning: 'the certificate has no disclosed record valid on serviceDate',
  },
  institution_not_designated: {
    status: 403,
    title: 'This institution is not one of the record’s 指定医療機関',
    meaning: 'the record lists 指定医療機関 and the institution is not one of them',
  },
  copayment_record_conflict: {
    status: 409,
    title: 'This visitId was already recorded with a different body',
    meaning: 'the same visitId and subsidyRef were recorded with another body; correct the line with PUT',
  },
  copayment_cap_exceeded: {
    status: 409,
    title: 'The charge exceeds what is left of the monthly cap',
    meaning: 'the line would take the month’s accumulated amount above the 自己負担上限額 (another line took it first)',
  },
  copayment_record_not_found: {
    status: 404,
    title: 'No line has this visitId',
    meaning: 'the institution recorded no line with this visitId (and subsidyRef)',
  },
  copayment_record_ambiguous: {
    status: 409,
    title: 'This visitId has lines under several subsidyRefs',
    meaning: 'the visit has lines under more than one subsidyRef; pass subsidyRef',
  },

  // Webhooks.
  webhook_endpoint_not_found: { status: 404, title: 'No webhook endpoint with this id', meaning: 'the municipality has no endpoint with this id' },
  webhook_delivery_not_found: { status: 404, title: 'No delivery with this id for this endpoint', meaning: 'the endpoint has no delivery with this id' },
  too_many_webhook_endpoints: { status: 422, title: 'Too many webhook endpoints', meaning: 'the municipality has the most endpoints allowed' },
  webhook_url_refused: { status: 422, title: 'The webhook URL is refused', meaning: 'the URL breaks a rule of the webhook URL policy' },

  // Sandbox administration.
  invalid_prefer_header: {
    status: 400,
    title: 'Malformed sandbox preference in the Prefer header',
    meaning: 'a Prefer: sandbox-… preference cannot be read (any PMH route)',
    framework: true,
  },
  fault_not_found: { status: 404, title: 'No fault has this id', meaning: 'no fault has this id' },
  expires_in_past: { status: 422, title: 'expiresAt is not after now', meaning: 'expiresAt is not after the sandbox clock’s now' },
  too_many_faults: { status: 422, title: 'Too many faults', meaning: 'the most faults allowed are defined' },
  invalid_maintenance_window: { status: 422, title: 'from must be before until', meaning: 'until is not after from' },
  maintenance_window_in_past: { status: 422, title: 'The window has already ended', meaning: 'until is not after the sandbox clock’s now' },
  conflicting_reset_scope: { status: 400, title: 'Give municipality or institution, not both', meaning: 'both scopes were given' },
  reset_busy: { status: 409, title: 'Tenant data is busy', meaning: 'a task or another reset held the tables too long' },
} as const satisfies Record<string, ProblemDefinition>;

export type ProblemCode = keyof typeof PROBLEMS;

export const isProblemCode = (code: string): code is ProblemCode => Object.hasOwn(PROBLEMS, code);
