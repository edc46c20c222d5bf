// Opens N idle SSE streams (GET, Accept: text/event-stream, bearer token) and holds them.
// Usage: node sse-clients.mjs <url> <N>  (token in $BENCH_TOKEN). Prints "ready <open> failed <n>"
// once every stream has its response headers (or failed), then a status line on SIGUSR2, and
// closes everything on SIGTERM.
import http from 'node:http';

const url = new URL(process.argv[2]);
const total = Number(process.argv[3]);
const token = process.env.BENCH_TOKEN;
const batch = 200;                     // connections opened at a time
let open = 0, failed = 0, settled = 0, comments = 0, closed = 0;
const requests = [];

function openOne() {
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'GET', agent: false,
      headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
    }, (res) => {
      if (res.statusCode === 200) open++; else { failed++; res.resume(); }
      res.on('data', (chunk) => { comments += chunk.toString().split('\n\n').length - 1; });
      res.on('close', () => { if (res.statusCode === 200) { open--; closed++; } });
      resolve();
    });
    req.on('error', () => { failed++; resolve(); });
    req.setTimeout(0);
    req.end();
    requests.push(req);
  });
}

for (let i = 0; i < total; i += batch) {
  const n = Math.min(batch, total - i);
  await Promise.all(Array.from({ length: n }, openOne));
  settled += n;
}
console.log(`ready ${open} failed ${failed}`);

process.on('SIGUSR2', () => console.log(`status open ${open} failed ${failed} closed ${closed} comments ${comments}`));
process.on('SIGTERM', () => {
  console.log(`final open ${open} failed ${failed} closed ${closed} comments ${comments}`);
  for (const req of requests) req.destroy();
  process.exit(0);
});
setInterval(() => {}, 1 << 30);
