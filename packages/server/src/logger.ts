import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * pino, pretty on a terminal and JSON otherwise. Redaction is a second line of defence:
 * no code logs secrets or tokens on purpose, and these paths catch an accident.
 */
export function createLogger(
  level: string,
  opts: { pretty?: boolean; destination?: DestinationStream } = {},
): Logger {
  const pretty = opts.destination === undefined && (opts.pretty ?? process.stdout.isTTY === true);
  const options: LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        '*.client_secret',
        '*.clientSecret',
        '*.access_token',
        '*.refresh_token',
        '*.code',
        '*.password',
      ],
      censor: '[redacted]',
    },
    // Fastify's request line, but the token of an invitation link never reaches a log.
    serializers: { req: requestLine },
    ...(pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
          },
        }
      : {}),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * The paths of mailed links (invitations, password resets, address verifications) carry their
 * token (a credential): logged as `[redacted]`. `/password-reset/sent` and `/done` carry none.
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url?.replace(
    /^\/(invitations|password-reset|verify-email)\/(?!(?:sent|done)(?:[?#]|$))[^/?#]+/,
    '/$1/[redacted]',
  );
}

function requestLine(req: LoggedRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
