/** Where mail goes (docs/configuration.md, "Mail"). */
export interface MailConfig {
  /**
   * `SMTP_URL`: `smtp://[user:pass@]host[:port]` (STARTTLS when the server offers it) or
   * `smtps://…` (TLS from the start). Unset: mails are written to the log instead, so a demo
   * needs no mail server.
   */
  smtpUrl: string | undefined;
  /** `SMTP_FROM`: the sender, `address` or `Name <address>`. Default `PRODUCT <no-reply@ISSUER-HOST>` (the theme's product name). */
  from: string;
  /** `SMTP_TIMEOUT_MS`, default 10000: connecting, the greeting, and each wait on the server. */
  timeoutMs: number;
}

const ADDRESS = /^[^\s<>@]+@[^\s<>@]+$/;

function parseFrom(value: string): string {
  const named = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  const address = named ? named[1] : value.trim();
  if (!address || !ADDRESS.test(address))
    throw new Error(`SMTP_FROM must be an address or "Name <address>", got "${value}"`);
  return value.trim();
}

function parseSmtpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      'SMTP_URL must be a URL such as smtp://user:pass@mail.example:587 or smtps://mail.example',
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, got "${url.protocol}//"`);
  if (!url.hostname) throw new Error('SMTP_URL names no host');
  return value;
}

export function mailConfig(env: NodeJS.ProcessEnv, issuer: string, product = 'Gatehouse'): MailConfig {
  const timeout = env.SMTP_TIMEOUT_MS?.trim() ? Number(env.SMTP_TIMEOUT_MS) : 10_000;
  if (!Number.isInteger(timeout) || timeout < 1)
    throw new Error(
      `SMTP_TIMEOUT_MS must be a whole number of milliseconds of at least 1, got "${env.SMTP_TIMEOUT_MS}"`,
    );
  return {
    smtpUrl: env.SMTP_URL?.trim() ? parseSmtpUrl(env.SMTP_URL.trim()) : undefined,
    from: env.SMTP_FROM?.trim()
      ? parseFrom(env.SMTP_FROM)
      : `${product.replace(/["<>\\\r\n]/g, '')} <no-reply@${new URL(issuer).hostname}>`,
    timeoutMs: timeout,
  };
}
