#!/usr/bin/env python3
"""Turns bench/run.sh's results.csv into results.md (medians, ratios) and plot.gp (gnuplot, PNG)."""
import argparse
import csv
import statistics
from collections import defaultdict
from datetime import datetime, timezone

SYSTEMS = ["backend", "nginx", "haproxy", "gatehouse"]
LABELS = {
    "backend": "(a) backend direct (nginx)",
    "nginx": "(b) nginx proxy, no auth",
    "haproxy": "(c) HAProxy jwt_verify",
    "gatehouse": "(d) Gatehouse",
}
TOKENS = {"valid": "valid", "forged": "rejected (forged signature)"}


def extra(row):
    return dict(kv.split("=", 1) for kv in row["extra"].split(";") if "=" in kv)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("out")
    for name in ("mode", "duration", "repeats", "machine", "versions", "load", "command", "gatehouse-peak-kb", "fd-limit"):
        ap.add_argument("--" + name, default="")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.csv)))
    md = []
    w = md.append
    w(f"# Gatehouse benchmark ({a.mode} run)\n")
    w(f"- Date: {datetime.now(timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")
    w(f"- Command: `{a.command.strip()}`")
    w(f"- Machine: {a.machine}")
    w(f"- Software: {a.versions}")
    w(f"- Load: {a.load}")
    w(f"- Method: loopback only; wrk 2 threads, POST tools/list (~1.1 KB JSON-RPC result), {a.duration} s per cell, "
      f"{a.repeats} repeat(s), systems alternated in rotating order, figures are medians over repeats. "
      "Load generator, backend and system under test share the same cores. CPU = utime+stime of the system "
      "under test only (all its processes) / requests. Rejected token = the valid token's header and claims "
      "signed by another RSA key under the issuer's kid (bad signature: costs one RSA verification, no backend).\n")

    post = [r for r in rows if r["section"] == "post"]
    cells = defaultdict(list)
    for r in post:
        cells[(r["system"], r["token"], int(r["connections"]))].append(r)

    def med(key, field):
        vals = [float(r[field]) for r in cells.get(key, [])]
        return statistics.median(vals) if vals else None

    peak = {r["system"]: int(extra(r)["vmhwm_kb"]) for r in rows if r["section"] == "peak_rss"}
    if post:
        w("## POST throughput and latency\n")
        w("| System | Token | Conns | req/s | p50 ms | p99 ms | CPU µs/req | non-2xx | socket errors | other CPU % (max) | runs |")
        w("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for token in TOKENS:
            for conns in (16, 64):
                for s in SYSTEMS:
                    k = (s, token, conns)
                    if k not in cells:
                        continue
                    rs = cells[k]
                    w(f"| {LABELS[s]} | {TOKENS[token]} | {conns} | {med(k, 'rps'):,.0f} | {med(k, 'p50_ms'):.2f} | "
                      f"{med(k, 'p99_ms'):.2f} | {med(k, 'cpu_us_per_req'):.1f} | "
                      f"{sum(int(r['non2xx']) for r in rs)} | {sum(int(r['socket_errors']) for r in rs)} | {max(int(r['foreign_cpu_pct']) for r in rs)} | {len(rs)} |")
        w("\nnon-2xx: valid-token rows must show 0; rejected rows count every request (all 401). other CPU: CPU "
          "used during the cell by processes other than wrk, the backend and the system under test, in % of all "
          "cores (a few % is noise; more means another job disturbed the cell).\n")
        if peak:
            w("Peak RSS (VmHWM, summed over the system's processes; for nginx master + workers): " + ", ".join(
                f"{LABELS[s]} {peak[s] / 1024:.0f} MB" for s in SYSTEMS if s in peak) + ".\n")

        w("### Ratios (medians)\n")
        w("| Figure | Gatehouse / HAProxy | Gatehouse / nginx proxy |")
        w("|---|---:|---:|")

        def ratio(field, token, conns, other):
            g, o = med(("gatehouse", token, conns), field), med((other, token, conns), field)
            return f"{g / o:.2f}" if g and o else "n/a"

        for token, conns in (("valid", 16), ("valid", 64), ("forged", 16), ("forged", 64)):
            n = ratio("rps", token, conns, "nginx") if token == "valid" else "n/a"
            w(f"| req/s, {TOKENS[token]}, {conns} conns | {ratio('rps', token, conns, 'haproxy')} | {n} |")
        for conns in (16, 64):
            w(f"| p99, valid, {conns} conns | {ratio('p99_ms', 'valid', conns, 'haproxy')} | "
              f"{ratio('p99_ms', 'valid', conns, 'nginx')} |")
        w(f"| CPU µs/req, valid, 64 conns | {ratio('cpu_us_per_req', 'valid', 64, 'haproxy')} | "
          f"{ratio('cpu_us_per_req', 'valid', 64, 'nginx')} |")
        gv, gf = med(("gatehouse", "valid", 64), "rps"), med(("gatehouse", "forged", 64), "rps")
        if gv and gf:
            w(f"\nGatehouse rejected / valid throughput at 64 conns: {gf / gv:.2f}.\n")

    sse = [r for r in rows if r["section"] == "sse"]
    states = {int(r["connections"]): extra(r) for r in rows if r["section"] == "sse_state"}
    if sse:
        w("## SSE capacity (idle streams held through Gatehouse while POST runs at 16 conns)\n")
        w("| Idle SSE streams | POST req/s | POST p50 ms | POST p99 ms | p99 vs 0 streams | heap used MB | heap after full GC MB | RSS MB | platform threads | open fds | other CPU % (max) | runs |")
        w("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        by_streams = defaultdict(list)
        for r in sse:
            by_streams[int(extra(r)["streams"])].append(r)
        base = None
        for n, rs in by_streams.items():
            st = states.get(n, {})
            m = lambda f: statistics.median(float(r[f]) for r in rs)
            p99 = m("p99_ms")
            base = base or p99
            w(f"| {n:,} (active {st.get('sse_active', '?')}) | {m('rps'):,.0f} | {m('p50_ms'):.2f} | {p99:.2f} | "
              f"{p99 / base:.2f} | {st.get('heap_used_mb', '?')} | {st.get('heap_after_gc_mb', '?')} | {st.get('rss_mb', '?')} | "
              f"{st.get('platform_threads', '?')} | {st.get('fds', '?')} | {max(int(r['foreign_cpu_pct']) for r in rs)} | {len(rs)} |")
        w(f"\nPOST figures are medians over the runs (each {a.duration} s); the backend's heartbeats reach all streams in "
          f"the same instant every 15 s. heap used = jvm_memory_used_bytes{{area=\"heap\"}} (sum of pools) before the POST run; heap after full GC = "
          f"the same after `jcmd GC.run` (live set). Open-file limit of the run: {a.fd_limit} (hard); each stream costs "
          f"the gateway two sockets. Gatehouse peak RSS over the whole run: {int(a.gatehouse_peak_kb or 0) / 1024:.0f} MB.\n")

    starts = [extra(r) for r in rows if r["section"] == "startup"]
    if starts:
        w("## Start-up (process start to readiness UP, to first proxied 200, idle RSS 5 s later)\n")
        w("| Mode | ready ms (median) | first proxied request ms | Spring 'Started in' s | idle RSS MB | other CPU % (max) | runs |")
        w("|---|---:|---:|---:|---:|---:|---:|")
        names = {"jar": "`java -jar` executable jar", "extracted": "extracted jar (`-Djarmode=tools extract`)",
                 "aot": "extracted jar + JDK AOT cache (`-XX:AOTCache`)",
                 "spring-aot": "extracted jar + JDK AOT cache + Spring AOT (`-Dspring.aot.enabled=true`)"}
        for mode in ("jar", "extracted", "aot", "spring-aot"):
            ms = [s for s in starts if s["mode"] == mode]
            if not ms:
                continue
            m = lambda f: statistics.median(float(s[f]) for s in ms if s.get(f))
            w(f"| {names[mode]} | {m('ready_ms'):.0f} | {m('first_request_ms'):.0f} | {m('spring_started_s'):.2f} | "
              f"{m('idle_rss_mb'):.0f} | {max((int(s['other_cpu_pct']) for s in ms if 'other_cpu_pct' in s), default='n/a')} | {len(ms)} |")
        w("\nEach AOT cache comes from one training run (`-XX:AOTCacheOutput`, JEP 514) that starts, serves 400 "
          "requests and exits on SIGTERM (with Spring AOT: its own cache, trained with the flag). Spring AOT: bean "
          "definitions generated at build time (`-Pspring-aot`). other CPU: CPU used by other processes between launch and "
          "readiness, in % of all cores; start-up is CPU-bound, so a busy machine stretches it.\n")
    if post:
        w("![throughput and latency](plot.png)\n")
    open(f"{a.out}/results.md", "w").write("\n".join(md) + "\n")
    if not post:
        return

    # gnuplot: throughput and p99 per system, grouped by (token, conns)
    groups = [("valid", 16), ("valid", 64), ("forged", 16), ("forged", 64)]
    with open(f"{a.out}/plot.dat", "w") as f:
        f.write("# group " + " ".join(SYSTEMS) + " " + " ".join(s + "_p99" for s in SYSTEMS) + "\n")
        for token, conns in groups:
            rps = [med((s, token, conns), "rps") for s in SYSTEMS]
            p99 = [med((s, token, conns), "p99_ms") for s in SYSTEMS]
            label = f'"{"valid" if token == "valid" else "rejected"} c{conns}"'
            f.write(label + " " + " ".join("-" if v is None else f"{v:.0f}" for v in rps) + " "
                    + " ".join("-" if v is None else f"{v:.3f}" for v in p99) + "\n")
    with open(f"{a.out}/plot.gp", "w") as f:
        f.write(f"""set terminal pngcairo size 1200,520 font ",10"
set output "{a.out}/plot.png"
set datafile missing "-"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key below noenhanced
set grid ytics
set termoption noenhanced
set multiplot layout 1,2 title "Gatehouse benchmark ({a.mode} run): medians, 2 wrk threads, loopback"
set title "Throughput (requests/s, higher is better)"
set yrange [0:*]
plot "{a.out}/plot.dat" using 2:xtic(1) title "{LABELS['backend']}", '' using 3 title "{LABELS['nginx']}", '' using 4 title "{LABELS['haproxy']}", '' using 5 title "{LABELS['gatehouse']}"
set title "p99 latency (ms, log scale, lower is better)"
set logscale y
set yrange [*:*]
plot "{a.out}/plot.dat" using 6:xtic(1) title "{LABELS['backend']}", '' using 7 title "{LABELS['nginx']}", '' using 8 title "{LABELS['haproxy']}", '' using 9 title "{LABELS['gatehouse']}"
unset multiplot
""")


if __name__ == "__main__":
    main()
