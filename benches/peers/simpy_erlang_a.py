#!/usr/bin/env python3
"""The Erlang-A (M/M/n+M) case of scenarios/erlang-a.toml, written in SimPy.

This is the comparison point for entraide's speed (see compare.sh), so it is
written the way the SimPy documentation writes queues with reneging (the
"Bank Renege" example): a `simpy.Resource` with one slot per staff member,
one generator process per customer that requests a slot and races the
request against its patience with `yield req | env.timeout(patience)`, and
a `with` block that releases the slot (or withdraws the request of a
customer who gave up).

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

Prints one JSON line. wall_seconds is time.perf_counter() around building
and running the simulation only (not the interpreter's start-up nor the
import of simpy).
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


class Stats:
    """Running totals; no per-customer records are kept."""

    __slots__ = ("arrived", "settled", "waited", "abandoned", "served",
                 "wait_sum", "served_wait_sum", "busy")

    def __init__(self):
        self.arrived = 0
        self.settled = 0
        self.waited = 0
        self.abandoned = 0
        self.served = 0
        self.wait_sum = 0.0
        self.served_wait_sum = 0.0
        self.busy = 0.0


def customer(env, staff, rng, stats, horizon):
    arrived = env.now
    patience = rng.expovariate(1.0 / MEAN_PATIENCE_HOURS)
    with staff.request() as req:
        results = yield req | env.timeout(patience)
        waited = env.now - arrived
        stats.settled += 1
        stats.wait_sum += waited
        if req in results:
            # Picked up: served to the end, the slot is released on leaving
            # the `with` block.
            if waited > 0.0:
                stats.waited += 1
            stats.served += 1
            stats.served_wait_sum += waited
            handling = rng.expovariate(1.0 / MEAN_HANDLING_HOURS)
            # Busy time inside the horizon only (as entraide's utilisation).
            stats.busy += min(handling, horizon - env.now)
            yield env.timeout(handling)
        else:
            # Patience ran out first: leave the queue (the `with` block
            # withdraws the request).
            stats.waited += 1
            stats.abandoned += 1


def arrivals(env, staff, rng, stats, horizon):
    rate = ARRIVALS_PER_HOUR
    while True:
        yield env.timeout(rng.expovariate(rate))
        stats.arrived += 1
        env.process(customer(env, staff, rng, stats, horizon))


def simulate(customers, seed):
    horizon = customers / ARRIVALS_PER_HOUR
    rng = random.Random(seed)
    stats = Stats()
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    env.process(arrivals(env, staff, rng, stats, horizon))
    env.run(until=horizon)
    return stats, horizon


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=200_000,
                        help="expected arrivals; the horizon is customers/100 h "
                             "(default 200000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.customers <= 0:
        parser.error("--customers must be positive")

    started = time.perf_counter()
    stats, horizon = simulate(args.customers, args.seed)
    wall = time.perf_counter() - started

    n = stats.settled
    print(json.dumps({
        "tool": "simpy",
        "simpy_version": simpy.__version__,
        "python_version": sys.version.split()[0],
        "seed": args.seed,
        "horizon_hours": horizon,
        "customers": stats.arrived,
        "settled": n,
        "wall_seconds": wall,
        "customers_per_second": stats.arrived / wall,
        "p_wait": stats.waited / n,
        "p_abandon": stats.abandoned / n,
        "mean_wait_hours": stats.wait_sum / n,
        "mean_served_wait_hours": stats.served_wait_sum / stats.served,
        "occupancy": stats.busy / (SERVERS * horizon),
    }))


if __name__ == "__main__":
    main()
