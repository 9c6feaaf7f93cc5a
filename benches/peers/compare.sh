#!/usr/bin/env bash
# Side-by-side speed of the same Erlang-A (M/M/n+M) queue in SimPy, in
# entraide, and in a minimal Rust event loop (bare_loop.rs, the practical
# ceiling): 100 arrivals/h, 25 staff, exponential handling (mean 15 min),
# exponential patience (mean 1 h) ending in abandonment. Both run on one
# core: simpy_erlang_a.py is one Python thread, `entraide run` of one
# replication is single-threaded (no worker pool is started), and so is
# the bare loop.
#
#   bash benches/peers/compare.sh
#
# Knobs (environment): SIMPY_CUSTOMERS (default 200000), ENTRAIDE_CUSTOMERS
# (default 2000000), RUNS (best of, default 3), SEED (default 1), TARGET
# (the ratio to meet, default 100).
# It creates target/peers-venv (Python venv with a pinned SimPy) if absent,
# builds entraide and the bare loop in release mode, then runs the three in
# turn, RUNS times each (SimPy, entraide, bare loop, SimPy, ...), so that a slow spell
# on a shared machine falls on both. It keeps each tool's fastest run and
# prints customers per second, the ratio, whether it meets TARGET, the
# machine, and both tools' queue metrics next to the exact Erlang-A values.
set -euo pipefail

SIMPY_VERSION=4.1.2
SIMPY_CUSTOMERS=${SIMPY_CUSTOMERS:-200000}
ENTRAIDE_CUSTOMERS=${ENTRAIDE_CUSTOMERS:-2000000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
TARGET=${TARGET:-100}
ARRIVALS_PER_HOUR=100

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=$root/target/peers-venv
py=$venv/bin/python

# --- SimPy in its own virtual environment ----------------------------------
if [[ ! -x $py ]]; then
    echo "creating $venv" >&2
    python3 -m venv "$venv"
fi
if ! "$py" -c "import simpy, sys; sys.exit(simpy.__version__ != '$SIMPY_VERSION')" 2>/dev/null; then
    echo "installing simpy==$SIMPY_VERSION into $venv" >&2
    "$py" -m pip install --quiet --disable-pip-version-check "simpy==$SIMPY_VERSION"
fi

# --- entraide ---------------------------------------------------------------
echo "building entraide and the bare loop (cargo build --release)" >&2
(cd "$root" && cargo build --release --quiet --bin entraide --example peers_bare_loop)
bin=$root/target/release/entraide
bare=$root/target/release/examples/peers_bare_loop

work=$(mktemp -d "${TMPDIR:-/tmp}/entraide-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The horizon is chosen so that ENTRAIDE_CUSTOMERS arrivals are expected.
horizon_hours=$((ENTRAIDE_CUSTOMERS / ARRIVALS_PER_HOUR))
entraide_run() {
    "$bin" run "$root/scenarios/erlang-a.toml" --quiet --seed "$SEED" \
        --set simulation.warmup=0s "$@"
}

# bash's `time` keyword: wall, user and system seconds of the whole process.
TIMEFORMAT='%3R %3U %3S'

# --- interleaved runs --------------------------------------------------------
# SimPy: wall (perf_counter) and CPU (process_time) around the simulation
# only, measured inside the script. entraide: wall and CPU (user + system)
# of the whole process, start-up included. The timed entraide runs write no
# files (no --out): like the SimPy script, which keeps running sums and
# prints one line, they only simulate and summarise. The bare loop is timed
# as entraide is, around its whole process.
for ((i = 1; i <= RUNS; i++)); do
    echo "run $i/$RUNS: SimPy ($SIMPY_CUSTOMERS customers)" >&2
    "$py" "$here/simpy_erlang_a.py" --customers "$SIMPY_CUSTOMERS" --seed "$SEED" \
        >>"$work/simpy.jsonl"
    echo "run $i/$RUNS: entraide (${horizon_hours} h, ~$ENTRAIDE_CUSTOMERS customers)" >&2
    { time entraide_run --set "simulation.horizon=${horizon_hours}h" >/dev/null; } \
        2>>"$work/entraide.times"
    echo "run $i/$RUNS: bare loop ($ENTRAIDE_CUSTOMERS customers)" >&2
    { time "$bare" --customers "$ENTRAIDE_CUSTOMERS" --seed "$SEED" >>"$work/bare.jsonl"; } \
        2>>"$work/bare.times"
done

# One more run, untimed, with --out: the same seed gives the same run, so its
# summary.json holds the customer count and metrics of every timed run.
entraide_run --set "simulation.horizon=${horizon_hours}h" --out "$work/entraide"

# Start-up and scenario reading alone: a one-hour run (about 100 customers).
{ time entraide_run --set simulation.horizon=1h >/dev/null; } 2>"$work/startup.time"

# --- machine ----------------------------------------------------------------
cpu=$(grep -m1 -E '^(model name|Hardware|Processor)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
export CPU_MODEL=${cpu:-unknown}
export NPROC=$(nproc)
export RUSTC_VERSION=$(rustc --version)
export LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
export WORK=$work RUNS TARGET

# --- report -----------------------------------------------------------------
"$py" - <<'EOF'
import json, os

work, runs, target = os.environ["WORK"], int(os.environ["RUNS"]), float(os.environ["TARGET"])

simpy_runs = [json.loads(l) for l in open(f"{work}/simpy.jsonl") if l.strip()]
s = simpy_runs[0]  # every run has the same seed, so the same metrics

# Each line: wall, user, system seconds of one timed entraide run.
e_times = [[float(x) for x in line.split()] for line in open(f"{work}/entraide.times")]
summary = json.load(open(f"{work}/entraide/summary.json"))
assert summary["engine"]["stopped_early"] is None, "entraide stopped early"
w = summary["waiting"]
e = {
    "customers": summary["questions"]["posted"],
    "p_wait": w["p_wait"],
    "p_abandon": w["p_abandon"],
    "mean_wait_hours": w["mean_hours"],
    "occupancy": summary["staff"]["utilisation"],
}
startup_wall = float(open(f"{work}/startup.time").read().split()[0])
b = [json.loads(l) for l in open(f"{work}/bare.jsonl") if l.strip()][0]
b_times = [[float(x) for x in line.split()] for line in open(f"{work}/bare.times")]

simpy_wall = min(r["wall_seconds"] for r in simpy_runs)
simpy_cpu = min(r["cpu_seconds"] for r in simpy_runs)
e_wall = min(t[0] for t in e_times)
e_cpu = min(t[1] + t[2] for t in e_times)
b_wall = min(t[0] for t in b_times)
b_cpu = min(t[1] + t[2] for t in b_times)

rates = {
    "wall": (s["customers"] / simpy_wall, e["customers"] / e_wall, b["customers"] / b_wall),
    "cpu": (s["customers"] / simpy_cpu, e["customers"] / e_cpu, b["customers"] / b_cpu),
}

# Exact M/M/n+M values from the birth-death chain (independent of both
# tools): birth rate lam, death rate min(j, n) mu + max(j - n, 0) theta.
lam, mu, theta, n = 100.0, 4.0, 1.0, 25
p, weights = 1.0, [1.0]
for j in range(1, n + 5000):
    p *= lam / (min(j, n) * mu + max(j - n, 0) * theta)
    weights.append(p)
    if p < 1e-300:
        break
total = sum(weights)
pi = [x / total for x in weights]
exact = {
    "p_wait": sum(pi[n:]),
    "p_abandon": sum(q * (j - n) * theta for j, q in enumerate(pi) if j > n) / lam,
    "occupancy": sum(q * min(j, n) for j, q in enumerate(pi)) / n,
}
exact["mean_wait_hours"] = exact["p_abandon"] / theta  # exponential patience


def per_s(x):
    return format(round(x), ",")


print()
print("Erlang-A (M/M/25+M): 100 arrivals/h, 25 staff, handling exp. 15 min,")
print("patience exp. 1 h, abandonment; one thread each; %d interleaved runs" % runs)
print("each, fastest kept")
print()
print("%-10s %10s %18s %18s" % ("tool", "customers", "customers/s, wall", "customers/s, CPU"))
print("%-10s %10d %18s %18s" % ("SimPy", s["customers"], per_s(rates["wall"][0]), per_s(rates["cpu"][0])))
print("%-10s %10d %18s %18s" % ("entraide", e["customers"], per_s(rates["wall"][1]), per_s(rates["cpu"][1])))
print("%-10s %10d %18s %18s" % ("bare loop", b["customers"], per_s(rates["wall"][2]), per_s(rates["cpu"][2])))
wall_ratio = rates["wall"][1] / rates["wall"][0]
cpu_ratio = rates["cpu"][1] / rates["cpu"][0]
print()
print("%-24s %15.1fx %17.1fx" % ("entraide / SimPy", wall_ratio, cpu_ratio))
print("%-24s %15.1fx %17.1fx" % ("bare loop / SimPy", rates["wall"][2] / rates["wall"][0],
                                 rates["cpu"][2] / rates["cpu"][0]))
print("%-24s %15.2f %18.2f" % ("entraide / bare loop", rates["wall"][1] / rates["wall"][2],
                               rates["cpu"][1] / rates["cpu"][2]))
print()
verdict = "meets" if wall_ratio >= target else "does not meet"
print("entraide/SimPy = %.1fx (wall): %s the %gx target" % (wall_ratio, verdict, target))
print()
print("all runs, wall seconds: SimPy %s; entraide %s" % (
    ", ".join("%.3f" % r["wall_seconds"] for r in simpy_runs),
    ", ".join("%.3f" % t[0] for t in e_times)))
print("                        bare loop %s" % ", ".join("%.3f" % t[0] for t in b_times))
print("all runs, CPU seconds:  SimPy %s; entraide %s" % (
    ", ".join("%.3f" % r["cpu_seconds"] for r in simpy_runs),
    ", ".join("%.3f" % (t[1] + t[2]) for t in e_times)))
print("                        bare loop %s" % ", ".join("%.3f" % (t[1] + t[2]) for t in b_times))
print("  SimPy: timed inside the script, around the simulation only.")
print("  entraide and the bare loop: the whole process, start-up included;")
print("  entraide writes no files (no --out). Its start-up and scenario")
print("  reading alone (a 1 h run) take %.3f s wall." % startup_wall)
print("  CPU time (user + system) leaves out time spent waiting for a core;")
print("  when wall and CPU differ, the machine was busy with other work.")
print()
print("same system? measured vs exact (over customers whose wait ended):")
print("%-16s %8s %10s %16s %10s" % ("", "p_wait", "p_abandon", "mean wait (min)", "occupancy"))
for name, m in (("exact Erlang-A", exact), ("SimPy", s), ("entraide", e), ("bare loop", b)):
    print("%-16s %8.4f %10.4f %16.3f %10.4f" % (
        name, m["p_wait"], m["p_abandon"], 60 * m["mean_wait_hours"], m["occupancy"]))
print()
print("machine: %s, nproc %s, load average %s" % (
    os.environ["CPU_MODEL"], os.environ["NPROC"], os.environ["LOADAVG"]))
print("python %s, simpy %s; %s" % (s["python_version"], s["simpy_version"],
                                   os.environ["RUSTC_VERSION"]))
EOF
