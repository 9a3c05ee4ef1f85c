"""How fast are gdlearn's steps and loop?  Ratios measured side by side in one run.

Run from the repository root::

    .venv/bin/python bench/bench_optim.py

(a) Small problems (2 and 1,000 parameters), where Python overhead dominates: gdlearn's
    ``Adam.step`` against the same rule written by hand in plain numpy.  Target: <= 1.5x.
(b) A large problem (10^6 parameters), where memory traffic dominates: gdlearn's step against
    the time numpy needs merely to stream the arrays the rule must touch.  Adam has to read
    x, g, m, v and write m, v and the new x: 7 array passes.  The probe ``np.add(a, b, out=c)``
    makes 3 passes, so the bound is 7/3 of its time.  Target: <= 2.5x.  The probe cycles over
    enough arrays to have the Adam step's working set (see ``stream_probe``); the ratio to a
    probe whose arrays stay hot in cache is printed too.
(c) ``SGD.step`` against a hand-written in-place step ``x -= lr * g`` (2 and 1,000 parameters).
    Target: <= 1.5x.
(d) ``minimize`` against a hand-written loop calling the same f and g with the same Adam update
    (Rosenbrock, 10,000 steps).  Target: <= 1.5x.
(e) Memory: ``minimize`` on 10^6 parameters for 1,000 Adam steps, peak allocation above the arrays
    it was given (tracemalloc).  Target: < 200 MB.

Every timing is the minimum over repeats of ``timeit`` (the least disturbed run); the
candidates are timed in alternation so that a slow patch of the machine hits both.  The
numbers are ratios, so they carry over between machines better than absolute times do.
"""

from __future__ import annotations

import math
import timeit
import tracemalloc
from collections.abc import Callable

import numpy as np

from gdlearn.loop import minimize
from gdlearn.objectives import Rosenbrock
from gdlearn.optim import SGD, Adam

LR, BETAS, EPS = 1e-3, (0.9, 0.999), 1e-8
ADAM_PASSES = 7            # reads x, g, m, v; writes m, v, new x
PROBE_PASSES = 3           # np.add(a, b, out=c): reads a, b; writes c


def gdlearn_adam(n: int, rng: np.random.Generator) -> Callable[[], None]:
    opt = Adam(lr=LR, betas=BETAS, eps=EPS)
    box = {"x": rng.standard_normal(n)}
    g = rng.standard_normal(n)

    def step() -> None:
        box["x"] = opt.step(box["x"], g)

    return step


def numpy_adam(n: int, rng: np.random.Generator) -> Callable[[], None]:
    """Adam as one writes it from the paper, in plain numpy."""
    b1, b2 = BETAS
    box = {"x": rng.standard_normal(n), "m": np.zeros(n), "v": np.zeros(n), "t": 0}
    g = rng.standard_normal(n)

    def step() -> None:
        box["t"] += 1
        t = box["t"]
        box["m"] = b1 * box["m"] + (1 - b1) * g
        box["v"] = b2 * box["v"] + (1 - b2) * g * g
        m_hat = box["m"] / (1 - b1**t)
        v_hat = box["v"] / (1 - b2**t)
        box["x"] = box["x"] - LR * m_hat / (np.sqrt(v_hat) + EPS)

    return step


def stream_probe(n: int, rng: np.random.Generator, copies: int) -> Callable[[], None]:
    """np.add(a, b, out=c), cycling over ``copies`` independent triples of arrays.

    With ``copies=1`` the three arrays (24 MB at n = 10^6) may stay in a large last-level
    cache.  An Adam step touches 5 distinct arrays (x, g, m, v, new x: 40 MB); cycling over
    2 triples gives the probe a working set at least as large (48 MB), so that both read
    from the same level of the memory hierarchy.
    """
    triples = [(rng.standard_normal(n), rng.standard_normal(n), np.empty(n)) for _ in range(copies)]
    box = {"i": 0}

    def probe() -> None:
        a, b, c = triples[box["i"]]
        box["i"] = (box["i"] + 1) % copies
        np.add(a, b, out=c)

    return probe


def gdlearn_sgd(n: int, rng: np.random.Generator) -> Callable[[], None]:
    opt = SGD(lr=LR)
    x = rng.standard_normal(n)
    g = rng.standard_normal(n)

    def step() -> None:  # the step returns a new array: rebind x (as a loop body would)
        nonlocal x
        x = opt.step(x, g)

    return step


def inplace_sgd(n: int, rng: np.random.Generator) -> Callable[[], None]:
    x, g = rng.standard_normal(n), rng.standard_normal(n)

    def step() -> None:  # x -= lr * g
        np.subtract(x, LR * g, out=x)

    return step


def loop_pair(steps: int) -> dict[str, Callable[[], None]]:
    """minimize vs a hand loop with the same f, g and Adam update on Rosenbrock."""
    rosen, x0, lr, (b1, b2), eps = Rosenbrock(), np.array([-1.5, 2.0]), 1e-3, BETAS, EPS

    def with_minimize() -> None:
        minimize(rosen, x0, Adam(lr=lr), max_steps=steps, gtol=None, record_points=False)

    def by_hand() -> None:
        x, m, v = x0.copy(), np.zeros(2), np.zeros(2)
        f, g = rosen.value(x), rosen.grad(x)
        losses = [f]
        for t in range(1, steps + 1):
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            x = x - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
            f, g = rosen.value(x), rosen.grad(x)
            losses.append(f)

    return {"gdlearn": with_minimize, "hand": by_hand}


def peak_memory_mb(n: int, steps: int) -> float:
    x0 = np.random.default_rng(0).standard_normal(n)
    bowl = (lambda x: float(x @ x), lambda x: 2 * x)
    tracemalloc.start()
    minimize(bowl, x0, Adam(lr=1e-3), max_steps=steps, gtol=None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def time_side_by_side(fns: dict[str, Callable[[], None]], number: int, repeat: int) -> dict[str, float]:
    """Seconds per call of each function: min over ``repeat`` rounds, rounds interleaved."""
    best = dict.fromkeys(fns, math.inf)
    for fn in fns.values():                     # warm up (first-touch allocation, caches)
        fn()
    for _ in range(repeat):
        for name, fn in fns.items():
            best[name] = min(best[name], timeit.timeit(fn, number=number) / number)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    print("gdlearn Adam step, ratios (lower is better)")
    print("-" * 64)
    details = []
    for n, number in ((2, 4000), (1000, 2000)):
        t = time_side_by_side({"gdlearn": gdlearn_adam(n, rng), "numpy": numpy_adam(n, rng)}, number, 15)
        ratio = t["gdlearn"] / t["numpy"]
        print(f"(a) n = {n:>9,}: gdlearn / hand-written numpy   = {ratio:5.2f}x   (target <= 1.5x)")
        details.append(f"n = {n:,}: gdlearn {t['gdlearn'] * 1e6:.1f} us, numpy {t['numpy'] * 1e6:.1f} us")

    n = 10**6
    t = time_side_by_side(
        {
            "gdlearn": gdlearn_adam(n, rng),
            "numpy": numpy_adam(n, rng),
            "probe_memory": stream_probe(n, rng, copies=2),
            "probe_cache": stream_probe(n, rng, copies=1),
        },
        number=4,
        repeat=25,
    )
    bound = t["probe_memory"] * ADAM_PASSES / PROBE_PASSES
    bound_cache = t["probe_cache"] * ADAM_PASSES / PROBE_PASSES
    print(f"(b) n = {n:>9,}: gdlearn / streaming bound       = {t['gdlearn'] / bound:5.2f}x   "
          "(target <= 2.5x)")
    print(f"    n = {n:>9,}: hand-written numpy / bound      = {t['numpy'] / bound:5.2f}x   (for comparison)")
    print(f"    n = {n:>9,}: gdlearn / cache-resident probe  = {t['gdlearn'] / bound_cache:5.2f}x   "
          "(probe arrays kept hot in cache)")
    for n, number in ((2, 20000), (1000, 10000)):
        ts = time_side_by_side({"gdlearn": gdlearn_sgd(n, rng), "hand": inplace_sgd(n, rng)}, number, 15)
        print(f"(c) n = {n:>9,}: SGD.step / x -= lr * g         = {ts['gdlearn'] / ts['hand']:5.2f}x   "
              "(target <= 1.5x)")
    tl = time_side_by_side(loop_pair(10_000), number=1, repeat=7)
    print(f"(d) Rosenbrock, 10,000 Adam steps: minimize / hand loop = {tl['gdlearn'] / tl['hand']:5.2f}x   "
          "(target <= 1.5x)")
    peak = peak_memory_mb(10**6, 1000)
    print(f"(e) minimize, n = 10^6, 1,000 Adam steps: peak allocation {peak:.0f} MB above its inputs  "
          "(target < 200 MB)")
    print("-" * 64)
    print("details (absolute times vary by machine):")
    for line in details:
        print("   ", line)
    print(f"    n = {n:,}: gdlearn {t['gdlearn'] * 1e3:.2f} ms, numpy {t['numpy'] * 1e3:.2f} ms")
    probe_ms = t["probe_memory"] * 1e3
    print(f"    bound {bound * 1e3:.2f} ms = probe {probe_ms:.2f} ms x {ADAM_PASSES}/{PROBE_PASSES}; "
          f"cache-hot bound {bound_cache * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
