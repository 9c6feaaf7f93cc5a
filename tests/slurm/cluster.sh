#!/usr/bin/env bash
# A real single-node Slurm cluster for tests, started without systemd:
# munged (as the munge user), slurmctld and slurmd, all configured from a
# temporary directory. Source it, then call:
#   slurm_start DIR    start the daemons, state and logs in DIR; sets SLURM_CONF
#   slurm_stop         stop them by pid
# Needs root (slurmd runs jobs as the submitting user) and Debian's slurmctld,
# slurmd, slurm-client and munge packages.

slurm_start() {
    local dir=$1
    mkdir -p "$dir/state" "$dir/spool" "$dir/log" "$dir/munge"
    chmod 755 "$dir"
    chown munge: "$dir/munge"
    local cpus
    cpus=$(nproc)
    # Ports of our own, so a cluster already on this machine is not disturbed.
    cat >"$dir/slurm.conf" <<CONF
ClusterName=entraide-test
SlurmctldHost=localhost
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
NodeName=localhost CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$dir/slurm.conf
    SLURM_TEST_DIR=$dir
    # munged as the munge user, with its socket in our directory.
    export MUNGE_SOCKET=$dir/munge/munge.socket
    runuser -u munge -- munged --socket="$MUNGE_SOCKET" \
        --pid-file="$dir/munge/munged.pid" --log-file="$dir/munge/munged.log" \
        --seed-file="$dir/munge/munged.seed" || return 1
    # Slurm's munge plugins find the socket through the config.
    echo "AuthInfo=socket=$MUNGE_SOCKET" >>"$dir/slurm.conf"
    slurmctld -f "$dir/slurm.conf" || return 1
    slurmd -f "$dir/slurm.conf" -N localhost || return 1
    local i
    for i in $(seq 1 60); do
        if sinfo -h -o '%T' 2>/dev/null | grep -q '^idle'; then
            return 0
        fi
        sleep 1
    done
    echo "slurm did not come up; logs:" >&2
    tail -n 20 "$dir/log/"*.log >&2 || true
    return 1
}

slurm_stop() {
    local dir=${SLURM_TEST_DIR:-}
    [ -n "$dir" ] || return 0
    local pidfile pid
    for pidfile in "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munge/munged.pid"; do
        if [ -f "$pidfile" ]; then
            pid=$(cat "$pidfile")
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
    done
}
