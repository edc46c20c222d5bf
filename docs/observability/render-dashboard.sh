#!/usr/bin/env bash
#
# Renders docs/images/dashboard.png: the Grafana dashboard docs/observability/grafana-dashboard.json
# drawn with gnuplot from real metrics of a local sandbox run (Grafana itself is not needed).
#
#   1. builds and starts the sandbox (gateway, authorization server, MCP server) on 127.0.0.1,
#      with a third route /mcp/dead whose backend is down and a 60s JWKS refresh;
#   2. starts Prometheus on 127.0.0.1:9099, scraping the gateway's management port every 2s;
#   3. drives ~3 minutes of MCP traffic in phases (valid calls, refused tokens, SSE streams,
#      a down upstream, a burst);
#   4. queries every panel's expressions over that window and renders one PNG;
#   5. stops everything it started, also on Ctrl-C or error.
#
# Usage: docs/observability/render-dashboard.sh [output.png]     (default: docs/images/dashboard.png)
#
# Environment:
#   TRAFFIC_SECONDS  length of the traffic phase, default 180
#   KEEP_TMP=1       keep the temporary directory (logs, Prometheus data, gnuplot files)
#   JAVA_HOME        a JDK 25; otherwise one is looked for under /usr/lib/jvm
#
# Needs: mvn, node (18+), python3, curl, ss; prometheus and gnuplot are installed with apt-get if
# missing. Ports 8080, 9090, 9000, 3001 (sandbox) and 9099 (Prometheus) must be free.
# Takes about 5 minutes (plus the first Maven build).

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUTPUT=$(realpath -m "${1:-$REPO/docs/images/dashboard.png}")
DASHBOARD=$REPO/docs/observability/grafana-dashboard.json
TRAFFIC_SECONDS=${TRAFFIC_SECONDS:-180}

GATEWAY=http://127.0.0.1:8080
MANAGEMENT=http://127.0.0.1:9090
PROMETHEUS_ADDRESS=127.0.0.1:9099
PROMETHEUS=http://$PROMETHEUS_ADDRESS
PORTS=(8080 9090 9000 3001 9099)

# Gateway properties for the sandbox: a route whose backend is down (port 9, discard, is closed)
# for upstream 5xx, and a short key refresh so that the key-age panel shows its sawtooth.
# (A configuration reload is not possible in the sandbox: that panel stays at zero.)
SANDBOX_ARGS=(
	--gatehouse.routes.dead.path=/mcp/dead
	--gatehouse.routes.dead.upstream=http://127.0.0.1:9/mcp
	--gatehouse.routes.dead.issuers[0]=sandbox
	--gatehouse.issuers.sandbox.jwks.cache-ttl=60s
	--gatehouse.issuers.sandbox.jwks.min-refresh-interval=10s
)

log() { printf '%s  %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

TMP=$(mktemp -d -t gatehouse-dashboard.XXXXXX)
SANDBOX_PID=
PROMETHEUS_PID=
DRIVER_PID=

# Prints those of the given TCP ports that something listens on.
listening() {
	local port busy=()
	for port in "$@"; do
		if [[ -n $(ss -Htln "sport = :$port") ]]; then
			busy+=("$port")
		fi
	done
	echo "${busy[*]}"
}

# Stops a process group started with setsid (its leader's pid is the group id): TERM, then KILL.
stop_group() {
	local pid=$1 name=$2
	[[ -n $pid ]] && kill -0 -- "-$pid" 2>/dev/null || return 0
	log "stopping $name (process group $pid)"
	kill -TERM -- "-$pid" 2>/dev/null || true
	for _ in $(seq 1 60); do
		kill -0 -- "-$pid" 2>/dev/null || return 0
		sleep 0.5
	done
	log "$name did not stop in 30s, killing it"
	kill -KILL -- "-$pid" 2>/dev/null || true
}

# setsid made the process the leader of a new process group, so that stop_group stops its children
# too (it would fork instead if the caller had job control on: then the group id is unknown).
check_group_leader() {
	sleep 0.2
	kill -0 "$1" 2>/dev/null || die "process $1 exited right away"
	[[ $(ps -o pgid= -p "$1" | tr -d ' ') == "$1" ]] || die "process $1 is not a process group leader (run this script with bash, not sourced)"
}

cleanup() {
	local rc=$?
	trap - EXIT
	trap '' INT TERM # finish cleaning up (bounded: stop_group kills after 30s)
	if [[ -n $DRIVER_PID ]] && kill -0 "$DRIVER_PID" 2>/dev/null; then
		kill -TERM "$DRIVER_PID" 2>/dev/null || true
		wait "$DRIVER_PID" 2>/dev/null || true
	fi
	stop_group "$PROMETHEUS_PID" Prometheus
	stop_group "$SANDBOX_PID" sandbox
	if ((rc != 0 && rc != 130 && rc != 143)); then
		for file in sandbox prometheus; do
			if [[ -s $TMP/$file.log ]]; then
				log "last lines of $file.log:"
				tail -n 25 "$TMP/$file.log" >&2
			fi
		done
	fi
	local busy
	busy=$(listening "${PORTS[@]}")
	[[ -z $busy ]] || log "WARNING: still listening after clean-up: port(s) $busy"
	if [[ ${KEEP_TMP:-0} == 1 ]]; then
		log "temporary files kept in $TMP"
	else
		rm -rf "$TMP"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

java_major() {
	local major
	major=$("$1" -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n 1)
	echo "${major:-0}"
}

# Maven must run on a JDK 25 (the project compiles with release 25).
find_jdk() {
	local candidate
	for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
		if [[ -n $candidate && -x $candidate/bin/javac ]] && (($(java_major "$candidate/bin/java") >= 25)); then
			export JAVA_HOME=$candidate
			return
		fi
	done
	die "a JDK 25 is needed: set JAVA_HOME"
}

install_tools() {
	local missing=()
	command -v prometheus >/dev/null || missing+=(prometheus)
	command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
	if ((${#missing[@]})); then
		log "installing ${missing[*]}"
		local sudo=()
		((EUID == 0)) || sudo=(sudo)
		"${sudo[@]}" apt-get install -y "${missing[@]}" \
			|| { "${sudo[@]}" apt-get update && "${sudo[@]}" apt-get install -y "${missing[@]}"; }
	fi
	local tool
	for tool in mvn node python3 curl ss prometheus gnuplot; do
		command -v "$tool" >/dev/null || die "$tool is needed"
	done
	(($(node -p 'process.versions.node.split(".")[0]') >= 18)) || die "node 18 or later is needed (fetch)"
}

check_ports() {
	local busy
	busy=$(listening "${PORTS[@]}")
	if [[ -n $busy ]]; then
		ss -Hltnp | grep -E ":($(tr ' ' '|' <<<"$busy"))\b" >&2 || true
		die "port(s) $busy already in use (another sandbox, or the prometheus service of the Debian package on 9090?); stop it first"
	fi
	[[ -z $(listening 9) ]] || die "port 9 is open here: the /mcp/dead route needs a closed port as its upstream"
}

start_sandbox() {
	log "building and starting the sandbox (log: $TMP/sandbox.log)"
	# setsid: Maven and the JVM it forks get a process group of their own, stopped as one
	(cd "$REPO" && exec setsid mvn -B -ntp -q -pl sandbox -am -DskipTests package spring-boot:run \
		"-Dspring-boot.run.arguments=${SANDBOX_ARGS[*]}") >"$TMP/sandbox.log" 2>&1 </dev/null &
	SANDBOX_PID=$!
	check_group_leader "$SANDBOX_PID"
	local deadline=$((SECONDS + 300))
	until curl -fsS "$MANAGEMENT/actuator/health/readiness" 2>/dev/null | grep -q '"status":"UP"}$'; do
		kill -0 "$SANDBOX_PID" 2>/dev/null || die "the sandbox exited before it was ready"
		((SECONDS < deadline)) || die "the sandbox was not ready within 5 minutes"
		sleep 2
	done
	# the extra route was accepted: it publishes its metadata
	curl -fsS "$GATEWAY/.well-known/oauth-protected-resource/mcp/dead" | grep -q '"resource":"http://127.0.0.1:8080/mcp/dead"' \
		|| die "the sandbox did not take the /mcp/dead route"
	log "sandbox ready"
}

start_prometheus() {
	mkdir -p "$TMP/data"
	cat >"$TMP/prometheus.yml" <<-EOF
		global:
		  scrape_interval: 2s
		  scrape_timeout: 2s
		  evaluation_interval: 2s
		scrape_configs:
		  - job_name: gatehouse
		    metrics_path: /actuator/prometheus
		    static_configs:
		      - targets: ['127.0.0.1:9090']
	EOF
	log "starting Prometheus on $PROMETHEUS_ADDRESS (log: $TMP/prometheus.log)"
	setsid prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/data" \
		--web.listen-address="$PROMETHEUS_ADDRESS" --web.enable-lifecycle >"$TMP/prometheus.log" 2>&1 </dev/null &
	PROMETHEUS_PID=$!
	check_group_leader "$PROMETHEUS_PID"
	local deadline=$((SECONDS + 60))
	until curl -fsS "$PROMETHEUS/api/v1/query" --data-urlencode 'query=up{job="gatehouse"} == 1' 2>/dev/null \
		| grep -q '"value"'; do
		kill -0 "$PROMETHEUS_PID" 2>/dev/null || die "Prometheus exited"
		((SECONDS < deadline)) || die "Prometheus did not scrape the gateway within 60s: $(curl -fsS "$PROMETHEUS/api/v1/targets" \
			| python3 -c 'import json, sys; print([t["lastError"] for t in json.load(sys.stdin)["data"]["activeTargets"]])')"
		sleep 1
	done
	log "Prometheus scrapes the gateway"
}

drive_traffic() {
	write_driver
	log "driving traffic for ${TRAFFIC_SECONDS}s"
	TRAFFIC_START=$(date +%s)
	TRAFFIC_SECONDS=$TRAFFIC_SECONDS node "$TMP/driver.mjs" &
	DRIVER_PID=$!
	wait "$DRIVER_PID" || die "the traffic driver failed"
	DRIVER_PID=
	# the window ends as the driver stops sending, before it closes its streams
	TRAFFIC_END=$((TRAFFIC_START + TRAFFIC_SECONDS - 1))
	sleep 3 # the last scrapes
}

render() {
	write_renderer
	log "querying Prometheus and rendering $OUTPUT"
	mkdir -p "$(dirname "$OUTPUT")" "$TMP/render"
	python3 "$TMP/render.py" --prometheus "$PROMETHEUS" --dashboard "$DASHBOARD" \
		--start "$TRAFFIC_START" --end "$TRAFFIC_END" --workdir "$TMP/render" --output "$OUTPUT"
}

# The traffic: a node script (node 20 has fetch), rates by phase.
write_driver() {
	cat >"$TMP/driver.mjs" <<'EOF'
// Traffic through the sandbox gateway for render-dashboard.sh; prints a tally of statuses.
const DURATION = Number(process.env.TRAFFIC_SECONDS || 180);
const GATEWAY = 'http://127.0.0.1:8080';
const TOKEN_URL = 'http://127.0.0.1:9000/oauth2/token';
const CLIENT = 'Basic ' + Buffer.from('sandbox-m2m:sandbox-secret').toString('base64');
const SCALE = DURATION / 180; // the schedule is written for a 180 s run

// Requests per second over time (seconds of a 180 s run), linear between the points.
const SCHEDULE = {
	valid: [[0, 3], [30, 4], [45, 6], [80, 6], [88, 16], [110, 18], [118, 8], [150, 6], [180, 5]],
	missing: [[0, 0.5], [80, 0.5], [88, 2.5], [112, 2.5], [118, 0.6], [180, 0.6]],      // 401 token_missing
	malformed: [[0, 0.2], [80, 0.2], [88, 1.5], [112, 1.5], [118, 0.2], [180, 0.2]],    // 401 malformed_token
	audience: [[0, 0], [40, 0], [45, 0.4], [180, 0.4]],                                // 401 audience_mismatch
	scope: [[0, 0], [15, 0], [20, 0.5], [130, 0.5], [135, 1.2], [180, 1.2]],           // 403 insufficient_scope
	dead: [[0, 0], [50, 0], [55, 1], [95, 1], [100, 3], [125, 3], [130, 0.4], [180, 0.4]], // 503 upstream down
	countdown: [[0, 0], [25, 0], [30, 0.3], [150, 0.3], [155, 0.1], [180, 0.1]],        // tool call streaming progress
};
// Standalone GET SSE streams: [how many, first opened at, last opened at, held for] (seconds of a 180 s run)
const WAVES = [[30, 20, 35, 80], [20, 125, 140, 999]];

const counts = new Map();
const tally = (kind, status) => counts.set(`${kind} ${status}`, (counts.get(`${kind} ${status}`) || 0) + 1);
const rand = (n) => Math.floor(Math.random() * n);

const tokens = {};
async function token(route) {
	const res = await fetch(TOKEN_URL, {
		method: 'POST',
		headers: { authorization: CLIENT, 'content-type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'mcp:read', resource: `${GATEWAY}/mcp/${route}` }),
	});
	if (!res.ok) throw new Error(`token for /mcp/${route}: HTTP ${res.status} ${await res.text()}`);
	return (await res.json()).access_token;
}
async function refreshTokens() {
	for (const route of ['demo', 'admin', 'dead']) tokens[route] = await token(route);
}

let nextId = 1;
const request = (method, params) => ({ jsonrpc: '2.0', id: nextId++, method, ...(params && { params }) });
const initialize = () => request('initialize', {
	protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'render-dashboard', version: '1' } });

async function post(route, token, message, sessionId) {
	const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
	if (token) headers.authorization = `Bearer ${token}`;
	if (sessionId) headers['mcp-session-id'] = sessionId;
	const res = await fetch(`${GATEWAY}/mcp/${route}`, { method: 'POST', headers, body: JSON.stringify(message) });
	return { status: res.status, sessionId: res.headers.get('mcp-session-id'), body: await res.text() };
}

async function newSession() {
	const init = await post('demo', tokens.demo, initialize());
	tally('initialize', init.status);
	if (init.status !== 200 || !init.sessionId) throw new Error(`initialize: HTTP ${init.status}`);
	tally('initialized', (await post('demo', tokens.demo, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sessionId)).status);
	return init.sessionId;
}

const sessions = [];
const calls = [
	() => request('tools/list'),
	() => request('tools/call', { name: 'echo', arguments: { text: 'hello' } }),
	() => request('tools/call', { name: 'add', arguments: { a: 2, b: 3 } }),
	() => request('tools/call', { name: 'time', arguments: {} }),
];
const KINDS = {
	async valid() {
		if (sessions.length < 4 || Math.random() < 0.04) {
			sessions.push(await newSession());
			if (sessions.length > 8) sessions.shift();
			return;
		}
		tally('valid', (await post('demo', tokens.demo, calls[rand(calls.length)](), sessions[rand(sessions.length)])).status);
	},
	async missing() { tally('missing', (await post('demo', null, request('tools/list'))).status); },
	async malformed() { tally('malformed', (await post('demo', 'not-a-jwt', request('tools/list'))).status); },
	async audience() { tally('audience', (await post('admin', tokens.demo, initialize())).status); },
	async scope() { tally('scope', (await post('admin', tokens.admin, initialize())).status); },
	async dead() { tally('dead', (await post('dead', tokens.dead, initialize())).status); },
	async countdown() {
		if (sessions.length === 0) return;
		const r = await post('demo', tokens.demo, request('tools/call', {
			name: 'countdown', arguments: { steps: 10, delayMs: 600 }, _meta: { progressToken: `p${nextId}` } }),
			sessions[rand(sessions.length)]);
		tally('countdown', r.status + (r.body.includes('notifications/progress') ? ' with progress' : ' without progress'));
	},
};

// A standalone GET SSE stream on a session of its own, answering the server's keep-alive pings.
let openStreams = 0;
const streams = new Set();
async function holdStream(seconds) {
	const controller = new AbortController();
	streams.add(controller);
	const timer = setTimeout(() => controller.abort(), seconds * 1000);
	let counted = false;
	try {
		const sessionId = await newSession();
		const res = await fetch(`${GATEWAY}/mcp/demo`, {
			headers: { accept: 'text/event-stream', authorization: `Bearer ${tokens.demo}`, 'mcp-session-id': sessionId },
			signal: controller.signal,
		});
		tally('stream', `${res.status} ${(res.headers.get('content-type') || '-').split(';')[0]}`);
		if (res.status !== 200) return;
		openStreams++;
		counted = true;
		const decoder = new TextDecoder();
		let buffer = '';
		for await (const chunk of res.body) {
			buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
			let end;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('\n');
				buffer = buffer.slice(end + 2);
				const message = data ? JSON.parse(data) : {};
				if (message.method === 'ping' && message.id !== undefined) {
					post('demo', tokens.demo, { jsonrpc: '2.0', id: message.id, result: {} }, sessionId)
						.then((r) => tally('ping answer', r.status), () => tally('ping answer', 'error'));
				}
			}
		}
		if (!controller.signal.aborted) tally('stream', 'closed by the server');
	}
	catch (e) {
		if (!controller.signal.aborted) tally('stream', `error ${e.message}`);
	}
	finally {
		clearTimeout(timer);
		streams.delete(controller);
		if (counted) openStreams--;
	}
}

function rate(points, t) {
	for (let i = 1; i < points.length; i++) {
		const [t0, r0] = points[i - 1], [t1, r1] = points[i];
		if (t <= t1) return r0 + (r1 - r0) * (t - t0) / (t1 - t0);
	}
	return points[points.length - 1][1];
}

await refreshTokens();
const refresher = setInterval(() => refreshTokens().catch((e) => console.error(`token refresh failed: ${e.message}`)), 60_000);
const started = Date.now();
const elapsed = () => (Date.now() - started) / 1000 / SCALE;
const pending = new Set(), inFlight = {}, owed = {};
const ticker = setInterval(() => {
	const t = elapsed();
	for (const [kind, points] of Object.entries(SCHEDULE)) {
		// a little noise, so that lines are not ruler-straight
		owed[kind] = (owed[kind] || 0) + rate(points, t) * 0.1 * (0.7 + 0.6 * Math.random());
		for (; owed[kind] >= 1; owed[kind]--) {
			if ((inFlight[kind] || 0) >= 50) continue;
			inFlight[kind] = (inFlight[kind] || 0) + 1;
			const p = KINDS[kind]().catch((e) => tally(kind, `error ${e.message}`)).finally(() => { inFlight[kind]--; pending.delete(p); });
			pending.add(p);
		}
	}
}, 100);
for (const [count, from, to, hold] of WAVES) {
	for (let i = 0; i < count; i++) {
		const at = from + (to - from) * i / count;
		setTimeout(() => holdStream(Math.min(hold, 180 - at + 5) * SCALE), at * SCALE * 1000);
	}
}
const progress = setInterval(() => console.log(
	`  t=${Math.round((Date.now() - started) / 1000)}s  requests in flight: ${pending.size}  GET SSE streams open: ${openStreams}`), 30_000);

await new Promise((resolve) => setTimeout(resolve, DURATION * 1000));
clearInterval(ticker);
clearInterval(progress);
clearInterval(refresher);
for (const controller of streams) controller.abort();
await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, 10_000))]);
console.log('  responses (kind status: count):');
for (const [key, n] of [...counts].sort()) console.log(`    ${key}: ${n}`);
const ok = counts.get('valid 200') > 0 && counts.get('stream 200 text/event-stream') > 0;
process.exit(ok ? 0 : 1);
EOF
}

# The renderer: Prometheus query_range for every panel target, then one gnuplot multiplot.
write_renderer() {
	cat >"$TMP/render.py" <<'EOF'
"""Draws the Gatehouse Grafana dashboard with gnuplot, from Prometheus range queries of its panels."""
import argparse
import datetime
import json
import math
import re
import subprocess
import sys
import urllib.parse
import urllib.request

WIDTH, HEIGHT = 1600, 1100
PAD, HEADER, CAPTION, GAP = 12, 40, 24, 8     # pixels
STEP = 5                                       # seconds between points
VARIABLES = {'job': 'gatehouse', 'route': '.*', '__rate_interval': '30s'}

# Grafana's dark theme, its classic series palette and its named threshold colours
BACKGROUND, PANEL, BORDER = '#111217', '#181b1f', '#25282e'
TEXT, MUTED, GRID = '#d8d9da', '#8e8e9a', '#26292f'
PALETTE = ['#7EB26D', '#EAB839', '#6ED0E0', '#EF843C', '#E24D42', '#1F78C1', '#BA43A9', '#705DA0', '#508642', '#CCA300']
NAMED = {'green': '#73BF69', 'orange': '#FF9830', 'red': '#F2495C', 'yellow': '#FADE2A', 'blue': '#5794F2'}
DEFAULT_THRESHOLDS = [{'color': 'green', 'value': None}, {'color': 'red', 'value': 80}]
FONT = 'DejaVu Sans'


def text_width(text, size):
    """Rough width in pixels of text in FONT at size points (pngcairo: 1 pt = 4/3 px)."""
    return len(text) * size * 4 / 3 * 0.58


def quote(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def substitute(expr):
    """Grafana's template variables: $job and $route as 'All', $__rate_interval as 30s."""
    return re.sub(r'\$(?:\{(\w+)\}|(\w+))',
                  lambda m: VARIABLES.get(m.group(1) or m.group(2), m.group(0)), expr)


def legend(fmt, labels):
    if not fmt:
        return '{' + ', '.join(f'{k}="{v}"' for k, v in labels.items() if k != '__name__') + '}'
    return re.sub(r'\{\{\s*(\w+)\s*\}\}', lambda m: labels.get(m.group(1), ''), fmt).strip()


def number(value):
    v = float(value)
    return v if math.isfinite(v) else None


class Prometheus:
    def __init__(self, url, start, end):
        self.url, self.start, self.end = url, start, end

    def range(self, expr):
        query = urllib.parse.urlencode({'query': expr, 'start': self.start, 'end': self.end, 'step': STEP})
        with urllib.request.urlopen(f'{self.url}/api/v1/query_range?{query}', timeout=30) as response:
            body = json.load(response)
        if body.get('status') != 'success':
            raise RuntimeError(f'{expr}: {body}')
        return [(series['metric'], {int(float(t)): number(v) for t, v in series['values']})
                for series in body['data']['result']]


# Units: (factor, tick format, stat text) by Grafana unit and the largest value shown.
def scale(unit, peak):
    if unit == 'reqps':
        return 1, '%g req/s'
    if unit == 'percentunit':
        return 100, '%g%%'
    if unit == 's':
        if peak < 0.001:
            return 1e6, '%g µs'
        if peak < 1:
            return 1e3, '%g ms'
        if peak < 600:
            return 1, '%g s'
        return 1 / 60, '%g min'
    if unit == 'bytes':
        return (1 / 2**30, '%g GiB') if peak >= 2**30 else (1 / 2**20, '%g MiB')
    return 1, '%g'


def stat_text(unit, value):
    if value is None:
        return 'No data'
    if unit == 'reqps':
        return f'{value:.1f} req/s'
    if unit == 'percentunit':
        return f'{value * 100:.1f}%'
    if unit == 's':
        if value < 1:
            return f'{value * 1000:.0f} ms'
        return f'{value:.0f} s' if value < 600 else f'{value / 60:.1f} min'
    if unit == 'bytes':
        return f'{value / 2**20:.0f} MiB'
    return f'{value:.0f}' if abs(value - round(value)) < 0.05 else f'{value:.2f}'


def threshold_colour(panel, value):
    steps = panel.get('fieldConfig', {}).get('defaults', {}).get('thresholds', {}).get('steps') or DEFAULT_THRESHOLDS
    colour = steps[0]['color']
    for step in steps:
        if step['value'] is None or (value is not None and value >= step['value']):
            colour = step['color']
    return NAMED.get(colour, colour)


def nice_step(span, ticks):
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return m * magnitude
    return 10 * magnitude


class Page:
    """Collects gnuplot commands; coordinates in pixels from the top left, turned into screen fractions."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.lines = []
        self.objects = 0
        self.files = 0

    def x(self, px):
        return px / WIDTH

    def y(self, py):
        return 1 - py / HEIGHT

    def __call__(self, line):
        self.lines.append(line)

    def rect(self, x0, y0, x1, y1, colour, border=None, layer='behind', alpha=None):
        self.objects += 1
        style = f'fs transparent solid {alpha} noborder' if alpha else (
            f'fs solid 1.0 border lc rgb "{border}" lw 1' if border else 'fs solid 1.0 noborder')
        self(f'set object {self.objects} rect from screen {self.x(x0):.5f},{self.y(y1):.5f} '
             f'to screen {self.x(x1):.5f},{self.y(y0):.5f} fc rgb "{colour}" {style} {layer}')

    def label(self, text, x, y, size=9, colour=TEXT, bold=False, align='left'):
        font = f'{FONT}{":Bold" if bold else ""},{size}'
        self(f'set label {quote(text)} at screen {self.x(x):.5f},{self.y(y):.5f} {align} '
             f'font {quote(font)} tc rgb "{colour}" front')

    def margins(self, x0, y0, x1, y1):
        self(f'set lmargin at screen {self.x(x0):.5f}; set rmargin at screen {self.x(x1):.5f}; '
             f'set tmargin at screen {self.y(y0):.5f}; set bmargin at screen {self.y(y1):.5f}')

    def data(self, blocks):
        """Writes series (lists of rows, None for a gap) as gnuplot data blocks; returns the file name."""
        self.files += 1
        path = f'{self.workdir}/panel{self.files}.dat'
        with open(path, 'w') as out:
            for rows in blocks:
                gap = True
                for row in rows:
                    if row is None:
                        if not gap:
                            out.write('\n')
                        gap = True
                    else:
                        out.write(f'{row[0]:d} ' + ' '.join(f'{v:.6g}' for v in row[1:]) + '\n')
                        gap = False
                out.write('\n\n')
        return path

    def reset(self):
        self('unset object; unset label; unset key; unset grid; set border 0; unset xtics; unset ytics; '
             'unset xdata; set format x "%g"; set format y "%g"')
        self.objects = 0


def main():
    parser = argparse.ArgumentParser()
    for option in ('--prometheus', '--dashboard', '--workdir', '--output'):
        parser.add_argument(option, required=True)
    parser.add_argument('--start', type=int, required=True)
    parser.add_argument('--end', type=int, required=True)
    args = parser.parse_args()

    prometheus = Prometheus(args.prometheus, args.start, args.end)
    dashboard = json.load(open(args.dashboard))
    offset = int(datetime.datetime.fromtimestamp(args.start).astimezone().utcoffset().total_seconds())
    local = lambda t: t + offset  # gnuplot shows times as UTC: shift to local time
    timestamps = list(range(args.start, args.end + 1, STEP))
    zone = datetime.datetime.fromtimestamp(args.start).astimezone().strftime('%Z')

    page = Page(args.workdir)
    page(f'set terminal pngcairo size {WIDTH},{HEIGHT} noenhanced font "{FONT},9" background "{BACKGROUND}"')
    page(f'set output {quote(args.output)}')
    page('set encoding utf8')
    page('set multiplot')
    page.reset()

    # the grid: Grafana's 24 columns, rows of equal height
    panels = dashboard['panels']
    rows = max(p['gridPos']['y'] + p['gridPos']['h'] for p in panels)
    unit_w = (WIDTH - 2 * PAD) / 24
    unit_h = (HEIGHT - 2 * PAD - HEADER - CAPTION) / rows

    def box(panel):
        g = panel['gridPos']
        x0 = PAD + g['x'] * unit_w + GAP / 2
        y0 = PAD + HEADER + g['y'] * unit_h + GAP / 2
        return x0, y0, x0 + g['w'] * unit_w - GAP, y0 + g['h'] * unit_h - GAP

    # header, row titles, panel cards and caption, drawn once under everything else
    start_text = datetime.datetime.fromtimestamp(args.start).astimezone()
    end_text = datetime.datetime.fromtimestamp(args.end).astimezone()
    page.label(dashboard['title'], PAD + 4, PAD + 16, size=15, bold=True)
    page.label('Job  gatehouse     Route  All', PAD + 150, PAD + 17, size=10, colour=MUTED)
    page.label(f'{start_text:%Y-%m-%d %H:%M:%S} to {end_text:%H:%M:%S} {zone}   ·   step {STEP}s   ·   '
               f'$__rate_interval = {VARIABLES["__rate_interval"]}', WIDTH - PAD - 4, PAD + 17, size=10,
               colour=MUTED, align='right')
    for panel in panels:
        x0, y0, x1, y1 = box(panel)
        if panel['type'] == 'row':
            page.label(panel['title'], x0 + 2, (y0 + y1) / 2 + 1, size=11, bold=True)
        else:
            page.rect(x0, y0, x1, y1, PANEL, border=BORDER)
            page.label(panel['title'], x0 + 10, y0 + 14, size=10, bold=True)
    caption = (f'Rendered from Prometheus data of a local sandbox run on {start_text:%Y-%m-%d}, '
               f'queries from docs/observability/grafana-dashboard.json')
    page.label(caption, PAD + 4, HEIGHT - PAD - CAPTION / 2 + 2, size=9, colour=MUTED)
    page('set lmargin at screen 0; set rmargin at screen 1; set tmargin at screen 1; set bmargin at screen 0')
    page('plot [0:1][0:1] NaN notitle')

    report = []
    for panel in panels:
        if panel['type'] == 'row':
            continue
        unit = panel.get('fieldConfig', {}).get('defaults', {}).get('unit', 'short')
        series = []
        for target in panel.get('targets', []):
            for labels, values in prometheus.range(substitute(target['expr'])):
                series.append((legend(target.get('legendFormat', ''), labels), values))
        page.reset()
        if panel['type'] == 'stat':
            report.append(draw_stat(page, panel, box(panel), unit, series, timestamps, local))
        else:
            report.append(draw_timeseries(page, panel, box(panel), unit, series, timestamps, local))
    page('unset multiplot')

    script = f'{args.workdir}/dashboard.gp'
    with open(script, 'w') as out:
        out.write('\n'.join(page.lines) + '\n')
    result = subprocess.run(['gnuplot', script], capture_output=True, text=True)
    if result.returncode != 0 or result.stderr.strip():
        sys.stderr.write(result.stderr)
    if result.returncode != 0:
        sys.exit(f'gnuplot failed ({script})')
    print('\n'.join(report))


def draw_stat(page, panel, box, unit, series, timestamps, local):
    x0, y0, x1, y1 = box
    values = series[0][1] if series else {}
    last = next((values[t] for t in sorted(values, reverse=True) if values[t] is not None), None)
    colour = threshold_colour(panel, last)
    text = stat_text(unit, last)
    page.label(text, (x0 + x1) / 2, y0 + (y1 - y0) * 0.43, size=24, bold=True,
               colour=colour if last is not None else MUTED, align='center')
    points = [(local(t), values.get(t)) for t in timestamps]
    known = [v for _, v in points if v is not None]
    if known:
        low, high = min(known), max(known)
        if high == low:
            low, high = low - 1, high + 1
        pad = (high - low) * 0.1
        path = page.data([[(t, v) if v is not None else None for t, v in points]])
        page.margins(x0 + 1, y0 + (y1 - y0) * 0.62, x1 - 1, y1 - 1)
        page(f'set xrange [{local(timestamps[0])}:{local(timestamps[-1])}]; set yrange [{low - pad:.6g}:{high + pad:.6g}]')
        page(f"plot '{path}' using 1:2:({low - pad:.6g}) with filledcurves fc rgb \"{colour}\" "
             f"fs transparent solid 0.18 noborder notitle, '' using 1:2 with lines lc rgb \"{colour}\" lw 1.5 notitle")
    else:
        page('plot [0:1][0:1] NaN notitle')
    return f'{panel["title"]}: {text}'


def draw_timeseries(page, panel, box, unit, series, timestamps, local):
    x0, y0, x1, y1 = box
    stacked = panel.get('fieldConfig', {}).get('defaults', {}).get('custom', {}).get('stacking', {}).get('mode') == 'normal'
    known = [v for _, values in series for v in values.values() if v is not None]
    if stacked:
        totals = [sum(values.get(t) or 0 for _, values in series) for t in timestamps]
        known = totals if series else []
    peak = max((abs(v) for v in known), default=0)
    factor, fmt = scale(unit, peak)

    # legend at the bottom, wrapped into lines
    items, lines, used = [], 1, 0
    width_left = x1 - x0 - 20
    for index, (name, _) in enumerate(series):
        w = 18 + text_width(name, 8.5) + 14
        if used + w > width_left and used > 0:
            lines += 1
            used = 0
        items.append((name, PALETTE[index % len(PALETTE)], used, lines))
        used += w
    legend_h = (lines * 15 + 4) if series else 0
    plot_bottom = y1 - 8 - legend_h - 16
    for name, colour, offset, row in items:
        ly = plot_bottom + 18 + (row - 1) * 15 + 8
        page.rect(x0 + 10 + offset, ly - 2, x0 + 10 + offset + 14, ly + 2, colour, layer='front')
        page.label(name, x0 + 10 + offset + 18, ly, size=8.5, colour=TEXT)

    if not known:
        page.label('No data', (x0 + x1) / 2, (y0 + y1) / 2, size=12, colour=MUTED, align='center')
        page('plot [0:1][0:1] NaN notitle')
        return f'{panel["title"]}: no data'

    low, high = min(known) * factor, max(known) * factor
    if low >= 0 and (low <= 0.3 * high or stacked):
        low = 0
    if high - low < 1e-12:
        low, high = (0, 1) if high == 0 else (high * 0.9, high * 1.1)
    step = nice_step(high - low, 4)
    low = math.floor(low / step) * step
    high = max(math.ceil(high / step) * step, low + step)
    tick_labels = [fmt.replace('%g', f'{float(f"{low + i * step:.6g}"):g}').replace('%%', '%')
                   for i in range(int(round((high - low) / step)) + 1)]
    left = x0 + 12 + max(text_width(t, 8) for t in tick_labels) + 6
    page.margins(left, y0 + 34, x1 - 28, plot_bottom)

    span = timestamps[-1] - timestamps[0]
    room = max(2, int((x1 - 28 - left) / 80))
    interval = next((i for i in (5, 10, 15, 20, 30, 60, 120, 300, 600, 1800, 3600) if span / i <= room), 3600)
    first = math.ceil(local(timestamps[0]) / interval) * interval
    page('set xdata time; set timefmt "%s"; set format x "%H:%M:%S"')
    page(f'set xrange [{local(timestamps[0])}:{local(timestamps[-1])}]')
    page(f'set xtics {first},{interval} nomirror scale 0 tc rgb "{MUTED}" font ",8" offset 0,0.2')
    page(f'set yrange [{low:.6g}:{high:.6g}]')
    page(f'set ytics {low:.6g},{step:.6g},{high:.6g} nomirror scale 0 tc rgb "{MUTED}" font ",8"')
    page(f'set format y {quote(fmt)}')
    page(f'set grid xtics ytics lc rgb "{GRID}" lw 1 dt 1 back')

    blocks, plots = [], []
    below = [0.0] * len(timestamps)
    for index, (name, values) in enumerate(series):
        rows = []
        for i, t in enumerate(timestamps):
            v = values.get(t)
            if stacked:
                top = below[i] + (v or 0)
                rows.append((local(t), below[i] * factor, top * factor))
                below[i] = top
            else:
                rows.append((local(t), 0, v * factor) if v is not None else None)
        blocks.append(rows)
    path = page.data(blocks)
    for index in range(len(series)):
        colour = PALETTE[index % len(PALETTE)]
        plots.append(f"'{path}' index {index} using 1:2:3 with filledcurves fc rgb \"{colour}\" "
                     f"fs transparent solid {0.22 if stacked else 0.10} noborder notitle")
        plots.append(f"'{path}' index {index} using 1:3 with lines lc rgb \"{colour}\" lw 1.5 notitle")
    page('plot ' + ', \\\n     '.join(plots))

    summary = []
    for name, values in series:
        vs = [v for v in values.values() if v is not None]
        summary.append(f'{name or "(value)"} max {max(vs) * factor:.3g} last {vs[-1] * factor:.3g}' if vs else f'{name} no data')
    return f'{panel["title"]} [{fmt.replace("%g", "").replace("%%", "%").strip() or unit}]: ' + '; '.join(summary)


if __name__ == '__main__':
    main()
EOF
}

main() {
	install_tools
	find_jdk
	check_ports
	start_sandbox
	start_prometheus
	sleep 6 # a few scrapes before the traffic, so that the first rates have a baseline
	drive_traffic
	render
	log "done: $OUTPUT"
}

main "$@"
