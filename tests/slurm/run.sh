#!/usr/bin/env bash
# The Slurm example on a real single-node Slurm: start the daemons, submit
# examples/slurm/sweep.sbatch for a small sweep (3 shards), wait for the
# merge job, and compare its files with the same sweep run locally. Stops
# the daemons by pid on the way out. Exit 77 if Slurm is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ENTRAIDE=${ENTRAIDE:-$root/target/release/entraide}
# Absolute: the jobs and this script run from another directory.
ENTRAIDE=$(cd "$(dirname "$ENTRAIDE")" && pwd)/$(basename "$ENTRAIDE")
export ENTRAIDE

for tool in slurmctld slurmd sbatch sinfo munged runuser; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "SKIP: $tool is not installed (Debian: apt-get install slurmctld slurmd slurm-client munge)"
        exit 77
    fi
done
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: starting slurmd needs root"
    exit 77
fi

work=$(mktemp -d /tmp/entraide-slurm.XXXXXX)
# munged runs as the munge user: it must reach its directory.
chmod 755 "$work"
source "$here/cluster.sh"
trap 'slurm_stop; rm -rf "$work"' EXIT
slurm_start "$work/cluster"

# Submit from the work directory, so the jobs' slurm-*.out files land there.
cd "$work"
sweep_args=("$root/scenarios/erlang-a.toml"
    --vary staff.teams.agents.count=24..28:2
    --vary policy.intervention_delay=0s,10m
    --set simulation.horizon=3d --set simulation.warmup=1d
    --replications 3 --seed 5)
ENTRAIDE_SLURM_WAIT=1 "$root/examples/slurm/sweep.sbatch" 3 "$work/cluster-out" "${sweep_args[@]}"
"$ENTRAIDE" sweep "${sweep_args[@]}" --out "$work/local" --quiet
for f in runs.csv points.csv sweep.json; do
    cmp "$work/local/$f" "$work/cluster-out/merged/$f"
done
for i in 1 2 3; do
    test -f "$work/cluster-out/shards/$i/runs.csv"
done
echo "slurm: 3 array tasks + merge job give the same runs.csv, points.csv and sweep.json as one machine"
