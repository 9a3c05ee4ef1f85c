"""Learning-rate schedules: values at chosen steps computed by hand, composition, argument checks."""

import math

import numpy as np
import pytest

from gdlearn.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    Joined,
    LinearWarmup,
    PerEpoch,
    StepDecay,
    as_schedule,
    join,
)


def check_values(schedule, expected):
    for t, value in expected.items():
        assert schedule(t) == pytest.approx(value, rel=1e-14, abs=1e-15), f"t={t}"


def test_constant():
    check_values(Constant(0.1), {0: 0.1, 7: 0.1, 10_000: 0.1})


def test_step_decay():
    check_values(StepDecay(1.0, step_size=3, gamma=0.5), {0: 1.0, 2: 1.0, 3: 0.5, 5: 0.5, 6: 0.25, 9: 0.125})
    check_values(StepDecay(0.2, step_size=1), {0: 0.2, 1: 0.02, 2: 0.002})


def test_exponential_decay():
    check_values(ExponentialDecay(2.0, gamma=0.9), {0: 2.0, 1: 1.8, 2: 1.62, 3: 1.458})


def test_inverse_time_decay():
    check_values(InverseTimeDecay(1.0, decay_rate=0.5, decay_steps=2), {0: 1.0, 2: 1 / 1.5, 4: 0.5, 8: 1 / 3})
    check_values(InverseTimeDecay(0.3, decay_rate=1.0), {0: 0.3, 1: 0.15, 9: 0.03})


def test_cosine_decay():
    s = CosineDecay(1.0, total_steps=4, min_lr=0.2)
    # 0.2 + 0.4 (1 + cos(pi t / 4)): t=1 -> 0.2 + 0.4 (1 + 0.70710678) = 0.88284271
    check_values(s, {0: 1.0, 1: 0.2 + 0.4 * (1 + math.sqrt(0.5)), 2: 0.6, 3: 0.2 + 0.4 * (1 - math.sqrt(0.5)),
                     4: 0.2, 50: 0.2})
    check_values(CosineDecay(0.5, total_steps=10), {0: 0.5, 5: 0.25, 10: 0.0})


def test_linear_warmup_starts_above_zero():
    s = LinearWarmup(0.4, warmup_steps=4)
    check_values(s, {0: 0.1, 1: 0.2, 2: 0.3, 3: 0.4, 4: 0.4, 100: 0.4})
    assert s(0) == 0.4 / 4 > 0


def test_linear_warmup_then_a_schedule():
    s = LinearWarmup(StepDecay(1.0, step_size=2, gamma=0.1), warmup_steps=2)
    # warm-up 0.5, 1.0; then the step decay restarted at its own t = 0: 1.0, 1.0, 0.1, 0.1, 0.01
    np.testing.assert_allclose(s.values(7), [0.5, 1.0, 1.0, 1.0, 0.1, 0.1, 0.01], rtol=1e-14)


def test_per_epoch_holds_the_rate_within_an_epoch():
    s = PerEpoch(ExponentialDecay(1.0, gamma=0.5), steps_per_epoch=3)
    np.testing.assert_allclose(s.values(8), [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25])


def test_join_switches_at_the_boundaries_and_restarts_the_count():
    s = join([Constant(1.0), ExponentialDecay(0.5, gamma=0.5), 0.01], boundaries=[2, 4])
    assert isinstance(s, Joined)
    np.testing.assert_allclose(s.values(7), [1.0, 1.0, 0.5, 0.25, 0.01, 0.01, 0.01])


def test_join_of_warmup_and_cosine_equals_nested_warmup():
    joined = join([LinearWarmup(0.1, 10), CosineDecay(0.1, 90)], [10])
    nested = LinearWarmup(CosineDecay(0.1, 90), 10)
    np.testing.assert_allclose(joined.values(120), nested.values(120), rtol=1e-15)


def test_values_and_calls_agree_and_numpy_integers_work():
    s = CosineDecay(1.0, total_steps=7)
    np.testing.assert_array_equal(s.values(9), [s(t) for t in range(9)])
    assert s(np.int64(3)) == s(3)
    assert s.values(0).shape == (0,)


def test_as_schedule():
    c = as_schedule(0.3)
    assert isinstance(c, Constant) and c(12) == 0.3
    s = StepDecay(1.0, 2)
    assert as_schedule(s) is s

    def fn(t):
        return 1.0 / (t + 1)

    assert as_schedule(fn) is fn
    with pytest.raises(TypeError, match="lr"):
        as_schedule("0.1")
    with pytest.raises(ValueError, match="lr"):
        as_schedule(-0.1)


def test_repr():
    assert repr(StepDecay(0.1, 5)) == "StepDecay(lr=0.1, step_size=5, gamma=0.1)"


@pytest.mark.parametrize("bad_t, exc", [(-1, ValueError), (1.5, TypeError), (True, TypeError)])
def test_bad_step_index(bad_t, exc):
    with pytest.raises(exc, match="t"):
        ExponentialDecay(1.0, 0.5)(bad_t)


@pytest.mark.parametrize(
    "factory, exc, name",
    [
        (lambda: Constant(0.0), ValueError, "lr"),
        (lambda: Constant(math.nan), ValueError, "lr"),
        (lambda: StepDecay(-1.0, 2), ValueError, "lr"),
        (lambda: StepDecay(1.0, 0), ValueError, "step_size"),
        (lambda: StepDecay(1.0, 2.5), TypeError, "step_size"),
        (lambda: StepDecay(1.0, 2, gamma=0.0), ValueError, "gamma"),
        (lambda: ExponentialDecay(1.0, gamma=-0.5), ValueError, "gamma"),
        (lambda: ExponentialDecay(math.inf, gamma=0.5), ValueError, "lr"),
        (lambda: InverseTimeDecay(1.0, decay_rate=-0.1), ValueError, "decay_rate"),
        (lambda: InverseTimeDecay(1.0, decay_rate=0.1, decay_steps=0), ValueError, "decay_steps"),
        (lambda: CosineDecay(1.0, total_steps=0), ValueError, "total_steps"),
        (lambda: CosineDecay(1.0, total_steps=10, min_lr=-0.1), ValueError, "min_lr"),
        (lambda: CosineDecay(1.0, total_steps=10, min_lr=2.0), ValueError, "min_lr"),
        (lambda: LinearWarmup(0.1, warmup_steps=0), ValueError, "warmup_steps"),
        (lambda: LinearWarmup("fast", warmup_steps=3), TypeError, "after"),
        (lambda: LinearWarmup(-0.1, warmup_steps=3), ValueError, "after"),
        (lambda: PerEpoch(0.1, steps_per_epoch=3), TypeError, "schedule"),
        (lambda: PerEpoch(Constant(0.1), steps_per_epoch=0), ValueError, "steps_per_epoch"),
        (lambda: join([0.1, 0.01], []), ValueError, "boundaries"),
        (lambda: join([0.1, 0.01, 0.001], [5, 5]), ValueError, "boundaries"),
        (lambda: join([0.1, 0.01], [0]), ValueError, "boundaries"),
        (lambda: join([0.1, None], [3]), TypeError, "schedules"),
    ],
)
def test_bad_arguments_raise_naming_the_argument(factory, exc, name):
    with pytest.raises(exc, match=name):
        factory()
