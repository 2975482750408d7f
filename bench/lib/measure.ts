import autocannon from 'autocannon';

export interface MeasureRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface MeasureOptions {
  /** Loopback URL of the target (http://127.0.0.1:…). */
  url: string;
  connections: number;
  durationSeconds: number;
  /** Optional request sequence each connection cycles through (autocannon `requests`); defaults to GET url. */
  requests?: MeasureRequest[];
}

export interface Measurement {
  /** Mean of the per-second request counts. */
  requestsPerSec: number;
  /** Latency percentiles, milliseconds. */
  p50: number;
  p99: number;
  /** Responses outside 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Completed responses. */
  total: number;
  durationSeconds: number;
  statusCodes: Record<string, number>;
}

export class MeasureError extends Error {
  constructor(
    message: string,
    readonly measurement: Measurement,
  ) {
    super(message);
    this.name = 'MeasureError';
  }
}

/** Per-request timeout: a stuck request counts as an error instead of stalling the run. */
const REQUEST_TIMEOUT_SECONDS = 10;

/**
 * Loads `url` with autocannon for a bounded time and summarises the run.
 * The load generator runs in a worker thread (autocannon `workers: 1`) so it does
 * not share the event loop of servers running in this process.
 * Rejects with a MeasureError when any response was not 2xx or any request failed:
 * a benchmark of errors measures nothing.
 */
export async function measure(opts: MeasureOptions): Promise<Measurement> {
  const target = new URL(opts.url);
  if (target.hostname !== '127.0.0.1') throw new Error(`benchmarks run over loopback only, got ${opts.url}`);
  if (!(opts.durationSeconds > 0)) throw new Error(`durationSeconds must be positive, got ${opts.durationSeconds}`);

  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.durationSeconds,
        timeout: REQUEST_TIMEOUT_SECONDS,
        workers: 1,
        ...(opts.requests ? { requests: opts.requests } : {}),
        renderProgressBar: false,
        renderResultsTable: false,
        renderLatencyTable: false,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });

  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const measurement: Measurement = {
    requestsPerSec: result.requests.mean,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    total: result.latency.totalCount,
    durationSeconds: result.duration,
    statusCodes,
  };
  if (measurement.non2xx > 0 || measurement.errors > 0) {
    throw new MeasureError(
      `${opts.url}: ${measurement.non2xx} non-2xx responses and ${measurement.errors} errors ` +
        `(${result.timeouts} timeouts) of ${measurement.total}; status codes ${JSON.stringify(statusCodes)}`,
      measurement,
    );
  }
  if (measurement.total === 0) throw new MeasureError(`${opts.url}: no response completed`, measurement);
  return measurement;
}
