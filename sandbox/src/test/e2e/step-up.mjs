// (c) Scope step-up: a token for the route that lacks its required scope gets 403 insufficient_scope
// with the needed scope; the SDK re-authorizes with that scope and carries on.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { auth, UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { HeadlessLoginProvider, recordingFetch } from './lib/headless.mjs';

const url = new URL(process.env.ADMIN_URL);
const fetch = recordingFetch(console.log);
const provider = new HeadlessLoginProvider();

// an earlier login granted only mcp:read for this resource (as before the route required mcp:admin)
assert.equal(await auth(provider, { serverUrl: url, scope: 'mcp:read', fetchFn: fetch }), 'REDIRECT');
assert.equal(await auth(provider, { serverUrl: url, authorizationCode: provider.takeCode(), fetchFn: fetch }), 'AUTHORIZED');
assert.deepEqual(provider.tokens().scope.split(' '), ['mcp:read']);

const connect = async () => {
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch });
  const client = new Client({ name: 'gatehouse-e2e-step-up', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
};
let session;
try {
  session = await connect();
  assert.fail('a token without mcp:admin must be refused');
} catch (error) {
  if (!(error instanceof UnauthorizedError)) throw error;
  const refused = fetch.seen.find((r) => r.status === 403);
  assert.ok(refused, 'Gatehouse answered 403');
  assert.match(refused.challenge, /error="insufficient_scope"/);
  assert.match(refused.challenge, /scope="mcp:admin"/);
  assert.equal(provider.authorizations.at(-1).scope, 'mcp:admin', 'the SDK re-authorized with the challenged scope');
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch });
  await transport.finishAuth(provider.takeCode());
  session = await connect();
}
assert.ok(provider.tokens().scope.split(' ').includes('mcp:admin'));
const { tools } = await session.client.listTools();
console.log('after step-up: token scope', provider.tokens().scope, '; tools', tools.length);
await session.transport.terminateSession();
await session.client.close();
console.log('PASS scope step-up');
