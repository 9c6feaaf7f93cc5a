#!/usr/bin/env python3
"""What makes a SimPy model of the Erlang-A case slow: variants side by side.

Each variant below is the same M/M/25+M queue in SimPy (one Resource, one
process per customer, `req | timeout(patience)`), and each changes one
thing from the one before it, starting from the model compare.sh used
before issue 11 (`old`) to the one simpy_erlang_a.py now uses (`lean`);
two more follow for reference, `lean_nogc` (the garbage collector off) and
`floor` (no statistics at all: SimPy's kernel alone). All variants draw the same random numbers in the same order, so
with one seed they simulate the same sample path: the script checks that
their metrics agree before it prints any time.

    target/peers-venv/bin/python benches/peers/simpy_factors.py \
        [--customers 50000] [--runs 3] [--seed 1] [--only NAME,NAME]

Runs are interleaved (variant a, b, c, ..., then a, b, c again) and the
best of --runs is kept, so slow spells on a shared machine hit every
variant alike. Times are CPU time (time.process_time), which leaves out
the time spent waiting for a core. Prints customers per second and the
cost of each step.
"""

import argparse
import gc
import random
import sys
import time

import simpy

import simpy_erlang_a  # the model compare.sh runs, next to this file

ARRIVALS_PER_HOUR = 100.0
SERVERS = 25
MEAN_HANDLING_HOURS = 15.0 / 60.0
MEAN_PATIENCE_HOURS = 1.0


# --- old: the model before issue 11 ---------------------------------------
# A Stats object with __slots__, a `with` block around the request, a
# module-level process function taking five arguments, rng.expovariate(1/m)
# with the division done per draw, and min() for the busy time in the
# horizon.


class Stats:
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

    def metrics(self, horizon):
        return metrics(self.arrived, self.settled, self.waited, self.abandoned,
                       self.served, self.wait_sum, self.served_wait_sum,
                       self.busy, horizon)


def metrics(arrived, settled, waited, abandoned, served, wait_sum,
            served_wait_sum, busy, horizon):
    return {
        "customers": arrived,
        "p_wait": waited / settled,
        "p_abandon": abandoned / settled,
        "mean_wait_hours": wait_sum / settled,
        "mean_served_wait_hours": served_wait_sum / served,
        "occupancy": busy / (SERVERS * horizon),
    }


def old_customer(env, staff, rng, stats, horizon):
    arrived = env.now
    patience = rng.expovariate(1.0 / MEAN_PATIENCE_HOURS)
    with staff.request() as req:
        results = yield req | env.timeout(patience)
        waited = env.now - arrived
        stats.settled += 1
        stats.wait_sum += waited
        if req in results:
            if waited > 0.0:
                stats.waited += 1
            stats.served += 1
            stats.served_wait_sum += waited
            handling = rng.expovariate(1.0 / MEAN_HANDLING_HOURS)
            stats.busy += min(handling, horizon - env.now)
            yield env.timeout(handling)
        else:
            stats.waited += 1
            stats.abandoned += 1


def old_arrivals(env, staff, rng, stats, horizon, customer):
    rate = ARRIVALS_PER_HOUR
    while True:
        yield env.timeout(rng.expovariate(rate))
        stats.arrived += 1
        env.process(customer(env, staff, rng, stats, horizon))


def old(customers, seed):
    horizon = customers / ARRIVALS_PER_HOUR
    rng = random.Random(seed)
    stats = Stats()
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    env.process(old_arrivals(env, staff, rng, stats, horizon, old_customer))
    env.run(until=horizon)
    return stats.metrics(horizon)


# --- explicit: `with` replaced by explicit release / cancel ----------------
# Leaving the `with` block of a customer who gave up calls both cancel()
# and release(); release() of a request never granted still builds a
# Release event, schedules it, runs the resource's trigger loops and catches
# the ValueError of users.remove(). Explicit calls do only what is needed.


def explicit_customer(env, staff, rng, stats, horizon):
    arrived = env.now
    patience = rng.expovariate(1.0 / MEAN_PATIENCE_HOURS)
    req = staff.request()
    results = yield req | env.timeout(patience)
    waited = env.now - arrived
    stats.settled += 1
    stats.wait_sum += waited
    if req in results:
        if waited > 0.0:
            stats.waited += 1
        stats.served += 1
        stats.served_wait_sum += waited
        handling = rng.expovariate(1.0 / MEAN_HANDLING_HOURS)
        stats.busy += min(handling, horizon - env.now)
        yield env.timeout(handling)
        staff.release(req)
    else:
        req.cancel()
        stats.waited += 1
        stats.abandoned += 1


def explicit(customers, seed):
    horizon = customers / ARRIVALS_PER_HOUR
    rng = random.Random(seed)
    stats = Stats()
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    env.process(old_arrivals(env, staff, rng, stats, horizon, explicit_customer))
    env.run(until=horizon)
    return stats.metrics(horizon)


# --- closure: the processes are closures over local names -------------------
# Running sums are `nonlocal` variables of simulate() instead of attributes
# of a Stats object; env.timeout, env.process, staff.request, staff.release
# and rng.expovariate are bound once to local names; the process function
# takes no arguments it does not need; the rates are computed once.


def closure(customers, seed):
    horizon = customers / ARRIVALS_PER_HOUR
    rng = random.Random(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    draw = rng.expovariate
    timeout, process = env.timeout, env.process
    request, release = staff.request, staff.release
    patience_rate, handling_rate = 1.0 / MEAN_PATIENCE_HOURS, 1.0 / MEAN_HANDLING_HOURS
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
            if wait > 0.0:
                waited += 1
            served += 1
            served_wait_sum += wait
            handling = draw(handling_rate)
            busy += min(handling, horizon - now)
            yield timeout(handling)
            release(req)
        else:
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
    return metrics(arrived, settled, waited, abandoned, served, wait_sum,
                   served_wait_sum, busy, horizon)


# --- lean: closure, and the busy time clipped by a comparison, not min() ----
# This is simpy_erlang_a.simulate itself, so what is timed here is what
# compare.sh times.

lean = simpy_erlang_a.simulate


# --- lean_nogc: lean with Python's cyclic garbage collector off -------------
# Not a SimPy idiom, and not used by simpy_erlang_a.py: measured to show
# how much of the time the collector takes (SimPy's events and processes
# allocate many short-lived objects, and every 700 of them start a
# generation-0 collection).


def lean_nogc(customers, seed):
    gc.disable()
    try:
        return lean(customers, seed)
    finally:
        gc.enable()


# --- floor: lean with no statistics at all -----------------------------------
# Not a usable model (it counts arrivals and measures nothing else): the
# same processes and events as lean, to show what the SimPy kernel alone
# costs. Whatever a model computes per customer can only add to this.


def floor(customers, seed):
    horizon = customers / ARRIVALS_PER_HOUR
    rng = random.Random(seed)
    env = simpy.Environment()
    staff = simpy.Resource(env, capacity=SERVERS)
    draw = rng.expovariate
    timeout, process = env.timeout, env.process
    request, release = staff.request, staff.release
    patience_rate, handling_rate = 1.0 / MEAN_PATIENCE_HOURS, 1.0 / MEAN_HANDLING_HOURS

    def customer():
        patience = draw(patience_rate)
        req = request()
        results = yield req | timeout(patience)
        if req in results:
            yield timeout(draw(handling_rate))
            release(req)
        else:
            req.cancel()

    arrived = 0

    def arrivals():
        nonlocal arrived
        while True:
            yield timeout(draw(ARRIVALS_PER_HOUR))
            arrived += 1
            process(customer())

    process(arrivals())
    env.run(until=horizon)
    return {"customers": arrived}


VARIANTS = {
    "old": old,
    "explicit": explicit,
    "closure": closure,
    "lean": lean,
    "lean_nogc": lean_nogc,
    "floor": floor,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default=",".join(VARIANTS),
                        help="comma-separated variant names (default: all)")
    args = parser.parse_args(argv)
    if args.customers < 1000:
        parser.error("--customers must be at least 1000 (fewer leave the metrics "
                     "undefined or meaningless)")
    names = args.only.split(",")
    for name in names:
        if name not in VARIANTS:
            parser.error(f"--only: unknown variant {name!r}; expected one of "
                         + ", ".join(VARIANTS))

    best = {name: float("inf") for name in names}
    results = {}
    for _ in range(args.runs):
        for name in names:
            gc.collect()
            started = time.process_time()
            results[name] = VARIANTS[name](args.customers, args.seed)
            best[name] = min(best[name], time.process_time() - started)

    # Same draws in the same order: the same sample path, so the same
    # metrics up to rounding.
    reference = results[names[0]]
    for name in names[1:]:
        for key, value in reference.items():
            if key not in results[name]:
                continue
            if abs(results[name][key] - value) > 1e-9 * max(1.0, abs(value)):
                sys.exit(f"{name} differs from {names[0]} on {key}: "
                         f"{results[name][key]} against {value}")

    customers = reference["customers"]
    print(f"python {sys.version.split()[0]}, simpy {simpy.__version__}, "
          f"{customers} customers, best of {args.runs} interleaved runs")
    print(f"{'variant':<10} {'seconds':>8} {'customers/s':>12} {'vs previous':>12} {'vs first':>9}")
    previous = None
    for name in names:
        rate = customers / best[name]
        step = "" if previous is None else f"{rate / previous:.2f}x"
        first = customers / best[names[0]]
        print(f"{name:<10} {best[name]:>8.3f} {rate:>12,.0f} {step:>12} {rate / first:>8.2f}x")
        previous = rate


if __name__ == "__main__":
    main()
