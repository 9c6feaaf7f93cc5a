#!/usr/bin/env bash
# Side-by-side speed of the same Erlang-A (M/M/n+M) queue in SimPy and in
# entraide: 100 arrivals/h, 25 staff, exponential handling (mean 15 min),
# exponential patience (mean 1 h) ending in abandonment. Both single-threaded.
#
#   bash benches/peers/compare.sh
#
# Knobs (environment): SIMPY_CUSTOMERS (default 200000), ENTRAIDE_CUSTOMERS
# (default 2000000), RUNS (best of, default 3), SEED (default 1).
# It creates target/peers-venv (Python venv with a pinned SimPy) if absent,
# builds entraide in release mode, runs each side RUNS times and keeps the
# fastest run, then prints throughput, the ratio, the machine, and both
# tools' measured queue metrics next to the exact Erlang-A values.
set -euo pipefail

SIMPY_VERSION=4.1.2
SIMPY_CUSTOMERS=${SIMPY_CUSTOMERS:-200000}
ENTRAIDE_CUSTOMERS=${ENTRAIDE_CUSTOMERS:-2000000}
RUNS=${RUNS:-3}
SEED=${SEED:-1}
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
echo "building entraide (cargo build --release)" >&2
(cd "$root" && cargo build --release --quiet)
bin=$root/target/release/entraide

work=$(mktemp -d "${TMPDIR:-/tmp}/entraide-peers.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- SimPy runs: wall time measured inside the script (perf_counter) -------
for ((i = 1; i <= RUNS; i++)); do
    echo "SimPy run $i/$RUNS ($SIMPY_CUSTOMERS customers)" >&2
    "$py" "$here/simpy_erlang_a.py" --customers "$SIMPY_CUSTOMERS" --seed "$SEED" \
        >>"$work/simpy.jsonl"
done

# --- entraide runs: wall time around the whole process ---------------------
# The horizon is chosen so that ENTRAIDE_CUSTOMERS arrivals are expected;
# the count reported is questions.posted from summary.json.
horizon_hours=$((ENTRAIDE_CUSTOMERS / ARRIVALS_PER_HOUR))
for ((i = 1; i <= RUNS; i++)); do
    echo "entraide run $i/$RUNS (${horizon_hours} h, ~$ENTRAIDE_CUSTOMERS customers)" >&2
    out=$work/entraide-$i
    t0=$(date +%s.%N)
    "$bin" run "$root/scenarios/erlang-a.toml" --quiet --seed "$SEED" \
        --set "simulation.horizon=${horizon_hours}h" --set simulation.warmup=0s \
        --out "$out"
    t1=$(date +%s.%N)
    echo "$out/summary.json $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')" \
        >>"$work/entraide.runs"
done

# --- machine ----------------------------------------------------------------
cpu=$(grep -m1 -E '^(model name|Hardware|Processor)' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
export CPU_MODEL=${cpu:-unknown}
export NPROC=$(nproc)
export RUSTC_VERSION=$(rustc --version)
export LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)
export WORK=$work RUNS

# --- report -----------------------------------------------------------------
"$py" - <<'EOF'
import json, math, os

work, runs = os.environ["WORK"], int(os.environ["RUNS"])

simpy_runs = [json.loads(l) for l in open(f"{work}/simpy.jsonl") if l.strip()]
s = min(simpy_runs, key=lambda r: r["wall_seconds"])

e_runs = []
for line in open(f"{work}/entraide.runs"):
    path, secs = line.split()
    summary = json.load(open(path))
    e_runs.append((float(secs), summary))
e_secs, summary = min(e_runs, key=lambda r: r[0])
assert summary["engine"]["stopped_early"] is None, "entraide stopped early"
w = summary["waiting"]
e = {
    "customers": summary["questions"]["posted"],
    "wall_seconds": e_secs,
    "p_wait": w["p_wait"],
    "p_abandon": w["p_abandon"],
    "mean_wait_hours": w["mean_hours"],
    "occupancy": summary["staff"]["utilisation"],
}
e["customers_per_second"] = e["customers"] / e_secs

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

print()
print("Erlang-A (M/M/25+M): 100 arrivals/h, 25 staff, handling exp. 15 min,")
print("patience exp. 1 h, abandonment; single thread; best of %d runs each" % runs)
print()
print("%-10s %12s %10s %14s" % ("tool", "customers", "seconds", "customers/s"))
print("%-10s %12d %10.3f %14s" % ("SimPy", s["customers"], s["wall_seconds"],
                                  format(round(s["customers_per_second"]), ",")))
print("%-10s %12d %10.3f %14s" % ("entraide", e["customers"], e["wall_seconds"],
                                  format(round(e["customers_per_second"]), ",")))
ratio = e["customers_per_second"] / s["customers_per_second"]
print()
print("ratio entraide/SimPy (customers/s): %.1fx" % ratio)
print()
print("all runs, seconds: SimPy %s; entraide %s" % (
    ", ".join("%.3f" % r["wall_seconds"] for r in simpy_runs),
    ", ".join("%.3f" % r[0] for r in e_runs)))
print("  (SimPy: perf_counter around the simulation only; entraide: the whole")
print("   process, start-up and writing summary.json/timeseries.csv included)")
print()
print("same system? measured vs exact (over customers whose wait ended):")
print("%-16s %8s %10s %16s %10s" % ("", "p_wait", "p_abandon", "mean wait (min)", "occupancy"))
for name, m in (("exact Erlang-A", exact), ("SimPy", s), ("entraide", e)):
    print("%-16s %8.4f %10.4f %16.3f %10.4f" % (
        name, m["p_wait"], m["p_abandon"], 60 * m["mean_wait_hours"], m["occupancy"]))
print()
print("machine: %s, nproc %s, load average %s" % (
    os.environ["CPU_MODEL"], os.environ["NPROC"], os.environ["LOADAVG"]))
print("python %s, simpy %s; %s" % (s["python_version"], s["simpy_version"],
                                   os.environ["RUSTC_VERSION"]))
EOF
