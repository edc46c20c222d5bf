// (a) Machine to machine: the SDK's client-credentials provider, starting from an unauthenticated
// request: 401 -> protected resource metadata -> AS metadata -> token (with `resource`) -> tools.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { recordingFetch } from './lib/headless.mjs';

const url = new URL(process.env.MCP_URL);
const fetch = recordingFetch(console.log);
const provider = new ClientCredentialsProvider({
  clientId: process.env.CLIENT_ID,
  clientSecret: process.env.CLIENT_SECRET,
  expectedIssuer: process.env.ISSUER,
  scope: 'mcp:read',
});
const transport = new StreamableHTTPClientTransport(url, { authProvider: provider, fetch });
const client = new Client({ name: 'gatehouse-e2e-client-credentials', version: '1.0.0' });

await client.connect(transport);
const first = fetch.seen.find((r) => r.url === url.href);
assert.equal(first.status, 401, 'the first request carries no token');
assert.match(first.challenge, new RegExp(`resource_metadata="${url.origin}/.well-known/oauth-protected-resource${url.pathname}"`));
console.log('connected, session', transport.sessionId);

const { tools } = await client.listTools();
console.log('tools/list:', tools.map((t) => t.name).join(', '));
assert.ok(tools.some((t) => t.name === 'countdown'));

const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello through Gatehouse' } });
assert.equal(echo.content[0].text, 'hello through Gatehouse');

const started = Date.now();
const progress = [];
const countdown = await client.callTool({ name: 'countdown', arguments: { steps: 4, delayMs: 250 } }, undefined,
  { onprogress: (p) => progress.push(Date.now() - started) });
console.log('tools/call countdown:', countdown.content[0].text, 'progress at ms', progress.join(', '));
assert.equal(progress.length, 4);
assert.ok(progress[3] - progress[0] >= 600, 'progress notifications arrive as they happen, not at the end');

await transport.terminateSession();
await client.close();
console.log('PASS client credentials');
