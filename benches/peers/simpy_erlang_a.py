#!/usr/bin/env python3
"""The Erlang-A (M/M/n+M) case of scenarios/erlang-a.toml, written in SimPy.

This is the comparison point for entraide's speed (see compare.sh), so it
is the fastest model we could write in SimPy's documented idiom for queues
with reneging (the "Bank Renege" example): a `simpy.Resource` with one slot
per staff member, one generator process per customer that requests a slot
and races the request against its patience with
`yield req | env.timeout(patience)`. Within that idiom it writes each step
the way that makes fewer calls (simpy_factors.py times them side by side;
README.md gives the figures: none matters beyond the noise, because
SimPy's kernel takes nearly all the time):

- the slot is released (`staff.release(req)`) or the request withdrawn
  (`req.cancel()`) explicitly rather than by a `with` block, whose exit
  does both for a customer who gave up;
- the processes are closures: running sums are `nonlocal` variables, and
  env.timeout, env.process, staff.request, staff.release and
  rng.expovariate are bound to local names once; the rates are computed
  once, not divided per draw;
- the busy time inside the horizon is clipped by a comparison, not min().

Nothing else is kept: no per-customer records, no monitoring process.

The system, in hours:
    arrivals     Poisson, 100 an hour
    servers      25, always present
    handling     exponential, mean 15 min
    patience     exponential, mean 1 h, runs only while waiting; a customer
                 whose patience runs out leaves; once served, nobody leaves
    discipline   first come, first served

Like `entraide run` with `simulation.warmup=0s`, it simulates a fixed
horizon from an empty system: the horizon is chosen so that `--customers`
arrivals are expected (customers / 100 hours), and the count reported is
the number that actually arrived.

Measured as entraide's summary.json measures them ("waiting" and
"staff.utilisation"), over customers whose wait has ended ("settled"):
    p_wait             share who waited more than zero, or abandoned
    p_abandon          share who gave up before being served
    mean_wait_hours    mean wait; an abandoned customer's wait is the time
                       until giving up
    mean_served_wait_hours   mean wait of those served
    occupancy          server busy time within the horizon / (25 x horizon)

Prints one JSON line. wall_seconds is time.perf_counter() and cpu_seconds
time.process_time() around building and running the simulation only (not
the interpreter's start-up nor the import of simpy).
"""

import argparse
import json
import random
import sys
import time

import simpy

ARRIVALS_PER_HOUR = 100.0
SERVERS = 25
MEAN_HANDLING_HOURS = 15.0 / 60.0
MEAN_PATIENCE_HOURS = 1.0


def simulate(customers, seed):
    """Run the queue over customers / 100 hours; return its metrics."""
    horizon = customers / ARRIVALS_PER_HOUR
    rng = random.Random(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    # Bound once: each is looked up per customer otherwise.
    draw = rng.expovariate
    timeout, process = env.timeout, env.process
    request, release = staff.request, staff.release
    patience_rate = 1.0 / MEAN_PATIENCE_HOURS
    handling_rate = 1.0 / MEAN_HANDLING_HOURS

    # Running sums, no per-customer records.
    arrived = settled = waited = abandoned = served = 0
    wait_sum = served_wait_sum = busy = 0.0

    def customer():
        nonlocal settled, waited, abandoned, served, wait_sum, served_wait_sum, busy
        start = env.now
        patience = draw(patience_rate)
        req = request()
        results = yield req | timeout(patience)
        now = env.now
        wait = now - start
        settled += 1
        wait_sum += wait
        if req in results:
            # Picked up: served to the end, then the slot is released.
            if wait > 0.0:
                waited += 1
            served += 1
            served_wait_sum += wait
            handling = draw(handling_rate)
            # Busy time inside the horizon only (as entraide's utilisation).
            busy += handling if now + handling <= horizon else horizon - now
            yield timeout(handling)
            release(req)
        else:
            # Patience ran out first: leave the queue.
            req.cancel()
            waited += 1
            abandoned += 1

    def arrivals():
        nonlocal arrived
        while True:
            yield timeout(draw(ARRIVALS_PER_HOUR))
            arrived += 1
            process(customer())

    process(arrivals())
    env.run(until=horizon)
    if served == 0:
        raise SystemExit(f"no customer was served in {horizon} h: the metrics are "
                         "undefined; use a larger --customers")
    return {
        "horizon_hours": horizon,
        "customers": arrived,
        "settled": settled,
        "p_wait": waited / settled,
        "p_abandon": abandoned / settled,
        "mean_wait_hours": wait_sum / settled,
        "mean_served_wait_hours": served_wait_sum / served,
        "occupancy": busy / (SERVERS * horizon),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000,
                        help="expected arrivals; the horizon is customers/100 h "
                             "(default 200000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.customers <= 0:
        parser.error("--customers must be positive")

    started_wall, started_cpu = time.perf_counter(), time.process_time()
    metrics = simulate(args.customers, args.seed)
    cpu = time.process_time() - started_cpu
    wall = time.perf_counter() - started_wall

    print(json.dumps({
        "tool": "simpy",
        "simpy_version": simpy.__version__,
        "python_version": sys.version.split()[0],
        "seed": args.seed,
        **metrics,
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "customers_per_second": metrics["customers"] / wall,
    }))


if __name__ == "__main__":
    main()
