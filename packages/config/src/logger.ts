import { type Logger, type LoggerOptions, pino } from 'pino';
import { REDACTED, redactDeep, redactString } from './redact.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions {
  /** Component name, e.g. `control-api`; appears as `name` on every line. */
  name: string;
  /** pino level; default `info`. */
  level?: string;
  /** Human-readable output; default: only when stdout is a TTY. */
  pretty?: boolean;
  /** Where lines go; default stdout. Tests pass a stream to capture output. */
  destination?: NodeJS.WritableStream;
}

/**
 * The one way Voxie creates loggers: pino, structured fields, secrets redacted at any depth
 * (see `redact.ts`), pretty output only on a TTY.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const pretty =
    options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const config: LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    formatters: {
      // Runs before serializers: errors are turned into plain, redacted objects here...
      log: (object) => redactDeep(object) as Record<string, unknown>,
    },
    // ...so the error serializers must not wrap them a second time.
    serializers: { err: keepAsIs, error: keepAsIs, req: serializeRequest, res: serializeResponse },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === 'string' ? redactString(arg) : arg));
        return method.apply(this, masked as Parameters<typeof method>);
      },
    },
  };
  if (pretty) {
    return pino({ ...config, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return options.destination ? pino(config, options.destination) : pino(config);
}

function keepAsIs(value: unknown): unknown {
  return value;
}

interface RequestLike {
  id?: unknown;
  method?: string;
  url?: string;
  hostname?: string;
  ip?: string;
}

/** An HTTP request as one line: no headers, and no credentials left in the URL. */
function serializeRequest(req: RequestLike): Record<string, unknown> {
  return {
    method: req.method,
    url:
      req.url === undefined
        ? undefined
        : redactString(
            req.url.replace(
              /([?&][^=&]*(?:token|key|secret|signature)[^=&]*=)[^&]*/gi,
              `$1${REDACTED}`,
            ),
          ),
    host: req.hostname,
    remoteAddress: req.ip,
  };
}

function serializeResponse(res: { statusCode?: number }): Record<string, unknown> {
  return { statusCode: res.statusCode };
}
