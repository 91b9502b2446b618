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
    // Fastify's request line, but no credential in a URL reaches a log (redactUrl). And its
    // "request completed" line: the status only, not the whole reply object (which would carry
    // the raw request's URL, its cookies and the response's Set-Cookie).
    serializers: {
      req: requestLine,
      res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
    },
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
 * URLs that carry a credential are logged with it as `[redacted]`: the token of a mailed link
 * (invitations, password resets, address verifications: its path; `/password-reset/sent` and
 * `/done` carry none), a login request's challenge (the operator API's path), and login
 * delegation's `login_challenge` and `login_verifier` (a query).
 */
export function redactUrl(url: string | undefined): string | undefined {
  return url
    ?.replace(
      /^\/(invitations|password-reset|verify-email)\/(?!(?:sent|done)(?:[?#]|$))[^/?#]+/,
      '/$1/[redacted]',
    )
    .replace(/^\/api\/v1\/login-requests\/[^/?#]+/, '/api/v1/login-requests/[redacted]')
    .replace(/([?&]login_(?:challenge|verifier)=)[^&#]*/g, '$1[redacted]');
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
