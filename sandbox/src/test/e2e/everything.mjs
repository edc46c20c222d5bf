// server-everything (the reference MCP server, Streamable HTTP) behind Gatehouse: sessions, SSE
// progress through the gateway, and resumption of a dropped stream with Last-Event-ID.
import assert from 'node:assert/strict';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';

const url = new URL(process.env.EVERYTHING_URL);
const provider = new ClientCredentialsProvider({
  clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET, expectedIssuer: process.env.ISSUER, scope: 'mcp:read',
});
const transport = new StreamableHTTPClientTransport(url, { authProvider: provider });
const client = new Client({ name: 'gatehouse-e2e-everything', version: '1.0.0' });
await client.connect(transport);
assert.ok(transport.sessionId, 'server-everything issued a session through the gateway');
const { tools } = await client.listTools();
console.log('tools/list:', tools.length, 'tools');
const echo = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
assert.equal(echo.content[0].text, 'Echo: hi');
const started = Date.now();
const progress = [];
await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 4 } }, undefined,
  { onprogress: () => progress.push(Date.now() - started) });
console.log('SSE progress through the gateway at ms:', progress.join(', '));
assert.equal(progress.length, 4);
assert.ok(progress[3] - progress[0] >= 1000, 'progress events arrive as they happen (2 s operation), not buffered');
await transport.terminateSession();
await client.close();

// resumption, raw: drop the POST's SSE stream after the first progress event, resume with GET + Last-Event-ID
const token = provider.tokens().access_token;
const base = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const deadline = () => AbortSignal.timeout(15_000); // fail, never hang, if the gateway buffers a stream
const post = (body, headers = {}, signal = deadline()) => globalThis.fetch(url, { method: 'POST', headers: { ...base, ...headers }, body: JSON.stringify(body), signal });
let response = await post({ jsonrpc: '2.0', id: 1, method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'resume', version: '1' } } });
const sessionHeaders = { 'mcp-session-id': response.headers.get('mcp-session-id'), 'mcp-protocol-version': '2025-11-25' };
await response.text();
assert.equal((await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionHeaders)).status, 202);
const abort = new AbortController();
response = await post({ jsonrpc: '2.0', id: 2, method: 'tools/call',
  params: { name: 'trigger-long-running-operation', arguments: { duration: 2, steps: 4 }, _meta: { progressToken: 'r1' } } },
  sessionHeaders, abort.signal);
assert.equal(response.status, 200);
const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
let received = '';
let lastEventId;
while (!lastEventId) {
  const { value, done } = await reader.read();
  if (done) throw new Error('stream ended before the first progress event');
  received += value;
  if (/notifications\/progress/.test(received)) lastEventId = [...received.matchAll(/^id: (.+)$/gm)].at(-1)[1];
}
abort.abort();
console.log('dropped the stream after event', lastEventId);
await new Promise((resolve) => setTimeout(resolve, 2500));
const resumed = await globalThis.fetch(url, { headers: { ...base, accept: 'text/event-stream', ...sessionHeaders, 'last-event-id': lastEventId }, signal: deadline() });
assert.equal(resumed.status, 200, 'GET with Last-Event-ID passes the gateway');
const replayReader = resumed.body.pipeThrough(new TextDecoderStream()).getReader();
let replayed = '';
const stop = setTimeout(() => replayReader.cancel(), 2000);
try {
  for (;;) {
    const { value, done } = await replayReader.read();
    if (done) break;
    replayed += value;
    if (/"id":2/.test(replayed)) break;
  }
} catch { /* cancelled */ }
clearTimeout(stop);
assert.match(replayed, /notifications\/progress/, 'missed progress events replayed');
assert.match(replayed, /"id":2/, 'the tool result replayed');
console.log('resumed: replayed', (replayed.match(/notifications\/progress/g) ?? []).length, 'progress events and the result');
const deleted = await globalThis.fetch(url, { method: 'DELETE', headers: { authorization: `Bearer ${token}`, ...sessionHeaders }, signal: deadline() });
assert.ok([200, 204].includes(deleted.status), `DELETE ended the session (${deleted.status})`);
console.log('PASS server-everything: session, SSE, resumption');
