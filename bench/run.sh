#!/usr/bin/env bash
# Gatehouse benchmark: one command, loopback only, bounded in time. See bench/README.md.
#
#   bench/run.sh            full run (~20 min): 3 repeats x 15 s per cell, SSE at 1k/5k/10k, start-up x3
#   bench/run.sh --quick    smoke run (~3 min): 1 repeat x 4 s, SSE at 1k, start-up x1
#
# Options (after --quick they override its values):
#   --duration S      seconds per wrk measurement          (full 15, quick 4)
#   --repeats N       repeats of the whole POST matrix     (full 3, quick 1)
#   --warmup S        Gatehouse JIT warm-up seconds        (full 60, quick 8)
#   --sse "N1 N2 .."  idle SSE stream counts               (full "1000 5000 10000", quick "1000")
#   --startups N      start-ups timed per mode             (full 3, quick 1)
#   --skip-post | --skip-sse | --skip-startup
#   --no-wait         do not wait for the machine to be idle before measuring
#   --no-build        measure the jar already in gateway-app/target (default: build it first)
#   --out DIR         results directory                    (default bench/results)
#
# Ports (127.0.0.1 only): 18081 backend nginx (POST /mcp, JWKS), 18082 nginx proxy, 18083 HAProxy,
# 18084 Gatehouse (18085 management), 18086 Node SSE backend.
set -euo pipefail
{ # the whole script is one compound command: bash parses it before running, so editing it mid-run is safe

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
DURATION=15 REPEATS=3 WARMUP=60 SSE_COUNTS="1000 5000 10000" STARTUPS=3 MODE=full
ARGS="$*"
BUILD=1 DO_POST=1 DO_SSE=1 DO_STARTUP=1 WAIT_IDLE=1 OUT="$BENCH/results"
while [ $# -gt 0 ]; do
	case "$1" in
		--quick) MODE=quick DURATION=4 REPEATS=1 WARMUP=8 SSE_COUNTS="1000" STARTUPS=1 ;;
		--duration) DURATION=$2; shift ;;
		--repeats) REPEATS=$2; shift ;;
		--warmup) WARMUP=$2; shift ;;
		--sse) SSE_COUNTS=$2; shift ;;
		--startups) STARTUPS=$2; shift ;;
		--skip-post) DO_POST=0 ;;
		--skip-sse) DO_SSE=0 ;;
		--skip-startup) DO_STARTUP=0 ;;
		--no-wait) WAIT_IDLE=0 ;;
		--no-build) BUILD=0 ;;
		--out) OUT=$2; shift ;;
		-h|--help) sed -n '2,/^# 18084/p' "$0"; exit 0 ;;
		*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)  # absolute: nginx and HAProxy resolve relative paths against their own prefix
RUN=$OUT/run                      # generated configs, keys, logs and raw wrk output (git-ignored)
CSV=$OUT/results.csv
JAR=$ROOT/gateway-app/target/gateway-app-0.1.0-SNAPSHOT-exec.jar
ISSUER=http://127.0.0.1:18081/issuer
AUDIENCE=http://127.0.0.1:18084/mcp/bench
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- prerequisites
need=()
for tool in wrk:wrk nginx:nginx haproxy:haproxy gnuplot:gnuplot-nox curl:curl openssl:openssl python3:python3 node:nodejs; do
	command -v "${tool%%:*}" > /dev/null || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing from Debian: ${need[*]}"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi
JAVA_HOME_25=${JAVA_HOME_25:-$(ls -d /usr/lib/jvm/*25* 2> /dev/null | head -1)}
JAVA=$JAVA_HOME_25/bin/java
[ -x "$JAVA" ] || die "no JDK 25 under /usr/lib/jvm (set JAVA_HOME_25)"
# always from the working tree: a jar left over from an older build would be measured silently
if [ $BUILD -eq 1 ] || [ ! -f "$JAR" ]; then
	log "building $JAR from the working tree"
	# with the Spring AOT classes (used only by the spring-aot start-up mode); Maven on JDK 25 for them
	(cd "$ROOT" && JAVA_HOME=$JAVA_HOME_25 mvn -B -ntp -q -pl gateway-app -am -DskipTests -Pspring-aot package) || die "maven build"
fi
# 10,000 SSE streams need ~20,000 sockets in the gateway: raise the hard limit where allowed (root)
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge 65536 ] || ulimit -Hn 65536 2> /dev/null || true
ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)

rm -rf "$RUN" && mkdir -p "$RUN/www/issuer" "$RUN/wrk" "$OUT"
chmod 755 "$RUN"

# ---------------------------------------------------------------- processes (all killed on exit)
PIDS=()
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
	sleep 1
	for pid in "${PIDS[@]}"; do kill -9 "$pid" 2> /dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# utime + stime (clock ticks) of a process and its children (nginx workers)
cpu_ticks() {
	local total=0 pid
	for pid in "$@" $(for p in "$@"; do pgrep -P "$p"; done 2> /dev/null || true); do
		[ -r "/proc/$pid/stat" ] || continue
		total=$((total + $(sed 's/^.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')))
	done
	echo "$total"
}
# sum of a /proc status field (kB) over a process and its children
status_kb() {
	local field=$1 total=0 pid v
	shift
	for pid in "$@" $(for p in "$@"; do pgrep -P "$p"; done 2> /dev/null || true); do
		v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/status" 2> /dev/null || true)
		total=$((total + ${v:-0}))
	done
	echo "$total"
}
TICK=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8}' /proc/stat; }
# CPU of this script's finished children (wrk, curl): cutime + cstime of the main shell
children_ticks() { sed 's/^.*) //' "/proc/$$/stat" | awk '{print $14 + $15}'; }

wait_http() { # url timeout-seconds [expected status]
	local deadline=$((SECONDS + $2)) code
	while [ $SECONDS -lt $deadline ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)
		[ "$code" = "${3:-200}" ] && return 0
		sleep 0.2
	done
	return 1
}

# Wait (up to 10 minutes) until the machine is idle: no other build or test using the CPU.
wait_for_idle() {
	local deadline=$((SECONDS + 600)) busy
	while :; do
		busy=$(awk '/^cpu /{print $2+$3+$4+$7+$8, $5+$6}' /proc/stat; sleep 10; awk '/^cpu /{print $2+$3+$4+$7+$8, $5+$6}' /proc/stat)
		busy=$(echo "$busy" | awk 'NR==1{b=$1;i=$2} NR==2{printf "%d", 100*($1-b)/(($1-b)+($2-i)+1e-9)}')
		if [ "$busy" -lt 10 ] || [ $WAIT_IDLE -eq 0 ]; then
			IDLE_NOTE="CPU busy ${busy}% over 10 s before measuring; load average $(cut -d' ' -f1-3 /proc/loadavg)"
			log "$IDLE_NOTE"
			return
		fi
		if [ $SECONDS -ge $deadline ]; then
			IDLE_NOTE="machine NOT idle: CPU busy ${busy}% before measuring (waited 10 min); load average $(cut -d' ' -f1-3 /proc/loadavg)"
			log "$IDLE_NOTE"
			return
		fi
		log "machine busy (${busy}% CPU): waiting; top: $(top -bn1 -o %CPU | sed -n '8,9p' | awk '{print $12"("$9"%)"}' | tr '\n' ' ')"
		sleep 20
	done
}

# ---------------------------------------------------------------- keys, tokens, configs
log "minting RS256 tokens (RSA 2048)"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN/signing.key" 2> /dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$RUN/forger.key" 2> /dev/null
openssl pkey -in "$RUN/signing.key" -pubout -out "$RUN/pubkey.pem"
"$JAVA" "$BENCH/Mint.java" "$RUN" "$ISSUER" "$AUDIENCE"
mv "$RUN/jwks.json" "$RUN/www/issuer/jwks.json"
VALID=$(cat "$RUN/valid.jwt") FORGED=$(cat "$RUN/forged.jwt") WRONG_AUD=$(cat "$RUN/wrong-aud.jwt")

TOOLS_LIST=$(tr -d '\n' < "$BENCH/conf/tools-list.json")
for conf in backend-nginx.conf proxy-nginx.conf haproxy.cfg; do
	sed -e "s|@RUN@|$RUN|g" -e "s|@TOOLS_LIST@|$TOOLS_LIST|" "$BENCH/conf/$conf" > "$RUN/$conf"
done

# ---------------------------------------------------------------- start the systems
GATEHOUSE_ARGS=(--spring.config.additional-location="file:$BENCH/conf/gatehouse.yaml"
	--server.tomcat.max-connections=25000 --server.tomcat.accept-count=2048)
# Heap fixed as in k8s/base and the Dockerfile (initial = maximum; here as in a pod with a 6 GiB limit):
# a heap grown from a small start keeps held SSE streams above G1's marking threshold
read -r -a JAVA_OPTS <<< "${GATEHOUSE_JAVA_OPTS:--Xms3g -Xmx3g}"

nginx -p "$RUN" -c "$RUN/backend-nginx.conf" 2> "$RUN/backend-nginx.out" & BACKEND_PID=$!; PIDS+=($!)
nginx -p "$RUN" -c "$RUN/proxy-nginx.conf" 2> "$RUN/proxy-nginx.out" & PROXY_PID=$!; PIDS+=($!)
haproxy -db -f "$RUN/haproxy.cfg" > "$RUN/haproxy.out" 2>&1 & HAPROXY_PID=$!; PIDS+=($!)
node "$BENCH/sse-backend.mjs" 18086 > "$RUN/sse-backend.out" 2>&1 & SSE_BACKEND_PID=$!; PIDS+=($!)
wait_http http://127.0.0.1:18081/issuer/jwks.json 10 || die "backend nginx did not start (see $RUN/backend-nginx.*)"
wait_http http://127.0.0.1:18082/mcp 10 405 || die "proxy nginx did not start (see $RUN/proxy-nginx.*)"
wait_http http://127.0.0.1:18083/mcp 10 401 || die "HAProxy did not start (see $RUN/haproxy.out)"

start_gatehouse() { # extra java options...
	"$JAVA" "${JAVA_OPTS[@]}" "$@" -jar "$JAR" "${GATEHOUSE_ARGS[@]}" > "$RUN/gatehouse.out" 2>&1 &
	GATEHOUSE_PID=$!
	PIDS+=($!)
}
start_gatehouse
wait_http http://127.0.0.1:18085/actuator/health/readiness 90 || die "Gatehouse not ready (see $RUN/gatehouse.out)"
GATEHOUSE_MAIN_PID=$GATEHOUSE_PID

# system name -> port, path, pid
declare -A PORT=([backend]=18081 [nginx]=18082 [haproxy]=18083 [gatehouse]=18084)
declare -A URLPATH=([backend]=/mcp [nginx]=/mcp [haproxy]=/mcp [gatehouse]=/mcp/bench)
declare -A SUTPID=([backend]=$BACKEND_PID [nginx]=$PROXY_PID [haproxy]=$HAPROXY_PID [gatehouse]=$GATEHOUSE_PID)
url() { echo "http://127.0.0.1:${PORT[$1]}${URLPATH[$1]}"; }

post() { # system token -> "status body"
	rm -f "$RUN/post.body"
	curl -s -o "$RUN/post.body" -w '%{http_code}' -X POST "$(url "$1")" -H "Authorization: Bearer $2" \
		-H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
		-d '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}'
}

# ---------------------------------------------------------------- sanity: every system answers as expected
for system in backend nginx haproxy gatehouse; do
	[ "$(post "$system" "$VALID")" = 200 ] && cmp -s "$RUN/post.body" <(printf '%s' "$TOOLS_LIST") \
		|| die "$system: valid token did not get the tools/list result: $(head -c 300 "$RUN/post.body")"
done
for system in haproxy gatehouse; do
	for token in FORGED WRONG_AUD; do
		status=$(post "$system" "${!token}")
		[ "$status" = 401 ] || die "$system: $token token got $status, expected 401"
	done
done
log "sanity checks passed: all systems return the tools/list result; HAProxy and Gatehouse refuse forged and wrong-audience tokens with 401"

MACHINE="$(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r)"
VERSIONS="$("$JAVA" -version 2>&1 | sed -n 2p); $(nginx -v 2>&1 | sed 's/.*: //'); $(haproxy -v | head -1 | cut -d' ' -f1-3); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); node $(node -v)"
echo "section,repeat,system,token,connections,requests,seconds,rps,p50_ms,p90_ms,p99_ms,cpu_us_per_req,non2xx,socket_errors,foreign_cpu_pct,extra" > "$CSV"

# run_wrk system token-name connections seconds -> appends a csv row (section in $SECTION, repeat in $REP)
run_wrk() {
	local system=$1 tokname=$2 conns=$3 secs=$4 pid=${SUTPID[$1]} before after raw line
	local token=${!tokname}
	raw="$RUN/wrk/$SECTION-$REP-$system-$tokname-$conns.txt"
	local own="$pid" busy0 busy1 kids0 kids1 own0 own1
	[ "$pid" = "$BACKEND_PID" ] || own="$pid $BACKEND_PID"
	busy0=$(busy_ticks) kids0=$(children_ticks) own0=$(cpu_ticks $own $SSE_BACKEND_PID)
	before=$(cpu_ticks "$pid")
	BENCH_TOKEN=$token wrk -t2 -c"$conns" -d"${secs}s" --timeout 5s -s "$BENCH/conf/post.lua" "$(url "$system")" > "$raw" 2>&1 || true
	after=$(cpu_ticks "$pid")
	busy1=$(busy_ticks) kids1=$(children_ticks) own1=$(cpu_ticks $own $SSE_BACKEND_PID)
	# CPU used by anything else on the machine during the cell, in % of all cores
	local foreign=$(( (busy1 - busy0 - (kids1 - kids0) - (own1 - own0)) * 100 / (secs * TICK * $(nproc)) ))
	line=$(grep '^RESULT' "$raw") || die "wrk failed: $raw"
	eval "${line#RESULT }"
	# shellcheck disable=SC2154  # set by eval
	awk -v s="$SECTION" -v r="$REP" -v sys="$system" -v t="$tokname" -v c="$conns" -v n="$requests" -v d="$duration_us" \
		-v p50="$p50_us" -v p90="$p90_us" -v p99="$p99_us" -v ticks=$((after - before)) -v hz="$TICK" \
		-v non2xx="$non2xx" -v se="$sockerr" -v extra="${EXTRA:-}" -v foreign="$foreign" 'BEGIN {
		printf "%s,%s,%s,%s,%d,%d,%.2f,%.0f,%.3f,%.3f,%.3f,%.1f,%d,%d,%d,%s\n", s, r, sys, tolower(t), c, n, d/1e6, n/(d/1e6),
			p50/1000, p90/1000, p99/1000, (n > 0 ? ticks * 1e6 / hz / n : 0), non2xx, se, foreign, extra }' >> "$CSV"
	tail -1 "$CSV" | awk -F, '{printf "  %-9s %-9s c=%-3s %9s req/s  p50 %7s ms  p99 %7s ms  cpu %6s us/req  non2xx %s  errors %s  other CPU %s%%\n", $3, $4, $5, $8, $9, $11, $12, $13, $14, $15}' >&2
}

# ---------------------------------------------------------------- POST matrix
wait_for_idle
START_NOTE=$IDLE_NOTE
if [ $DO_POST -eq 1 ]; then
	SECTION=warmup REP=0
	log "warm-up: Gatehouse ${WARMUP}s (valid, then forged), others 2 s"
	run_wrk gatehouse VALID 64 $((WARMUP * 2 / 3))
	run_wrk gatehouse FORGED 64 $((WARMUP / 3))
	for system in backend nginx haproxy; do run_wrk "$system" VALID 64 2; done
	SECTION=post
	systems=(backend nginx haproxy gatehouse)
	for REP in $(seq 1 "$REPEATS"); do
		log "POST matrix, repeat $REP of $REPEATS (${DURATION}s per cell)"
		for cell in "VALID 16" "VALID 64" "FORGED 16" "FORGED 64"; do
			read -r tokname conns <<< "$cell"
			# rotate the order every repeat so no system always runs first or last
			for i in 0 1 2 3; do
				system=${systems[$(((i + REP) % 4))]}
				if [ "$tokname" = FORGED ] && { [ "$system" = backend ] || [ "$system" = nginx ]; }; then continue; fi
				run_wrk "$system" "$tokname" "$conns" "$DURATION"
			done
		done
	done
	for system in backend nginx haproxy gatehouse; do
		echo "peak_rss,0,$system,,,,,,,,,,,,,vmhwm_kb=$(status_kb VmHWM "${SUTPID[$system]}")" >> "$CSV"
	done
fi

# ---------------------------------------------------------------- SSE capacity
prom() { curl -s http://127.0.0.1:18085/actuator/prometheus; }
heap_bytes() { prom | awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%.0f", s}'; }
prom_value() { prom | awk -v m="$1" 'index($0, m) == 1 {s += $NF} END {printf "%.0f", s}'; }
jcmd_gc() { "$JAVA_HOME_25/bin/jcmd" "$GATEHOUSE_PID" GC.run > /dev/null 2>&1 || true; sleep 1; }
sse_sample() { # n -> appends an sse_state row
	local heap_live
	jcmd_gc
	heap_live=$(heap_bytes)
	echo "sse_state,0,gatehouse,,$1,,,,,,,,,,,heap_used_mb=$(awk -v h="$2" 'BEGIN{printf "%.0f", h/1048576}');heap_after_gc_mb=$(awk -v h="$heap_live" 'BEGIN{printf "%.0f", h/1048576}');rss_mb=$(($(status_kb VmRSS "$GATEHOUSE_PID") / 1024));platform_threads=$(awk '/^Threads:/{print $2}' "/proc/$GATEHOUSE_PID/status");jvm_live_threads=$(prom_value jvm_threads_live_threads);sse_active=$(prom_value gatehouse_sse_active);fds=$(ls "/proc/$GATEHOUSE_PID/fd" | wc -l)" >> "$CSV"
	tail -1 "$CSV" | sed 's/.*,//; s/;/  /g; s/^/  /' >&2
}
gc_count() { prom_value 'jvm_gc_pause_seconds_count{'; }
gc_max_pause_ms() { prom | awk 'index($0, "jvm_gc_pause_seconds_max{") == 1 && $NF > m {m = $NF} END {printf "%.0f", m * 1000}'; }
# Streams opened by the thousand within seconds are copied out of the young generation by the next
# collections (a one-off pause of 0.2-0.7 s for 5,000); what is measured is holding them, so POST load
# runs unmeasured until three collections have passed since they opened (at most 90 s).
settle_streams() {
	local gc0 t0=$SECONDS
	gc0=$(gc_count)
	while [ $(($(gc_count) - gc0)) -lt 3 ] && [ $((SECONDS - t0)) -lt 90 ]; do
		BENCH_TOKEN=$VALID wrk -t2 -c16 -d3s --timeout 5s -s "$BENCH/conf/post.lua" "$(url gatehouse)" > /dev/null 2>&1 || true
	done
	log "  settled after $((SECONDS - t0)) s ($(($(gc_count) - gc0)) collections; longest recent pause $(gc_max_pause_ms) ms)"
}
if [ $DO_SSE -eq 1 ]; then
	SECTION=sse REP=1
	MAX_STREAMS=$(((FD_LIMIT - 400) / 2))
	log "SSE capacity: streams ${SSE_COUNTS} (open-file limit $FD_LIMIT: at most $MAX_STREAMS streams through one gateway process, 2 sockets each)"
	# each cell repeated like the POST matrix (median): the backend's heartbeats reach all streams in
	# the same instant every 15 s, so one cell's p99 depends on where that burst falls in it
	sse_cells() { for REP in $(seq 1 "$REPEATS"); do EXTRA="streams=$1" run_wrk gatehouse VALID 16 "$DURATION"; done; REP=1; }
	sse_cells 0
	sse_sample 0 "$(heap_bytes)"
	open_streams=0
	CLIENT_PIDS=()
	for n in $SSE_COUNTS; do
		if [ "$n" -gt "$MAX_STREAMS" ]; then
			log "  $n streams exceed the open-file limit ($FD_LIMIT, hard): measuring $MAX_STREAMS instead"
			n=$MAX_STREAMS
		fi
		[ "$n" -gt "$open_streams" ] || continue
		t0=$SECONDS
		BENCH_TOKEN=$VALID node "$BENCH/sse-clients.mjs" http://127.0.0.1:18084/mcp/sse $((n - open_streams)) > "$RUN/sse-clients-$n.out" 2>&1 &
		CLIENT_PIDS+=($!)
		PIDS+=($!)
		until grep -q '^ready' "$RUN/sse-clients-$n.out" 2> /dev/null; do
			kill -0 "${CLIENT_PIDS[-1]}" 2> /dev/null || die "SSE client died: $(tail -3 "$RUN/sse-clients-$n.out")"
			[ $((SECONDS - t0)) -lt 180 ] || die "SSE clients not ready after 180 s"
			sleep 0.5
		done
		log "  $(cat "$RUN/sse-clients-$n.out") (+$((n - open_streams)) streams in $((SECONDS - t0)) s)"
		open_streams=$n
		settle_streams
		heap=$(heap_bytes)
		sse_cells "$n"
		sse_sample "$n" "$heap"
	done
	for pid in "${CLIENT_PIDS[@]}"; do kill -USR2 "$pid"; done
	sleep 0.5
	for pid in "${CLIENT_PIDS[@]}"; do kill "$pid" 2> /dev/null || true; done
	sleep 1
	grep -h '^status\|^final' "$RUN"/sse-clients-*.out | sed 's/^/  /' >&2 || true
fi
GATEHOUSE_PEAK_KB=$(status_kb VmHWM "$GATEHOUSE_PID")

# ---------------------------------------------------------------- start-up
stop_gatehouse() {
	kill "$GATEHOUSE_PID" 2> /dev/null || true
	local i
	for i in $(seq 1 150); do kill -0 "$GATEHOUSE_PID" 2> /dev/null || return 0; sleep 0.2; done
	kill -9 "$GATEHOUSE_PID" 2> /dev/null || true
	wait "$GATEHOUSE_PID" 2> /dev/null || true
}
if [ $DO_STARTUP -eq 1 ]; then
	SECTION=startup
	stop_gatehouse
	log "start-up: extracting the jar and training the JDK AOT cache (JEP 483/514)"
	rm -rf "$RUN/extracted"
	"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$RUN/extracted" > /dev/null
	EXTRACTED_JAR=$RUN/extracted/$(basename "$JAR")
	# training run: start, serve a few requests, then exit normally; the JVM writes the cache at exit
	train() { # cache file, extra java options...
		local cache=$1
		shift
		start_gatehouse -XX:AOTCacheOutput="$cache" "$@"
		wait_http http://127.0.0.1:18085/actuator/health/readiness 90 || die "training run not ready"
		for i in $(seq 1 200); do post gatehouse "$VALID" > /dev/null; post gatehouse "$FORGED" > /dev/null; done
		stop_gatehouse
		[ -f "$cache" ] || die "no AOT cache written (see $RUN/gatehouse.out)"
		log "  AOT cache: $(du -h "$cache" | cut -f1)"
	}
	JAR_SAVED=$JAR JAR=$EXTRACTED_JAR
	train "$RUN/app.aot"
	# (the listing read whole first: grep -q in a pipe could end it early, and pipefail would call that a failure)
	[[ "$("$JAVA_HOME_25/bin/jar" tf "$JAR_SAVED")" == *__BeanDefinitions* ]] || die "the jar has no Spring AOT classes (built without -Pspring-aot?)"
	train "$RUN/spring-aot.aot" -Dspring.aot.enabled=true
	JAR=$JAR_SAVED
	for REP in $(seq 1 "$STARTUPS"); do
		for mode in jar extracted aot spring-aot; do
			opts=()
			case $mode in
				jar) JAR_USED=$JAR_SAVED ;;
				extracted) JAR_USED=$EXTRACTED_JAR ;;
				aot) JAR_USED=$EXTRACTED_JAR opts=(-XX:AOTCache="$RUN/app.aot") ;;
				spring-aot) JAR_USED=$EXTRACTED_JAR opts=(-XX:AOTCache="$RUN/spring-aot.aot" -Dspring.aot.enabled=true) ;;
			esac
			JAR=$JAR_USED
			busy0=$(busy_ticks)
			t0=$(date +%s%N)
			start_gatehouse "${opts[@]}"
			# one poller process for the whole wait: a curl per poll would take CPU from the start-up it times
			python3 "$BENCH/wait-ready.py" 18085 "$GATEHOUSE_PID" 90 \
				|| die "Gatehouse ($mode) not ready: $(tail -5 "$RUN/gatehouse.out")"
			t_ready=$(date +%s%N)
			# CPU used by anything but this Gatehouse while it started, in % of all cores
			other=$(( (($(busy_ticks) - busy0) - $(cpu_ticks "$GATEHOUSE_PID")) * 100 * 1000000000 / ((t_ready - t0) * TICK * $(nproc)) ))
			[ "$(post gatehouse "$VALID")" = 200 ] || die "first proxied request failed ($mode)"
			t_first=$(date +%s%N)
			sleep 5
			idle_rss=$(($(status_kb VmRSS "$GATEHOUSE_PID") / 1024))
			started=$(grep -o 'Started [A-Za-z]* in [0-9.]* seconds' "$RUN/gatehouse.out" | grep -o '[0-9.]* seconds' | cut -d' ' -f1)
			echo "startup,$REP,gatehouse,,,,,,,,,,,,,mode=$mode;ready_ms=$(((t_ready - t0) / 1000000));first_request_ms=$(((t_first - t0) / 1000000));spring_started_s=$started;idle_rss_mb=$idle_rss;other_cpu_pct=$other" >> "$CSV"
			log "  $mode: ready $(((t_ready - t0) / 1000000)) ms, first proxied request $(((t_first - t0) / 1000000)) ms, Spring 'Started in' ${started}s, idle RSS ${idle_rss} MB, other CPU ${other}%"
			stop_gatehouse
		done
	done
	JAR=$JAR_SAVED
fi

# ---------------------------------------------------------------- report
rm -f "$OUT/plot.gp" "$OUT/plot.dat" "$OUT/plot.png"
END_NOTE="load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$BENCH/report.py" "$CSV" "$OUT" --mode "$MODE" --duration "$DURATION" --repeats "$REPEATS" \
	--machine "$MACHINE" --versions "$VERSIONS" --load "$START_NOTE; $END_NOTE" \
	--command "bench/run.sh $ARGS" --gatehouse-peak-kb "${GATEHOUSE_PEAK_KB:-0}" --fd-limit "$FD_LIMIT"
if [ -f "$OUT/plot.gp" ]; then
	gnuplot "$OUT/plot.gp" 2> "$RUN/gnuplot.err" || log "gnuplot failed: $(cat "$RUN/gnuplot.err")"
fi
cat "$OUT/results.md"
log "results: $OUT/results.md, $OUT/results.csv, $OUT/plot.png (raw wrk output and logs in $RUN)"
exit
}
