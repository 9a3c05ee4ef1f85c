"""Warm-up-stable-decay, one-cycle and linear decay: the formulas, and PyTorch's values written out.

torch is not installed here.  The PyTorch values below were computed once, independently of
gdlearn, by re-typing the algorithm of ``torch.optim.lr_scheduler.OneCycleLR.get_lr`` (phases ending
at ``pct_start * T - 1`` and ``T - 1``, ``pct = (step - start) / (end - start)``, cosine ramp
``end + (start - end) / 2 * (cos(pi * pct) + 1)``, linear ramp ``(end - start) * pct + start``)
and the closed form of ``LinearLR``, ``lr * (start + (end - start) * min(T, t) / T)``, in a
separate script, and pasted here as literals (printed with ``repr``).
"""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest

from gdlearn.optim import SGD
from gdlearn.schedules import LinearDecay, LinearWarmup, OneCycle, WarmupStableDecay

# OneCycleLR(opt, max_lr=0.1, total_steps=10): get_last_lr() before each of the 10 updates
TORCH_ONECYCLE = [0.0040000000000000036, 0.052000000000000005, 0.1, 0.09504846320134738,
                  0.0811745653949763, 0.06112620219362893, 0.03887419780637107, 0.0188258346050237,
                  0.004951936798652629, 4e-07]
# OneCycleLR(opt, max_lr=1.0, total_steps=10, pct_start=0.25, anneal_strategy="linear",
#            div_factor=10.0, final_div_factor=100.0)
TORCH_ONECYCLE_LINEAR = [0.1, 0.7, 0.9334, 0.8002, 0.667, 0.5338, 0.40060000000000007,
                         0.2674000000000001, 0.13419999999999999, 0.0010000000000000009]
# OneCycleLR(opt, max_lr=0.1, total_steps=10, three_phase=True)
TORCH_ONECYCLE_THREE = [0.0040000000000000036, 0.052000000000000005, 0.1, 0.052000000000000005,
                        0.004, 0.0036180721853510196, 0.0026181721853510195, 0.0013822278146489802,
                        0.0003823278146489803, 4e-07]
# LinearLR(opt with lr=0.1, start_factor=1.0, end_factor=0.0, total_iters=4), steps 0..5
TORCH_LINEAR = [0.1, 0.07500000000000001, 0.05, 0.025, 0.0, 0.0]


@pytest.mark.parametrize("schedule, expected", [
    (OneCycle(0.1, total_steps=10), TORCH_ONECYCLE),
    (OneCycle(1.0, total_steps=10, pct_start=0.25, anneal_strategy="linear", div_factor=10.0,
              final_div_factor=100.0), TORCH_ONECYCLE_LINEAR),
    (OneCycle(0.1, total_steps=10, three_phase=True), TORCH_ONECYCLE_THREE),
    (LinearDecay(0.1, total_steps=4), TORCH_LINEAR),
])
def test_same_values_as_torch_written_out(schedule, expected):
    np.testing.assert_allclose(schedule.values(len(expected)), expected, rtol=1e-12, atol=1e-15)


def test_one_cycle_formula_peak_and_ends():
    s = OneCycle(2.0, total_steps=101, pct_start=0.2, div_factor=20.0, final_div_factor=50.0)
    peak = 0.2 * 101 - 1                                   # 19.2: between steps 19 and 20
    assert s(0) == pytest.approx(0.1)                      # max_lr / div_factor
    assert s(100) == pytest.approx(0.1 / 50.0)             # the last update: the final rate
    assert s(101) == s(10_000) == pytest.approx(0.002)     # held after the run
    t = 7                                                  # climbing: cosine from 0.1 to 2.0
    assert s(t) == pytest.approx(2.0 + (0.1 - 2.0) / 2 * (math.cos(math.pi * t / peak) + 1), rel=1e-14)
    t = 60                                                 # falling: cosine from 2.0 to 0.002
    frac = (t - peak) / (100 - peak)
    assert s(t) == pytest.approx(0.002 + (2.0 - 0.002) / 2 * (math.cos(math.pi * frac) + 1), rel=1e-14)
    values = s.values(101)
    assert values.argmax() in (19, 20) and values.max() < 2.0 and values.max() > 1.99


def test_one_cycle_zero_length_phase_does_not_divide_by_zero():
    assert OneCycle(1.0, total_steps=10, pct_start=0.1)(0) == pytest.approx(1.0)  # peak at step 0


@pytest.mark.parametrize("shape, h", [
    ("linear", lambda s: 1 - s),
    ("1-sqrt", lambda s: 1 - math.sqrt(s)),
    ("cosine", lambda s: 0.5 * (1 + math.cos(math.pi * s))),
])
def test_wsd_phases(shape, h):
    s = WarmupStableDecay(0.5, total_steps=100, decay_steps=20, warmup_steps=10, shape=shape, min_lr=0.01)
    np.testing.assert_allclose(s.values(10), 0.5 * np.arange(1, 11) / 10, rtol=1e-14)  # warm-up
    assert all(s(t) == 0.5 for t in range(10, 81))                                      # stable
    for t in range(80, 100):                                                            # decay
        assert s(t) == pytest.approx(0.01 + 0.49 * h((t - 80) / 20), rel=1e-14)
    assert s(100) == s(500) == pytest.approx(0.01)
    assert np.all(np.diff(s.values(101)[79:]) <= 0)


def test_wsd_warmup_is_linear_warmup_and_without_decay_room_it_fails():
    wsd = WarmupStableDecay(0.3, total_steps=50, decay_steps=1, warmup_steps=7)
    assert [wsd(t) for t in range(49)] == [LinearWarmup(0.3, 7)(t) for t in range(49)]
    with pytest.raises(ValueError, match=r"warmup_steps \+ decay_steps \(7 \+ 44\) must not exceed"):
        WarmupStableDecay(0.3, total_steps=50, decay_steps=44, warmup_steps=7)


def test_linear_decay_formula():
    s = LinearDecay(1.0, total_steps=8, min_lr=0.2)
    np.testing.assert_allclose(s.values(10), [0.2 + 0.8 * (1 - min(t, 8) / 8) for t in range(10)], rtol=1e-14)


@pytest.mark.parametrize("factory, exc, message", [
    (lambda: WarmupStableDecay(0.1, 10, 2, shape="exp"), ValueError, "shape must be one of"),
    (lambda: WarmupStableDecay(0.1, 10, 0), ValueError, "decay_steps must be >= 1"),
    (lambda: WarmupStableDecay(0.1, 10, 2, min_lr=0.2), ValueError, r"min_lr \(0.2\) must not exceed lr"),
    (lambda: OneCycle(0.1, 10, pct_start=1.5), ValueError, r"pct_start must lie in \[0, 1\]"),
    (lambda: OneCycle(0.1, 10, anneal_strategy="cosine"), ValueError, "anneal_strategy must be 'cos' or"),
    (lambda: OneCycle(0.1, 0), ValueError, "total_steps must be >= 1"),
    (lambda: OneCycle(0.1, 10, three_phase=1), TypeError, "three_phase must be True or False"),
    (lambda: LinearDecay(-0.1, 10), ValueError, "lr must be a finite number > 0"),
])
def test_bad_arguments(factory, exc, message):
    with pytest.raises(exc, match=message):
        factory()


@pytest.mark.parametrize("schedule", [
    WarmupStableDecay(0.1, 40, 8, warmup_steps=4, shape="1-sqrt"),
    OneCycle(0.1, 40, three_phase=True, anneal_strategy="linear"),
    LinearDecay(0.1, 40, min_lr=0.001),
])
def test_saved_by_settings_in_an_optimizer_state(schedule):
    opt = SGD(lr=schedule)
    saved = pickle.loads(pickle.dumps(opt.state_dict()))
    assert saved["hyperparameters"]["lr"]["schedule"] == type(schedule).__name__
    fresh = SGD(lr=1.0)
    fresh.load_state_dict(saved)
    assert type(fresh.lr) is type(schedule)
    assert fresh.lr.values(45).tolist() == schedule.values(45).tolist()
