/**
 * True when `err` says the database cannot be reached or cannot serve right now (as
 * opposed to a bug in a query): the HTTP layer answers those 503 with Retry-After, so
 * clients and load balancers back off and retry instead of treating them as a fault.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return true;
    // PostgreSQL SQLSTATE: 08 connection exception, 53 insufficient resources, 57P0x shutdown,
    // 57014 a statement cancelled (statement_timeout), 25P03 a session ended for idling in a
    // transaction (idle_in_transaction_session_timeout).
    if (/^(08[0-9A-Z]{3}|53[0-9A-Z]{3}|57P0[1-4]|57014|25P03)$/.test(code)) return true;
    // SQLite: locked past busy_timeout, disk I/O, cannot open, disk full.
    if (/^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY)/.test(code)) return true;
  }
  return MESSAGES.some((m) => err.message.includes(m));
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

const MESSAGES = [
  // Kysely, after the pool was closed (shutdown in progress).
  'driver has already been destroyed',
  // pg: the server went away mid-query, or the pool could not hand out a connection.
  'Connection terminated',
  'timeout exceeded when trying to connect',
  // pg: no answer within query_timeout (a partition: the socket is open, nothing comes back),
  // or none to the connection's startup within connectionTimeoutMillis.
  'Query read timeout',
  'timeout expired',
  'Client has encountered a connection error',
  // better-sqlite3 on a closed handle.
  'The database connection is not open',
];
