// (b) Interactive login: authorization code + PKCE + dynamic client registration, starting from an
// unauthenticated request and discovering everything from the 401 alone; login is headless.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { HeadlessLoginProvider, recordingFetch } from './lib/headless.mjs';

const url = new URL(process.env.MCP_URL);
const fetch = recordingFetch(console.log);
const provider = new HeadlessLoginProvider();
const connect = async () => {
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch });
  const client = new Client({ name: 'gatehouse-e2e-authorization-code', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
};

let session;
try {
  session = await connect();
  assert.fail('the first connection has no token and must be challenged');
} catch (error) {
  if (!(error instanceof UnauthorizedError)) throw error;
  const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch });
  await transport.finishAuth(provider.takeCode());
  session = await connect();
}
assert.ok(provider.clientInformation()?.client_id, 'the client registered itself (RFC 7591)');
assert.equal(provider.authorizations.length, 1);
assert.equal(provider.authorizations[0].resource, url.href, 'RFC 8707 resource = the protected resource metadata resource');
assert.equal(provider.authorizations[0].scope, 'mcp:read mcp:write', 'scope taken from the challenge');
console.log('registered as', provider.clientInformation().client_id, '; token scope', provider.tokens().scope);

const { tools } = await session.client.listTools();
console.log('tools/list:', tools.map((t) => t.name).join(', '));
const sum = await session.client.callTool({ name: 'add', arguments: { a: 40, b: 2 } });
assert.match(sum.content[0].text, /^42/);
console.log('tools/call add:', sum.content[0].text);

await session.transport.terminateSession();
await session.client.close();
console.log('PASS authorization code + PKCE + dynamic registration');
