"""Tests of gdlearn.benchmark: time to target, tuning and performance profiles."""

import math

import numpy as np
import pytest

from gdlearn.benchmark import (
    Workload,
    performance_profile,
    performance_ratios,
    profile_score,
    run_to_target,
    tune,
)
from gdlearn.optim import SGD, ArmijoGD, Newton

INF = math.inf

# three problems, three solvers; the last problem is solved by nobody
TABLE = [[10.0, 20.0, INF],
         [30.0, 15.0, 60.0],
         [INF, INF, INF]]


def half_square(target=1e-6, eval_every=1, budget=100):
    """f(x) = x^2 / 2 from x0 = 1: SGD with lr 1/2 halves x at every step."""
    return Workload("half square", init=lambda rng: np.array([1.0]),
                    grad=lambda x, idx: x.copy(), value=lambda x, idx: 0.5 * float(x @ x),
                    score=lambda x: 0.5 * float(x @ x), target=target, budget=budget,
                    eval_every=eval_every, hess=lambda x, idx: np.eye(1))


def test_ratios_by_hand():
    r = performance_ratios(TABLE)
    expected = [[1.0, 2.0, INF], [2.0, 1.0, 4.0], [INF, INF, INF]]
    assert np.array_equal(r, expected)


def test_profile_by_hand():
    rho = performance_profile(TABLE, [1.0, 1.5, 2.0, 4.0, 1e9])
    third = 1 / 3
    expected = [[third, third, 0.0],
                [third, third, 0.0],
                [2 * third, 2 * third, 0.0],
                [2 * third, 2 * third, third],
                [2 * third, 2 * third, third]]
    assert np.allclose(rho, expected, rtol=0, atol=1e-15)


def test_profile_is_nondecreasing_and_starts_at_the_share_of_wins():
    rng = np.random.default_rng(0)
    costs = rng.integers(1, 50, size=(40, 4)).astype(float)
    costs[rng.random(costs.shape) < 0.2] = INF
    taus = np.linspace(1, 20, 200)
    rho = performance_profile(costs, taus)
    assert np.all(np.diff(rho, axis=0) >= 0)
    wins = costs == costs.min(axis=1, keepdims=True)
    wins[~np.isfinite(costs)] = False
    assert np.allclose(rho[0], wins.mean(axis=0))
    # rho at large tau is the share of problems solved at all
    assert np.allclose(performance_profile(costs, [1e12])[0], np.isfinite(costs).mean(axis=0))


def test_profile_score_by_hand():
    # A: ratios 1 and 2 give (4 - 1) + (4 - 2) = 5 over 3 problems, divided by 4 - 1 = 3
    assert np.allclose(profile_score(TABLE, tau_max=4.0), [5 / 9, 5 / 9, 0.0])


def test_profile_score_is_the_mean_height_of_the_profile():
    rng = np.random.default_rng(1)
    costs = rng.integers(1, 30, size=(25, 3)).astype(float)
    costs[rng.random(costs.shape) < 0.3] = INF
    taus = np.linspace(1, 4, 300_001)
    rho = performance_profile(costs, taus)
    riemann = rho[:-1].mean(axis=0)  # left sums of a right-continuous step function
    assert np.allclose(profile_score(costs, 4.0), riemann, atol=1e-4)


@pytest.mark.parametrize("bad, match", [
    ([1.0, 2.0], "2-D"),
    ([[1.0, np.nan]], "positive"),
    ([[0.0, 1.0]], "positive"),
])
def test_ratios_bad_input(bad, match):
    with pytest.raises(ValueError, match=match):
        performance_ratios(bad)


def test_profile_bad_taus():
    with pytest.raises(ValueError, match="factors >= 1"):
        performance_profile(TABLE, [0.5])
    with pytest.raises(ValueError, match="tau_max"):
        profile_score(TABLE, tau_max=1.0)


def test_run_to_target_counts_steps_exactly():
    # 0.5 * 4**-k <= 1e-6  <=>  k >= log(5e5) / log(4) = 9.47
    run = run_to_target(half_square(), SGD(lr=0.5), np.random.default_rng(0))
    assert (run.steps, run.evals, run.status) == (10.0, 10.0, "reached")
    # checked every 3 steps: the first check after step 10 is at step 12
    run = run_to_target(half_square(eval_every=3), SGD(lr=0.5), np.random.default_rng(0))
    assert (run.steps, run.status) == (12.0, "reached")


def test_run_to_target_budget_and_divergence():
    run = run_to_target(half_square(budget=5), SGD(lr=0.5), np.random.default_rng(0))
    assert run.status == "budget" and run.steps == INF and run.evals == INF
    assert run.final_score == pytest.approx(0.5 * 4.0**-5)
    with np.errstate(over="ignore", invalid="ignore"):
        run = run_to_target(half_square(), SGD(lr=1e200), np.random.default_rng(0))
    assert run.status == "diverged" and run.steps == INF


def test_newton_is_charged_for_its_hessian():
    run = run_to_target(half_square(), Newton(lr=1.0), np.random.default_rng(0))
    assert (run.steps, run.evals) == (1.0, 2.0)  # one gradient + a 1 x 1 Hessian
    no_hessian = Workload("no hessian", init=lambda rng: np.ones(1), grad=None, value=None,
                          score=None, target=0.0, budget=1)
    with pytest.raises(ValueError, match="has no Hessian for Newton"):
        run_to_target(no_hessian, Newton(), np.random.default_rng(0))


def test_line_search_is_charged_for_its_function_values():
    opt = ArmijoGD(alpha0=4.0)
    run = run_to_target(half_square(), opt, np.random.default_rng(0))
    assert run.status == "reached"
    assert run.evals == run.steps + opt.n_evals


def test_line_search_on_dict_parameters():
    wl = Workload("dict", init=lambda rng: {"a": np.ones((2, 2)), "b": np.ones(3)},
                  grad=lambda p, idx: {k: v.copy() for k, v in p.items()},
                  value=lambda p, idx: 0.5 * sum(float(np.sum(v**2)) for v in p.values()),
                  score=lambda p: 0.5 * sum(float(np.sum(v**2)) for v in p.values()),
                  target=1e-8, budget=50)
    run = run_to_target(wl, ArmijoGD(alpha0=1.0), np.random.default_rng(0))
    assert (run.status, run.steps) == ("reached", 1.0)


def test_eval_params_is_the_point_scored():
    class Averaged(SGD):
        def eval_params(self, params):
            return 0 * params

    run = run_to_target(half_square(), Averaged(lr=1e-9), np.random.default_rng(0))
    assert (run.status, run.steps) == ("reached", 1.0)


def test_minibatches_are_epochs_of_a_permutation():
    seen = []

    def grad(x, idx):
        seen.append(idx.copy())
        return np.zeros(1)

    wl = Workload("batches", init=lambda rng: np.zeros(1), grad=grad,
                  value=lambda x, idx: 0.0, score=lambda x: 1.0, target=0.0, budget=9,
                  n_samples=10, batch_size=3)
    run_to_target(wl, SGD(lr=0.1), np.random.default_rng(0))
    assert len(seen) == 9 and all(len(i) == 3 for i in seen)
    for epoch in range(3):  # 3 batches of 3 per epoch; the 10th example waits
        idx = np.concatenate(seen[3 * epoch:3 * epoch + 3])
        assert len(set(idx.tolist())) == 9


def test_workload_bad_input():
    with pytest.raises(ValueError, match="both n_samples and batch_size"):
        Workload("x", init=None, grad=None, value=None, score=None, target=0.0,
                 budget=1, n_samples=10)
    with pytest.raises(ValueError, match="batch_size"):
        Workload("x", init=None, grad=None, value=None, score=None, target=0.0,
                 budget=1, n_samples=10, batch_size=11)
    with pytest.raises(ValueError, match="budget"):
        Workload("x", init=None, grad=None, value=None, score=None, target=0.0, budget=0)


def test_tune_picks_the_fastest_and_the_cut_does_not_change_it():
    grid = [0.1, 0.3, 0.5, 2.5]  # 2.5 diverges (x is multiplied by -1.5)
    best, costs = tune(half_square(), lambda a: SGD(lr=a), grid, seeds=[0])
    assert best == 0.5
    best_steps, steps = tune(half_square(), lambda a: SGD(lr=a), grid, seeds=[0],
                             cost="steps")
    assert best_steps == best
    assert costs[2, 0] == steps[2, 0] == 10.0
    assert costs[3, 0] == INF and np.all(costs[:, 0] >= costs[2, 0])


def test_tune_falls_back_to_the_final_score():
    wl = half_square(target=0.0, budget=3)  # nobody reaches 0
    best, costs = tune(wl, lambda a: SGD(lr=a), [0.1, 0.5, 0.9], seeds=[0, 1, 2])
    assert best == 0.9 and np.all(costs == INF)
    with pytest.raises(ValueError, match="cost"):
        tune(wl, lambda a: SGD(lr=a), [0.1], seeds=[0], cost="seconds")


def test_cut_and_skip_do_not_change_the_choice_on_a_noisy_workload():
    a = np.linspace(-1.0, 1.0, 8)
    wl = Workload("noisy mean", init=lambda rng: rng.normal(size=1) + 3.0,
                  grad=lambda x, idx: np.array([np.mean(x[0] - a[idx])]),
                  value=lambda x, idx: 0.5 * float(np.mean((x[0] - a[idx]) ** 2)),
                  score=lambda x: 0.5 * float(x[0] ** 2), target=0.05, budget=60,
                  n_samples=8, batch_size=2)
    grid = [0.05, 0.2, 0.5, 1.0, 2.5]
    best, costs = tune(wl, lambda lr: SGD(lr=lr), grid, seeds=[0, 1, 2])
    best_full, full = tune(wl, lambda lr: SGD(lr=lr), grid, seeds=[0, 1, 2], cost="steps")
    assert best == best_full
    i = grid.index(best)
    assert np.array_equal(costs[i], full[i]) and np.isfinite(costs[i]).all()
    assert np.all(np.median(costs, axis=1) >= np.median(costs[i]))
