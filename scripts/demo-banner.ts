import type { SeedResult } from '@gatehouse/server';

export interface BannerInput {
  seed: SeedResult;
  /** True when SMTP_URL is unset: the mails Gatehouse sends are written to the log. */
  mailToLog?: boolean;
  serverUrl: string;
  demoApiUrl: string;
  /** The token endpoint path printed: Connecteam's alias when it is served. */
  tokenPath: string;
}

/**
 * What `npm start` prints on stdout (not through the logger: it holds the demo secret,
 * and logs never may). The two curl commands are Connecteam's guide, steps 3 and 4, with
 * only the host changed; the start test runs them exactly as printed.
 */
export function demoBanner({ seed, serverUrl, demoApiUrl, tokenPath, mailToLog }: BannerInput): string {
  const c = seed.credentials;
  const users = c.users
    .map(
      (u) =>
        `    ${u.role.padEnd(7)} ${u.email}  password: ${u.password ?? '(set before this file existed)'}`,
    )
    .join('\n');
  const guides = (c.guides ?? [])
    .map((g) => `    ${g.guide.padEnd(12)} ${g.name.padEnd(24)} ${g.clientId}  (${g.summary})`)
    .join('\n');
  const partner = c.partnerAdmin
    ? `    partner ${c.partnerAdmin.email}  password: ${c.partnerAdmin.password ?? '(set before this file existed)'}  (admin of Demo Partner Inc., which owns the partner apps)\n`
    : '';
  const guideSection = guides
    ? `\nOne app per seed guide (secrets in the file below; test/seeds/ replays each guide):\n${guides}\n`
    : '';
  const mail = mailToLog
    ? `\nMail: SMTP_URL is not set, so password-reset ("Forgot your password?" on ${serverUrl}/login),
address-verification and invitation mails are written to the log above ("mail not sent"), links
included: open them from there.\n`
    : '';
  return `
Gatehouse is running.

  Gatehouse        ${serverUrl}
  Console          ${serverUrl}/console   (sign in as the admin below)
  Metadata         ${serverUrl}/.well-known/oauth-authorization-server
  JWKS             ${serverUrl}/.well-known/jwks.json
  Demo API         ${demoApiUrl}/users/v1/users

Demo company "Demo Company" (${c.companyId})${seed.created ? ', created just now' : ''}:
  App "Demo app", scopes users.read users.write users.delete, tokens valid 24 hours
    CLIENT_ID      ${c.clientId}
    CLIENT_SECRET  ${c.clientSecret}
  Users
${users}
${partner}${guideSection}
These credentials are kept in ${seed.file} (mode 0600) only so that this local demo can
print them on every start. Gatehouse itself stores only hashes; delete that file (or the
data directory) before using this setup for anything real.

1. Get an access token:

curl --request POST \\
  --url ${serverUrl}${tokenPath} \\
  --header 'Content-Type: application/x-www-form-urlencoded' \\
  --user ${c.clientId}:${c.clientSecret} \\
  --data 'grant_type=client_credentials'

2. Call the demo API with it (replace YOUR_ACCESS_TOKEN with the access_token above):

curl --request GET \\
  --url ${demoApiUrl}/users/v1/users \\
  --header 'Authorization: Bearer YOUR_ACCESS_TOKEN'

3. Try login delegation: people sign in on your own login page (examples/login-app,
   docs/sign-in.md), and Gatehouse keeps consent. In a second terminal:

npm run gatehouse -- company update ${c.companyId} --external-id demo-company
npm run gatehouse -- operator-key create --name "login app"
GATEHOUSE_URL=${serverUrl} GATEHOUSE_OPERATOR_KEY=<the gtho_ key above> npm start -w @gatehouse/login-app

   Then stop this server and start it again with
   GATEHOUSE_LOGIN_URL=http://127.0.0.1:4100/login GATEHOUSE_LOGIN_NAME="Demo Company" npm start
   and choose "Sign in with Demo Company" on the login page (the Console's, or a partner's
   "Connect" link): ada@demo-company.example, password ada-delegates-1 (an admin).

${mail}
Press Ctrl+C to stop.
`;
}
