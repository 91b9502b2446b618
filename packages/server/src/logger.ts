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
