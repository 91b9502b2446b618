import { fileURLToPath } from 'node:url';
import { loadUsers, startLoginApp } from './login-app.ts';

const env = process.env;
if (!env.GATEHOUSE_OPERATOR_KEY) {
  process.stderr.write(
    'Set GATEHOUSE_OPERATOR_KEY (create one with: npm run gatehouse -- operator-key create)\n',
  );
  process.exit(1);
}
const app = await startLoginApp({
  gatehouseUrl: (env.GATEHOUSE_URL ?? 'http://localhost:4000').replace(/\/+$/, ''),
  operatorKey: env.GATEHOUSE_OPERATOR_KEY,
  users: loadUsers(env.LOGIN_APP_USERS ?? fileURLToPath(new URL('./users.json', import.meta.url))),
  port: Number(env.LOGIN_APP_PORT ?? 4100),
});
process.stdout.write(
  `Login app on ${app.url}/login (set GATEHOUSE_LOGIN_URL=${app.url}/login on Gatehouse)\n`,
);
