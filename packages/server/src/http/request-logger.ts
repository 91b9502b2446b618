import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

type Write = (...args: unknown[]) => void;

/**
 * `request.log` that becomes a pino child logger only when a line is actually written.
 *
 * pino's child() serialises its bindings when it is called, and with redaction paths that
 * contain wildcards (logger.ts) every binding goes through the redaction walker: on the token
 * endpoint that was about 8% of all memory allocated per request, for a logger that a
 * successful request never writes to. The bindings and options are kept as given, so a line,
 * when one is written, is exactly what the eager child would have written.
 */
export class LazyChildLogger implements FastifyBaseLogger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get real(): Logger {
    this.#child ??= this.parent.child(this.bindings, this.options);
    return this.#child;
  }

  private write(level: Level, args: unknown[]): void {
    // Checked on the parent: no line at this level means no child is needed at all.
    if (this.#child === undefined && !this.parent.isLevelEnabled(level)) return;
    (this.real[level] as Write).apply(this.real, args);
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/**
 * Fastify's childLoggerFactory: lazy children, except for a route with a log level of its
 * own, whose child must exist to carry that level.
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (options.level !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(logger as Logger, bindings, options);
}
