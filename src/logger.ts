import { LogController, type FastifyBaseLogger } from 'fastify';
import { destination, stdSerializers, type Bindings, type ChildLoggerOptions, type DestinationStream, type LoggerOptions } from 'pino';
import { maskPersonalText } from './domain/personal-text.js';

/**
 * Paths that may carry personal data (個人番号, 基本5情報) or credentials (tokens, a card's PIN).
 * Logs must never contain them, whatever shape a body or error takes.
 */
const personalKeys = ['myNumber', 'name', 'nameKana', 'address', 'dateOfBirth', 'basicFiveInfo', 'token', 'authorization', 'pin'];

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body',
  'res.body',
  // pino has no recursive wildcard: cover the key at the top level and up to three objects deep.
  ...personalKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  // A PostgreSQL error's detail quotes the values of the row it is about, e.g. "Key (…, my_number, …)=(…)".
  'err.detail',
  'err.cause.detail',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    // Last guard: a message (or an error's message and stack) never carries a digit run or a
    // percent-encoded name (maskPersonalText; strings with no candidate are returned at once).
    hooks: {
      logMethod(args, method) {
        for (let i = 0; i < args.length; i++) {
          const a: unknown = args[i];
          if (typeof a === 'string') args[i] = maskPersonalText(a);
        }
        return method.apply(this, args);
      },
    },
    serializers: { err: maskedError },
  };
}

/** Bytes of log lines gathered before a write starts, and the longest a line waits for others. */
const LOG_BATCH_BYTES = 8192;
const LOG_BATCH_MS = 10;

/**
 * The service's log output (stdout): its lines written in batches. pino's default destination starts
 * a write for almost every line — under load one per request, each a job for libuv's thread pool and a
 * wake-up of the event loop when done (measured in bench/eligibility.ts: ~40 µs of the event loop per
 * check, more of the machine's). Here lines gather until 8 kB or 10 ms, whichever comes first; the
 * lines and their order are unchanged, and pino writes what is left synchronously when the process exits.
 */
export function logDestination(fd = 1): DestinationStream {
  const out = destination({ dest: fd, minLength: LOG_BATCH_BYTES, sync: false });
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    try {
      out.flush();
    } catch {
      // Ended (the process is exiting): what was left has been written by then.
    }
  };
  const write = out.write.bind(out);
  out.write = (line: string) => {
    const belowLimit = write(line);
    if (timer === undefined) {
      timer = setTimeout(flush, LOG_BATCH_MS);
      timer.unref();
    }
    return belowLimit;
  };
  return out;
}

/** pino's error serializer, with the message and stack masked (maskPersonalText). */
export function maskedError(err: Error): ReturnType<typeof stdSerializers.err> {
  const out = stdSerializers.err(err);
  if (typeof out.message === 'string') out.message = maskPersonalText(out.message);
  if (typeof out.stack === 'string') out.stack = maskPersonalText(out.stack);
  return out;
}

/**
 * Fastify's log controller with its own two request lines ("incoming request", "request completed") off: the access
 * log writes one line per request instead (src/http/access-log.ts). The `logController` option, not the deprecated
 * top-level `disableRequestLogging` (FSTDEP023, a warning at every start).
 */
export const accessLogOnlyController = () => new LogController({ disableRequestLogging: true });

type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogArgs = Parameters<FastifyBaseLogger['info']>;

/**
 * A request's logger that makes its pino child (the `reqId` binding) only when the request first
 * writes a line at an enabled level. Fastify makes a child per request, and pino runs the redaction
 * of `redactPaths` (wildcards included) over the child's bindings: measured in bench/eligibility.ts,
 * a few percent of a cheap request's CPU, spent on requests that mostly log nothing.
 */
class LazyChildLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings));
  }

  private write(level: LogLevel, args: LogArgs) {
    if (this.made === undefined && !isLevelEnabled(this.parent, level)) return;
    this.real[level](...args);
  }

  get level(): string {
    return this.made?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  fatal(...args: LogArgs) {
    this.write('fatal', args);
  }
  error(...args: LogArgs) {
    this.write('error', args);
  }
  warn(...args: LogArgs) {
    this.write('warn', args);
  }
  info(...args: LogArgs) {
    this.write('info', args);
  }
  debug(...args: LogArgs) {
    this.write('debug', args);
  }
  trace(...args: LogArgs) {
    this.write('trace', args);
  }
  silent() {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

function isLevelEnabled(logger: FastifyBaseLogger, level: LogLevel): boolean {
  const check = (logger as { isLevelEnabled?: (l: string) => boolean }).isLevelEnabled;
  return typeof check === 'function' ? check.call(logger, level) : true;
}

/** Fastify's childLoggerFactory: a LazyChildLogger, unless a route sets its own log level (then pino's child at once). */
export const lazyChildLoggerFactory = (logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger =>
  options.level !== undefined ? logger.child(bindings, options) : new LazyChildLogger(logger, bindings);
