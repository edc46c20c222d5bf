// Idle MCP SSE backend: GET /mcp answers text/event-stream and sends only a heartbeat comment
// every 15 s (HEARTBEAT_MS), like an MCP server with nothing to say. Port from argv[2].
import http from 'node:http';

const port = Number(process.argv[2] ?? 18086);
const heartbeatMs = Number(process.env.HEARTBEAT_MS ?? 15000);
const streams = new Set();

const server = http.createServer((req, res) => {
  if (req.method !== 'GET' || !req.url.startsWith('/mcp')) {
    res.writeHead(405, { allow: 'GET' }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
  streams.add(res);
  res.on('close', () => streams.delete(res));
});
server.keepAliveTimeout = 300_000;
server.requestTimeout = 0;
server.headersTimeout = 60_000;
server.maxConnections = 100_000;
server.listen(port, '127.0.0.1', () => console.log(`sse-backend listening on ${port}`));

setInterval(() => {
  for (const res of streams) res.write(': heartbeat\n\n');
}, heartbeatMs).unref();

setInterval(() => console.log(`sse-backend open=${streams.size}`), 30_000).unref();
process.on('SIGTERM', () => process.exit(0));
