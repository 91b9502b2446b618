// Lists the demo company's users through the demo API, as a partner's cron job would.
// Credentials: CLIENT_ID/CLIENT_SECRET, else data/demo-credentials.json from `npm start`.
import { readFileSync } from 'node:fs';
import { authFetch, clientCredentials } from '@gatehouse/client';

const issuer = process.env.GATEHOUSE_ISSUER ?? 'http://127.0.0.1:4000';
const api = process.env.DEMO_API_URL ?? 'http://127.0.0.1:4001';
const saved = () =>
  JSON.parse(readFileSync(process.env.DEMO_CREDENTIALS ?? 'data/demo-credentials.json', 'utf8'));
const { clientId, clientSecret } = process.env.CLIENT_ID
  ? { clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET ?? '' }
  : saved();

// One token source per process: cached, renewed before expiry, one request for all callers.
const tokens = clientCredentials({ issuer, clientId, clientSecret, scope: 'users.read' });
const gatehouseFetch = authFetch(tokens);

type Page = {
  data: { users: { id: number; email: string; first_name: string }[] };
  paging: { total: number };
};
const res = await gatehouseFetch(`${api}/users/v1/users`);
if (!res.ok) {
  console.error(`GET /users/v1/users answered ${res.status}: ${await res.text()}`);
  process.exit(1);
}
const page = (await res.json()) as Page;
for (const u of page.data.users) console.log(`${String(u.id).padStart(4)}  ${u.email}  ${u.first_name}`);
console.log(`${page.paging.total} users`);
