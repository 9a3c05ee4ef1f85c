"""gdlearn 0.2's loop: boundaries checked once, default tolerance, resume, memory, honest divergence,
fit's progress callback, and the public clipping functions."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer

from gdlearn._loop_utils import Divergence
from gdlearn.clip import clip_grad_norm, clip_grad_value
from gdlearn.data import add_bias
from gdlearn.loop import AUTO_RECORD, DEFAULT_GTOL, fit, minimize
from gdlearn.models import LinearRegression, LogisticRegression
from gdlearn.objectives import Quadratic, Rosenbrock
from gdlearn.optim import SGD, Adam, PolyakAveraging, ScheduleFreeAdamW, ScheduleFreeSGD

ROSEN = Rosenbrock()
BOWL = (lambda x: float(x @ x), lambda x: 2 * x)


# -- boundaries ------------------------------------------------------------------------------
def test_an_optimizer_class_is_refused_with_a_hint():
    with pytest.raises(TypeError, match=r"optimizer must be an instance, e\.g\. SGD\(lr=0\.1\)"):
        minimize(BOWL, np.ones(2), SGD)


def test_an_object_that_is_not_an_optimizer_is_refused():
    with pytest.raises(TypeError, match="subclass gdlearn.optim.Optimizer"):
        minimize(BOWL, np.ones(2), object())


def test_a_value_that_is_not_a_scalar_is_refused_at_x0():
    with pytest.raises(ValueError, match=r"value must be a scalar, got ndarray of shape \(2,\) at x0"):
        minimize((lambda x: x**2, lambda x: 2 * x), np.ones(2), SGD(lr=0.1))


def test_a_one_element_value_is_accepted():
    res = minimize((lambda x: np.array([x @ x]), lambda x: 2 * x), np.ones(2), SGD(lr=0.1))
    assert res.converged and isinstance(res.fun, float)


def test_a_gradient_of_another_shape_is_refused_at_x0():
    with pytest.raises(ValueError, match=r"grad has shape \(3,\) but params has shape \(2,\)"):
        minimize((lambda x: float(x @ x), lambda x: np.ones(3)), np.ones(2), SGD(lr=0.1))


# -- stopping -----------------------------------------------------------------------------------
def test_default_gradient_tolerance_stops_a_run():
    res = minimize(BOWL, np.array([1.0, -2.0]), SGD(lr=0.1))
    assert res.status == "converged" and res.history.grad_norm[-1] <= DEFAULT_GTOL
    assert res.history.grad_norm[-2] > DEFAULT_GTOL and res.n_steps < 1000


def test_gtol_is_checked_at_x0():
    res = minimize(BOWL, np.zeros(2), SGD(lr=0.1))
    assert res.converged and res.n_steps == 0 and "at x0" in res.message
    ran = minimize(BOWL, np.full(2, 1e-7), SGD(lr=0.1), gtol=None, max_steps=3)
    assert ran.n_steps == 3 and ran.status == "max_steps"


# -- resume -------------------------------------------------------------------------------------
def test_fifty_plus_fifty_steps_equal_a_hundred_bit_for_bit():
    x0 = np.array([-1.5, 2.0])
    straight = minimize(ROSEN, x0, Adam(lr=0.01), max_steps=100, gtol=None)
    opt = Adam(lr=0.01)
    first = minimize(ROSEN, x0, opt, max_steps=50, gtol=None)
    saved = opt.state_dict()
    fresh = Adam(lr=0.5)                     # another optimizer object, loaded from the saved state
    fresh.load_state_dict(saved)
    second = minimize(ROSEN, first.x, fresh, max_steps=50, gtol=None, reset=False)
    np.testing.assert_array_equal(second.x, straight.x)
    again = minimize(ROSEN, first.x, opt, max_steps=50, gtol=None, reset=False)
    np.testing.assert_array_equal(again.x, straight.x)
    assert fresh.t == opt.t == 100


def test_x_resume_is_x_for_an_optimizer_that_evaluates_where_it_steps():
    res = minimize(ROSEN, np.array([-1.5, 2.0]), Adam(lr=0.01), max_steps=5, gtol=None)
    assert res.x_resume is res.x


@pytest.mark.parametrize("make", [lambda: ScheduleFreeSGD(lr=1e-3), lambda: ScheduleFreeAdamW(lr=0.01),
                                  lambda: PolyakAveraging(Adam(lr=0.01))],
                         ids=["ScheduleFreeSGD", "ScheduleFreeAdamW", "PolyakAveraging"])
def test_an_averaging_run_resumes_from_x_resume_bit_for_bit(make):
    """``x`` is the averaged point; the optimizer steps from ``x_resume``, so a resumed run continues
    from there and 50 + 50 updates equal 100.  Resuming from ``x`` would not."""
    x0 = np.array([-1.5, 2.0])
    straight = minimize(ROSEN, x0, make(), max_steps=100, gtol=None)
    opt = make()
    first = minimize(ROSEN, x0, opt, max_steps=50, gtol=None)
    assert not np.array_equal(first.x, first.x_resume)
    saved = opt.state_dict()
    second = minimize(ROSEN, first.x_resume, opt, max_steps=50, gtol=None, reset=False)
    np.testing.assert_array_equal(second.x, straight.x)
    np.testing.assert_array_equal(second.x_resume, straight.x_resume)
    wrong = make()
    wrong.load_state_dict(saved)
    off = minimize(ROSEN, first.x, wrong, max_steps=50, gtol=None, reset=False)
    assert not np.array_equal(off.x, straight.x)


def test_fit_resumes_a_schedule_free_run_from_x_resume_bit_for_bit():
    model = _linear_model()
    straight = fit(model, np.zeros(3), ScheduleFreeAdamW(lr=0.05), epochs=4, batch_size=8, shuffle=False)
    opt = ScheduleFreeAdamW(lr=0.05)
    first = fit(model, np.zeros(3), opt, epochs=2, batch_size=8, shuffle=False)
    second = fit(model, first.x_resume, opt, epochs=2, batch_size=8, shuffle=False, reset=False)
    np.testing.assert_array_equal(second.x, straight.x)
    assert second.fun == straight.fun


def test_reset_true_restarts_the_optimizer():
    opt = Adam(lr=0.01)
    a = minimize(ROSEN, np.zeros(2), opt, max_steps=20, gtol=None)
    b = minimize(ROSEN, np.zeros(2), opt, max_steps=20, gtol=None)
    np.testing.assert_array_equal(a.x, b.x)


# -- memory -------------------------------------------------------------------------------------
def test_points_are_recorded_only_when_small():
    small = minimize(BOWL, np.ones(2), SGD(lr=0.1), max_steps=10, gtol=None)
    assert small.history.x.shape == (11, 2)
    n = AUTO_RECORD // 10 + 1                 # 11 points of this size exceed the budget
    big = minimize(BOWL, np.ones(n), SGD(lr=0.1), max_steps=10, gtol=None)
    assert big.history.x is None
    forced = minimize(BOWL, np.ones(n), SGD(lr=0.1), max_steps=10, gtol=None, record_points=True)
    assert forced.history.x.shape == (11, n)
    with pytest.raises(ValueError, match="needs the parameters as one array"):
        minimize(BOWL, {"w": np.ones(2)}, SGD(lr=0.1), record_points=True)
    with pytest.raises(ValueError, match="record_points must be True, False or 'auto'"):
        minimize(BOWL, np.ones(2), SGD(lr=0.1), record_points="yes")


def test_a_stopped_run_keeps_only_the_points_it_made():
    res = minimize(BOWL, np.ones(2), SGD(lr=0.1), max_steps=1000)
    assert res.history.x.shape == (res.n_steps + 1, 2)


def test_memory_does_not_grow_with_size_times_steps():
    """N = 10**5 for 300 steps would need 240 MB if every point were kept; it stays near 10 x."""
    n = 100_000
    x0 = np.ones(n)
    tracemalloc.start()
    minimize(BOWL, x0, Adam(lr=0.01), max_steps=300, gtol=None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * x0.nbytes


# -- divergence ---------------------------------------------------------------------------------
def test_unscaled_breast_cancer_with_a_large_rate_is_reported_as_diverged():
    X, y = load_breast_cancer(return_X_y=True)
    model = LogisticRegression(add_bias(X), y)
    w0 = np.zeros(model.X.shape[1])
    res = minimize(model, w0, SGD(lr=0.1), max_steps=1000)
    assert res.status == "diverged"
    assert "rising-loss check" in res.message and "try a smaller learning rate" in res.message
    assert res.fun_best <= model.value(w0) < res.fun
    assert model.value(res.x_best) == res.fun_best


def test_blow_up_and_non_finite_checks_name_themselves():
    res = minimize(BOWL, np.ones(2), SGD(lr=1e7), max_steps=5)  # step 1: loss 2 -> about 8e14
    assert res.diverged and "blow-up check" in res.message and res.n_steps == 1
    huge = minimize((lambda x: float(np.exp(x @ x)), lambda x: 2 * x * np.exp(x @ x)),
                    np.ones(2), SGD(lr=10.0), max_steps=5)
    assert huge.diverged and "non-finite check" in huge.message
    assert np.all(np.isfinite(huge.x))


def test_diverged_by_names_the_check_and_counts_only_accepted_updates():
    blow = minimize(BOWL, np.ones(2), SGD(lr=1e7), max_steps=5)
    assert (blow.diverged_by, blow.n_steps, len(blow.history.loss)) == ("blow-up", 1, 2)
    nonfinite = minimize((lambda x: float(np.exp(x @ x)), lambda x: 2 * x * np.exp(x @ x)),
                         np.ones(2), SGD(lr=10.0), max_steps=5)
    # the non-finite update is rejected: n_steps and the history stop at the last finite point
    assert nonfinite.diverged_by == "non-finite"
    assert nonfinite.n_steps == len(nonfinite.history.loss) - 1
    assert "check the gradient with gdlearn.check_grad" in nonfinite.message
    fine = minimize(BOWL, np.ones(2), SGD(lr=0.1), max_steps=5)
    assert fine.diverged_by is None and not fine.diverged


def test_rising_loss_check_can_be_switched_off_or_moved():
    def climbing():  # the rate grows: the loss falls, then climbs for good
        return SGD(lr=lambda t: 0.05 * 1.5**t)
    on = minimize(BOWL, np.ones(2), climbing(), max_steps=200)
    assert on.diverged_by == "rising-loss" and "more than 1000 times" in on.message
    off = minimize(BOWL, np.ones(2), climbing(), max_steps=200, rise=None)
    assert off.diverged_by == "blow-up" and off.n_steps > on.n_steps  # only the blow-up check left
    tight = minimize(BOWL, np.ones(2), climbing(), max_steps=200, rise=10.0)
    assert tight.diverged_by == "rising-loss" and tight.n_steps < on.n_steps
    with pytest.raises(ValueError, match="rise"):
        minimize(BOWL, np.ones(2), SGD(lr=0.1), rise=0.0)
    with pytest.raises(ValueError, match="rise"):
        fit(LinearRegression(np.ones((4, 1)), np.ones(4)), np.zeros(1), SGD(lr=0.1),
            epochs=1, batch_size=2, shuffle=False, rise=-1.0)


def test_fit_reports_the_check_too():
    X = np.ones((4, 1))
    res = fit(LinearRegression(X, np.ones(4)), np.zeros(1), SGD(lr=1e9), epochs=3, batch_size=4,
              shuffle=False)
    assert res.diverged and res.diverged_by in Divergence.NAMES


def test_best_point_follows_the_loss_down_and_stays_when_it_rises():
    down = minimize(BOWL, np.ones(2), SGD(lr=0.1), max_steps=20, gtol=None)
    assert down.fun_best == down.fun and down.x_best is down.x
    # rates that grow: the loss falls for a while, then climbs until the rising-loss check fires
    up = minimize(BOWL, np.ones(2), SGD(lr=lambda t: 0.05 * 1.5**t), max_steps=200)
    k_best = int(np.argmin(up.history.loss))
    assert up.diverged and 0 < k_best < up.n_steps
    assert up.fun_best == up.history.loss[k_best]
    np.testing.assert_array_equal(up.x_best, up.history.x[k_best])


# -- value_and_grad ---------------------------------------------------------------------------
def test_value_and_grad_is_used_when_the_objective_offers_it():
    class Counted:
        def __init__(self):
            self.calls = {"value": 0, "grad": 0, "both": 0}

        def value(self, x):
            self.calls["value"] += 1
            return float(x @ x)

        def grad(self, x):
            self.calls["grad"] += 1
            return 2 * x

        def value_and_grad(self, x):
            self.calls["both"] += 1
            return float(x @ x), 2 * x

    obj = Counted()
    res = minimize(obj, np.ones(2), SGD(lr=0.1), max_steps=5, gtol=None)
    assert obj.calls == {"value": 0, "grad": 0, "both": 6} and res.n_grad_evals == 6


# -- fit ----------------------------------------------------------------------------------------
def _linear_model():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 3))
    return LinearRegression(X, X @ np.array([1.0, -2.0, 0.5]))


def test_fit_needs_no_rng_without_shuffling_and_one_with_it():
    model = _linear_model()
    res = fit(model, np.zeros(3), SGD(lr=0.1), epochs=5, batch_size=8, shuffle=False)
    assert res.n_steps == 25
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        fit(model, np.zeros(3), SGD(lr=0.1), epochs=1, batch_size=8)


def test_fit_progress_is_called_every_update_without_full_data_evaluations():
    model = _linear_model()
    seen = []
    base = fit(model, np.zeros(3), SGD(lr=0.1), epochs=2, batch_size=8, shuffle=False)
    res = fit(model, np.zeros(3), SGD(lr=0.1), epochs=2, batch_size=8, shuffle=False,
              progress=lambda k, w, g: seen.append((k, g.shape)))
    assert [k for k, _ in seen] == list(range(1, 11)) and seen[0][1] == (3,)
    assert res.n_fun_evals == base.n_fun_evals
    stop = fit(model, np.zeros(3), SGD(lr=0.1), epochs=2, batch_size=8, shuffle=False,
               progress=lambda k, w, g: k == 3)
    assert stop.status == "callback" and stop.n_steps == 3


# -- clipping -----------------------------------------------------------------------------------
def test_clip_grad_norm_keeps_direction_and_leaves_input_alone():
    g = np.array([3.0, 4.0])
    out = clip_grad_norm(g, 1.0)
    np.testing.assert_allclose(out, [0.6, 0.8])
    np.testing.assert_array_equal(g, [3.0, 4.0])
    assert clip_grad_norm(g, 10.0) is not None and np.array_equal(clip_grad_norm(g, 10.0), g)
    tree = clip_grad_norm({"a": np.array([3.0]), "b": np.array([4.0])}, 2.5)
    np.testing.assert_allclose([tree["a"][0], tree["b"][0]], [1.5, 2.0])


def test_clip_grad_value_and_bad_limits():
    np.testing.assert_array_equal(clip_grad_value(np.array([3.0, -0.5, -7.0]), 1.0), [1.0, -0.5, -1.0])
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0"):
        clip_grad_norm(np.ones(2), 0.0)
    with pytest.raises(ValueError, match="clip_value must be a finite number > 0"):
        clip_grad_value(np.ones(2), -1.0)


def test_float32_runs_stay_float32():
    res = minimize(Quadratic([1.0, 4.0]), np.array([1.0, 1.0], dtype=np.float32), SGD(lr=0.1),
                   gtol=1e-3)
    assert res.x.dtype == np.float32 and res.converged
