import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from './helpers/live-gatehouse.ts';
import { sh } from './helpers/shell.ts';
import { banner, type StartedProcess, startProcess } from './helpers/start-process.ts';

/** `npm start`'s own command, on fresh ports and the given data directory. */
function start(dataDir: string, port: number, demoPort: number): StartedProcess {
  return startProcess({
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: String(port),
    DEMO_API_PORT: String(demoPort),
    GATEHOUSE_DATA_DIR: dataDir,
  });
}

/** The printed curl commands, each from `curl ` up to its last continued line. */
function curlCommands(text: string): string[] {
  const commands: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('curl ')) continue;
    const cmd: string[] = [];
    while (i < lines.length) {
      const line = lines[i] as string;
      cmd.push(line);
      if (!line.endsWith('\\')) break;
      i++;
    }
    commands.push(cmd.join('\n'));
  }
  return commands;
}

test('npm start seeds once, prints working curl commands, and stops cleanly on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-start-'));
  const children: ChildProcess[] = [];
  try {
    const port = await freePort();
    const demoPort = await freePort();
    const first = start(dataDir, port, demoPort);
    children.push(first.child);
    const text = await banner(first);
    const [tokenCmd, usersCmd] = curlCommands(text);
    assert.ok(tokenCmd && usersCmd, text);
    assert.match(tokenCmd, new RegExp(`--url http://127\\.0\\.0\\.1:${port}/oauth/v1/token`));
    assert.match(usersCmd, new RegExp(`--url http://127\\.0\\.0\\.1:${demoPort}/users/v1/users`));
    const secret = /CLIENT_SECRET +(\S+)/.exec(text)?.[1] as string;
    assert.ok(secret.startsWith('gths_'));
    assert.equal(statSync(join(dataDir, 'demo-credentials.json')).mode & 0o777, 0o600);
    assert.match(text, /demo-credentials\.json \(mode 0600\) only so that this local demo/);

    const response = JSON.parse(await sh(tokenCmd));
    assert.equal(response.token_type, 'Bearer');
    assert.equal(response.expires_in, 86_400);
    assert.equal(response.scope, 'users.delete users.read users.write');
    const users = JSON.parse(
      await sh(`${usersCmd.replace('YOUR_ACCESS_TOKEN', response.access_token)} --fail-with-body`),
    );
    assert.equal(users.data.users.length, 5);

    // An app made with the CLI to give opaque tokens works at the demo API too: npm start gave
    // the demo API its own resource-server credentials for introspection.
    const companyId = /Demo company "Demo Company" \((\S+)\)/.exec(text)?.[1] as string;
    const opaqueApp = JSON.parse(
      await sh(
        `GATEHOUSE_DATA_DIR='${dataDir}' node packages/server/bin/gatehouse.cjs app create --company ${companyId} --name 'Opaque reader' --scopes users.read --token-format opaque --json`,
      ),
    ) as { client_id: string; client_secret: string };
    const opaque = JSON.parse(
      await sh(tokenCmd.replace(/--user \S+/, `--user ${opaqueApp.client_id}:${opaqueApp.client_secret}`)),
    );
    assert.ok(!String(opaque.access_token).includes('.'), 'an opaque token');
    const viaIntrospection = JSON.parse(
      await sh(`${usersCmd.replace('YOUR_ACCESS_TOKEN', opaque.access_token)} --fail-with-body`),
    );
    assert.equal(viaIntrospection.data.users.length, 5);
    // A known path with another method: 405 with Allow, as the Connect guide's error table lists.
    const wrongMethod = await sh(
      `curl -s -i -X PUT http://127.0.0.1:${demoPort}/users/v1/users -H 'Authorization: Bearer ${response.access_token}'`,
    );
    assert.match(wrongMethod, /^HTTP\/1\.1 405/);
    assert.match(wrongMethod, /\r\nallow: GET, HEAD, POST\r\n/i);

    first.child.kill('SIGTERM');
    assert.deepEqual(await first.exit, { code: 0, signal: null });
    const logs = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    assert.ok(
      logs.some((l) => JSON.parse(l).msg === 'stopped'),
      'logs are JSON off a TTY',
    );
    for (const line of logs) {
      assert.ok(!line.includes(secret), `a log line holds the secret: ${line}`);
      assert.ok(!line.includes(response.access_token), `a log line holds the token: ${line}`);
    }

    // A second start on the same data directory seeds nothing new and prints the same app.
    const second = start(dataDir, port, demoPort);
    children.push(second.child);
    const text2 = await banner(second);
    assert.doesNotMatch(text2, /created just now/);
    assert.equal(/CLIENT_SECRET +(\S+)/.exec(text2)?.[1], secret);
    const again = JSON.parse(await sh(curlCommands(text2)[0] as string));
    assert.equal(again.expires_in, 86_400);
    second.child.kill('SIGINT');
    assert.deepEqual(await second.exit, { code: 0, signal: null });
  } finally {
    // A failed assertion must not leave a server running (and the test runner waiting).
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
