# %% [markdown]
# # Learning-rate schedules and line search
#
# A single learning rate for the whole of training is a compromise. Early on, far from the minimum, a large
# step makes fast progress; late, near the minimum, a large step overshoots and, with stochastic gradients,
# keeps the iterate rattling around. This chapter covers the two standard ways out. A **schedule** fixes in
# advance how the rate changes with the step count. A **line search** picks each step by trying it on the
# loss. We also test the two classic bugs of schedules (the wrong time unit and the warm-up that starts at
# zero) and a cheap way to find a good rate, the learning-rate range test. Symbols follow the book's
# {doc}`../notation`: the learning rate is $\alpha$ ($\alpha_k$ for update $k$ when it is scheduled).
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write down the step, exponential, inverse-time, cosine and linear warm-up schedules and compute their values by hand;
# - tell a schedule stepped once per minibatch from one stepped once per epoch, and convert one into the other;
# - spot the off-by-one that makes a warm-up waste its first update;
# - run a learning-rate range test and read a good rate off its curve;
# - state the Armijo and Wolfe conditions, implement backtracking line search, and count what it costs.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from threadpoolctl import threadpool_limits

import gdlearn
from gdlearn.data import add_bias, standardize
from gdlearn.linesearch import ArmijoGD, backtracking
from gdlearn.loop import fit, minimize
from gdlearn.models import LogisticRegression, SoftmaxRegression
from gdlearn.objectives import Rosenbrock
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style
from gdlearn.schedules import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    LinearWarmup,
    PerEpoch,
    StepDecay,
)

use_book_style()

SEED = 0
# All matrices here are small, so a single BLAS thread is the fastest choice, and it
# also makes every printed number independent of how many cores the machine has.
threadpool_limits(limits=1)
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Five schedules
#
# A schedule is a function $\alpha_k$ of $k$, the **number of updates already made**: $k = 0$ for the first
# update, $k = 1$ for the second, and so on. (Counting from zero matters; we come back to it below.) With an
# initial rate $\alpha_0$, the five schedules of this chapter are:
#
# | schedule | rate of update $k$ | parameters |
# | --- | --- | --- |
# | step decay | $\alpha_k = \alpha_0\, \gamma^{\lfloor k/s \rfloor}$ | factor $\gamma$, every $s$ steps |
# | exponential decay | $\alpha_k = \alpha_0\, \gamma^{k}$ | factor $\gamma$ per step |
# | inverse time ($1/k$) | $\alpha_k = \dfrac{\alpha_0}{1 + r\,k/s}$ | rate $r$, time scale $s$ |
# | cosine | $\alpha_k = \alpha_{\min} + \tfrac12(\alpha_0 - \alpha_{\min})\bigl(1 + \cos(\pi k / K)\bigr)$, $k \le K$ | length $K$, floor $\alpha_{\min}$ |
# | linear warm-up | $\alpha_k = \alpha_0\,\dfrac{k+1}{T_{\mathrm{w}}}$ for $k < T_{\mathrm{w}}$, then the next schedule | $T_{\mathrm{w}}$ warm-up steps |
#
# Step decay is the classic recipe ("divide the rate by 10 every 30 epochs"); the inverse-time schedule is the one stochastic
# approximation theory asks for (its rates sum to infinity while their squares do not {cite:p}`robbins1951`);
# cosine decay comes from the warm-restart paper of {cite:t}`loshchilov2017`; and a linear warm-up before the
# main schedule made very large minibatches trainable in {cite:t}`goyal2017`.
#
# Each formula is one line of numpy. We write them out for 100 steps and check that `gdlearn.schedules`
# gives the same numbers.

# %%
T = 100
t = np.arange(T)
lr0 = 0.1

by_hand = {
    "step (s=30, γ=0.5)": lr0 * 0.5 ** (t // 30),
    "exponential (γ=0.97)": lr0 * 0.97**t,
    "inverse time (r=1, s=10)": lr0 / (1 + 1.0 * t / 10),
    "cosine (K=100)": 0.5 * lr0 * (1 + np.cos(np.pi * t / T)),
    "warm-up (T_w=10) + cosine": np.where(
        t < 10, lr0 * (t + 1) / 10, 0.5 * lr0 * (1 + np.cos(np.pi * (t - 10) / 90))
    ),
}
schedules = {
    "step (s=30, γ=0.5)": StepDecay(lr0, step_size=30, gamma=0.5),
    "exponential (γ=0.97)": ExponentialDecay(lr0, gamma=0.97),
    "inverse time (r=1, s=10)": InverseTimeDecay(lr0, decay_rate=1.0, decay_steps=10),
    "cosine (K=100)": CosineDecay(lr0, total_steps=T),
    "warm-up (T_w=10) + cosine": LinearWarmup(
        CosineDecay(lr0, total_steps=90), warmup_steps=10
    ),
}
for name, sched in schedules.items():
    assert np.allclose(sched.values(T), by_hand[name]), name
    print(
        f"{name:26s} rates of updates 0, 1, 50, 99: "
        + ", ".join(f"{sched(k):.5f}" for k in (0, 1, 50, 99))
    )

# %% [markdown]
# A few values are easy to work out by hand, and make good tests. Step decay halves the rate at $k = 30$,
# so updates 29 and 30 use $0.1$ and $0.05$. With $\gamma = 0.97$, ten steps of exponential decay give
# $0.1 \cdot 0.97^{10} \approx 0.07374$. The inverse-time schedule with $r = 1$, $s = 10$ halves the rate at
# $k = 10$ and thirds it at $k = 20$. The cosine is at half height in the middle ($k = 50$) and at zero at
# the end ($k = K$). The warm-up uses $0.1 / 10 = 0.01$ on its first update and reaches $0.1$ on its
# tenth ($k = 9$), then hands over to the cosine, which starts from the top.

# %%
step, expo, inv, cos, warm = schedules.values()
assert (step(29), step(30), step(60)) == (0.1, 0.05, 0.025)
assert abs(expo(10) - 0.0737424) < 1e-7
assert np.isclose(inv(10), 0.05) and np.isclose(inv(20), 0.1 / 3)
assert np.isclose(cos(50), 0.05) and cos(T) == 0.0
assert (
    np.isclose(warm(0), 0.01) and np.isclose(warm(9), 0.1) and np.isclose(warm(10), 0.1)
)
print("all hand-computed values agree")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for i, ((name, sched), mk) in enumerate(
    zip(schedules.items(), ["o", "s", "^", "D", "v"], strict=True)
):
    # a marker every 12 updates, staggered so that the markers do not hide each other
    ax.plot(t, sched.values(T), marker=mk, markevery=(2 * i, 12), ms=5, label=name)
ax.set_xlabel("update k")
ax.set_ylabel("learning rate")
ax.set_title("Five learning-rate schedules over 100 updates")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows five learning-rate curves over 100 updates, each with its own line style and marker, all
# starting from or rising to 0.1: a
# staircase that halves every 30 steps, a smooth exponential decay, an inverse-time curve that falls
# quickly and then flattens, a half cosine that reaches zero at step 100, and a linear ramp over the first
# ten steps followed by a cosine.*
#
# The curves differ most at the end: after 100 steps the cosine has reached zero, the exponential sits at
# about $0.005$, step decay at $0.0125$ and the inverse-time schedule still at about $0.01$. Which one
# trains best depends on the problem; the point of having them as small objects is that swapping one for
# another is a one-word change: `SGD(lr=CosineDecay(0.1, total_steps=100))`.
#
# ## Per batch or per epoch?
#
# Papers and libraries state schedules in **epochs** ("divide the rate by 10 every 30 epochs"), but an
# optimizer counts **updates**. With minibatches the two differ by the number of batches per epoch. Feed the
# optimizer `StepDecay(0.1, step_size=30)` and it divides the rate every 30 *updates*; with 10 batches per
# epoch that is every 3 epochs, ten times too early. `PerEpoch(schedule, steps_per_epoch)` turns a
# schedule written in epochs into one in updates: update $k$ gets the rate that the epoch schedule gives epoch
# $\lfloor k / N \rfloor$, where $N = \lceil n/B \rceil$ is the number of minibatches of size $B$ in an epoch of
# $n$ examples.

# %%
batches_per_epoch, epochs = 10, 50
updates = np.arange(batches_per_epoch * epochs)
per_batch = StepDecay(0.1, step_size=30)
per_epoch = PerEpoch(StepDecay(0.1, step_size=30), steps_per_epoch=batches_per_epoch)


def first_drop_epoch(sched):
    """The epoch of the first update whose rate is below the initial rate."""
    rates = sched.values(len(updates))
    return int(np.argmax(rates < rates[0])) // batches_per_epoch


print(
    f"stepped per batch: first drop in epoch {first_drop_epoch(per_batch)}, "
    f"rate in epoch 10 = {per_batch(10 * batches_per_epoch):.0e}"
)
print(
    f"stepped per epoch: first drop in epoch {first_drop_epoch(per_epoch)}, "
    f"rate in epoch 10 = {per_epoch(10 * batches_per_epoch):.0e}"
)
assert first_drop_epoch(per_batch) == 3 and first_drop_epoch(per_epoch) == 30

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(
    updates / batches_per_epoch,
    per_batch.values(len(updates)),
    label="StepDecay(0.1, 30) per batch",
)
ax.semilogy(
    updates / batches_per_epoch,
    per_epoch.values(len(updates)),
    label="PerEpoch(StepDecay(0.1, 30), 10)",
    ls="--",
)
ax.set_xlabel("epoch (10 batches each)")
ax.set_ylabel("learning rate (log scale)")
ax.set_title("The same step decay counted in batches and in epochs")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows two staircases on a logarithmic rate axis over 50 epochs: the one counted in batches
# drops by a factor of 10 every 3 epochs and falls to ten to the minus 17, the one counted in epochs stays at 0.1
# until epoch 30 and then drops once to 0.01.*
#
# By epoch 10 the per-batch version has already cut the rate a thousandfold. What that does to training we
# see on a logistic regression for the breast-cancer data {cite:p}`street1993` (569 patients, 30 standardized
# measurements plus an intercept, a small L2 penalty), trained with minibatches of $B = 57$ rows, which makes
# $N = \lceil 569/57 \rceil = 10$ batches per epoch:

# %%
X_bc, y_bc = load_breast_cancer(return_X_y=True)
X_bc = add_bias(standardize(X_bc)[0])
logreg = LogisticRegression(X_bc, y_bc, l2=1e-2)
w0 = np.zeros(X_bc.shape[1])
print(
    f"{'full-data loss after epoch':>28s}  "
    + "  ".join(f"{e:>6d}" for e in (0, 3, 10, 30, 50))
)
unit_runs = {}
for name, sched in [
    ("StepDecay per batch", per_batch),
    ("PerEpoch(StepDecay)", per_epoch),
]:
    res = fit(
        logreg,
        w0,
        SGD(lr=sched),
        epochs=epochs,
        batch_size=57,
        rng=np.random.default_rng(SEED),
    )
    assert res.n_steps == batches_per_epoch * epochs
    unit_runs[name] = res.history.loss
    print(
        f"{name:>28s}  "
        + "  ".join(f"{res.history.loss[e]:.4f}" for e in (0, 3, 10, 30, 50))
    )
stalled = unit_runs["StepDecay per batch"]
assert (
    abs(stalled[50] - stalled[10]) < 1e-4
    and unit_runs["PerEpoch(StepDecay)"][50] < stalled[50] - 0.05
)

# %% [markdown]
# Both runs are identical for three epochs. Then the per-batch schedule freezes the model: from epoch 10 on
# its loss does not change in the fourth decimal, while the per-epoch schedule keeps improving. Nothing
# crashes and the loss curve looks merely "converged", which is what makes this bug expensive. The fix is to
# say which unit a schedule counts, and to convert with `PerEpoch`.
#
# ## The warm-up that starts at zero
#
# A linear warm-up ramps the rate from small to $\alpha_0$ over $T_{\mathrm{w}}$ updates. The natural-looking
# hand-written version is $\alpha_k = \alpha_0\, k / T_{\mathrm{w}}$. But the first update has $k = 0$, so its rate is exactly
# zero: the first gradient is computed and thrown away, and the parameters do not move. (The same version
# reaches $\alpha_0$ only at $k = T_{\mathrm{w}}$, one update later than intended.) We give both to `SGD` on the
# breast-cancer logistic regression and look at the parameters after one step.

# %%
g0 = logreg.grad(w0)
base, W = 0.5, 10


def naive_warmup(t):
    return base * t / W


opt_naive = SGD(lr=naive_warmup)
w1_naive = opt_naive.step(w0, g0)
opt_gd = SGD(lr=LinearWarmup(base, warmup_steps=W))
w1_gd = opt_gd.step(w0, g0)

print("naive  t/W   : rates of updates 0, 1, 2 =", [naive_warmup(k) for k in range(3)])
print(
    "LinearWarmup : rates of updates 0, 1, 2 =",
    [round(LinearWarmup(base, W)(k), 4) for k in range(3)],
)
print(
    f"after one step: naive moved the weights by {np.linalg.norm(w1_naive - w0):.4f}, "
    f"LinearWarmup by {np.linalg.norm(w1_gd - w0):.4f}"
)
print(
    "naive warm-up: weights after update 1 identical to the start:",
    np.array_equal(w1_naive, w0),
)
assert np.array_equal(w1_naive, w0)
assert np.allclose(w1_gd, w0 - base / W * g0)

# %% [markdown]
# The hand-written warm-up wasted the first update; `gdlearn`'s `LinearWarmup` uses
# $\alpha_0 (k+1)/T_{\mathrm{w}}$, so its first update already moves by $\alpha_0/T_{\mathrm{w}}$ times the gradient
# and its $T_{\mathrm{w}}$-th update ($k = T_{\mathrm{w}} - 1$) reaches the full rate. gdlearn's unit tests pin this down
# (`test_linear_warmup_starts_above_zero` in `tests/test_schedules.py` asserts a first rate of $\alpha_0/T_{\mathrm{w}} > 0$), so
# the bug cannot creep back in.
#
# ## Finding a rate: the learning-rate range test
#
# Before picking a schedule one needs a rate that is about right. {cite:t}`smith2017` proposed a cheap way
# to find it: train for a short while with a rate that *grows* every minibatch step, from far too small to
# far too large, and plot the loss against the rate. At first the rate is too small to change anything;
# then the loss drops; finally the steps are too long and the loss climbs. A good rate sits where the loss
# falls fastest.
#
# What is plotted matters for the cost. Smith records the loss the training loop computes anyway: the loss
# of each **minibatch**, just before its update. One minibatch is a noisy estimate of the full-data loss,
# so the curve is smoothed, here with a bias-corrected exponential moving average over about ten updates
# (the running average of the {doc}`../part3/adaptive_methods` chapter, with the decay $\beta_1 = 0.9$). Evaluating
# the loss on all the data after every update would give a cleaner curve, but it would cost a full pass
# over the data per update, and make the test as expensive as many epochs of training.
#
# We run it on softmax regression for the ten digit classes of scikit-learn's bundled digits data set
# {cite:p}`pedregosa2011` (1797 images of $8 \times 8$ pixels), with minibatches of $B = 32$ and a rate that
# grows exponentially from $10^{-4}$ to $10$ over 100 steps (`ExponentialDecay` with a factor greater
# than 1). The test stops early if the smoothed loss exceeds four times its best value. The loop is
# short enough to write out.

# %%
X_dg, y_dg = load_digits(return_X_y=True)
X_dg = add_bias(standardize(X_dg)[0])
softmax = SoftmaxRegression(X_dg, y_dg)
W0 = np.zeros(softmax.shape)


def range_test(model, w0, lr_min, lr_max, n_steps, batch_size, rng, beta=0.9):
    """Grow the rate geometrically; return rates, minibatch losses, smoothed losses."""
    sched = ExponentialDecay(lr_min, gamma=(lr_max / lr_min) ** (1 / (n_steps - 1)))
    opt, w, avg, best = SGD(lr=sched), w0, 0.0, np.inf
    n_epochs = -(-n_steps * batch_size // model.n_samples)  # ceiling division
    order = np.concatenate([rng.permutation(model.n_samples) for _ in range(n_epochs)])
    lrs, raw, smooth = [], [], []
    for k in range(n_steps):
        idx = order[k * batch_size : (k + 1) * batch_size]
        loss = model.value(w, idx)  # the minibatch loss, before the update
        w = opt.step(w, model.grad(w, idx))
        avg = beta * avg + (1 - beta) * loss
        lrs.append(sched(k))
        raw.append(loss)
        smooth.append(avg / (1 - beta ** (k + 1)))  # bias-corrected average
        best = min(best, smooth[-1])
        if smooth[-1] > 4 * best:
            break
    return np.array(lrs), np.array(raw), np.array(smooth)


lrs, raw, losses = range_test(
    softmax, W0, 1e-4, 10.0, 100, 32, np.random.default_rng(SEED)
)
n_upd = len(lrs)
print(
    f"range test: {n_upd} updates on minibatches of 32 "
    f"({n_upd * 32 / softmax.n_samples:.1f} epochs of gradients), "
    f"rates from {lrs[0]:.0e} to {lrs[-1]:.2g}"
)

# %% [markdown]
# Where does the loss fall fastest? We take the slope of the smoothed loss with respect to $\log_{10}$
# of the rate (a finite difference along the test) and pick the rate where it is most negative, looking
# only at the part of the curve before the smoothed loss reaches its lowest point.

# %%
slope = np.gradient(losses, np.log10(lrs))
k_low = int(np.argmin(losses))
k_pick = int(np.argmin(slope[:k_low]))
lr_pick = float(lrs[k_pick])
print(f"lowest smoothed loss {losses[k_low]:.3f} at rate {lrs[k_low]:.3g}")
print(f"steepest fall {slope[k_pick]:.2f} per decade at rate {lr_pick:.3g}  <- picked")

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
ax.semilogx(lrs, raw, ".", color="0.6", ms=4, label="minibatch loss before the update")
ax.semilogx(lrs, losses, color="C0", label="smoothed (moving average)")
ax.axvline(lr_pick, color="C2", ls="--", label=f"steepest fall, lr = {lr_pick:.3g}")
ax.axvline(lrs[k_low], color="C3", ls=":", label=f"lowest loss, lr = {lrs[k_low]:.3g}")
ax.set_xlabel("learning rate (log scale)")
ax.set_ylabel("cross-entropy loss")
ax.set_title("Learning-rate range test, softmax regression on digits")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the loss against the learning rate on a logarithmic axis: grey dots for the loss of
# each minibatch and a solid line for their moving average. The curve is flat at about 2.3 for rates
# below one in a thousand, falls steeply between about 0.01 and 1, and is lowest near a rate of 3.5,
# where the minibatch losses start to scatter. A dashed vertical line marks the rate of steepest fall
# (0.272), a dotted one the rate of lowest smoothed loss (3.51).*
#
# Does the picked rate train well? We train for five epochs with a constant rate: the picked one, one
# thirty times smaller, the rate at which the range test had its lowest loss, and four times that, and
# print the full-data loss after every epoch.

# %%
rates = {
    "picked / 30": lr_pick / 30,
    "picked": lr_pick,
    "lowest loss": float(lrs[k_low]),
    "4 x lowest loss": 4 * float(lrs[k_low]),
}
trained = {}
print(f"{'':>15s}  {'rate':>7s}  loss after epochs 0..5{'':>22s}  accuracy")
for name, lr in rates.items():
    rng = np.random.default_rng(SEED)
    res = fit(softmax, W0, SGD(lr=lr), epochs=5, batch_size=32, rng=rng)
    trained[name] = res
    curve = np.array2string(res.history.loss, precision=2)
    if name == "4 x lowest loss":  # unstable: its digits depend on round-off
        loss = res.history.loss
        rises = np.any(np.diff(loss[1:]) > 0)
        curve = (
            f"after epoch 1 above the start: {loss[1] > loss[0]}, rises later: {rises}"
        )
        print(f"{name:>15s}  {lr:7.3g}  {curve}")
        continue
    print(f"{name:>15s}  {lr:7.3g}  {curve}  {softmax.score(res.x):8.3f}")

# %%
assert trained["picked"].fun < trained["picked / 30"].fun / 5
assert softmax.score(trained["picked"].x) > 0.95
assert np.all(np.diff(trained["picked"].history.loss) < 0)
assert np.any(np.diff(trained["lowest loss"].history.loss) > 0)
assert trained["4 x lowest loss"].fun > trained["picked"].fun
assert (
    trained["4 x lowest loss"].history.loss[1]
    > trained["4 x lowest loss"].history.loss[0]
)

# %% [markdown]
# The picked rate trains: the loss falls at every epoch, to about a sixth of what a rate thirty times
# smaller reaches, and 98.2% of the digits are classified correctly after five epochs. At the rate of the
# lowest smoothed loss, thirteen times larger, the loss is already erratic (it rises again in the last
# epoch), and at four times that the loss after the first epoch is higher than at the start (the
# exact numbers of this unstable run change with the rounding of the machine, so we print only that). Smith reads the curve the same way:
# the rate where the loss starts to fall steeply and the rate where it stops falling bracket the useful
# range, and his cyclical schedules move between the two. The steepest-fall rate is the choice with a
# safety margin.
#
# The whole test cost 100 minibatch gradients and losses, about 1.8 epochs, which is why it is worth
# running before any long training run.
#
# ## Schedules that react, cycle or average
#
# The schedules above are fixed in advance. Two popular ones are not. **Reduce on plateau** (PyTorch's
# `ReduceLROnPlateau`) watches a validation loss and divides the rate by a factor, typically 10, when the
# loss has not improved for a set number of epochs: a step decay whose steps are triggered by the
# training curve rather than by the clock. The **one-cycle** policy of {cite:t}`smith2019` turns the
# range test into a schedule: the rate climbs from a small value to about the upper edge the test found,
# then falls far below the start, over a single cycle that spans the whole run (momentum moves the
# opposite way). `gdlearn` has no class for either yet; a later part adds one-cycle and compares it with
# other modern schedules.
#
# A schedule decays the rate so that the iterates stop rattling around the minimum. **Averaging the
# iterates** does the same job from the other end: keep the rate, and report the average
# $\bar\theta_K = \frac1K \sum_{k=1}^{K} \theta_k$ of the iterates (Polyak–Ruppert averaging) or an
# exponential moving average of them. {cite:t}`polyak1992` proved that, for stochastic gradients with a
# slowly decaying rate, the averaged iterate converges as fast as any method can, with the noise averaged
# away. A later part of the book treats averaging and the exponential moving average of the weights used
# in deep learning.
#
# ## Line search: let the loss pick the step
#
# A schedule decides the rate before training starts. A **line search** decides it at every step, by trying
# steps along a descent direction $p$ (here $p = -\nabla f(\theta)$) and keeping one that lowers the loss
# *enough*. "Enough" is the **Armijo condition** {cite:p}`armijo1966`, with a constant $0 < c_1 < 1$:
#
# $$
# f(\theta + \alpha p) \le f(\theta) + c_1\,\alpha\,\nabla f(\theta)^\top p .
# $$
#
# The right-hand side is the tangent line at $\alpha = 0$ with its slope multiplied by $c_1$ (typically
# $c_1 = 10^{-4}$). A step whose loss lies above that line is rejected. Short steps always pass (near
# $\alpha = 0$ the loss follows its tangent, which is steeper than the line), so the condition rules out
# steps that are **too long**: those that overshoot and gain less than a fixed fraction of what the slope
# promised. On its own it says nothing against steps that are too short; a step of $10^{-12}$ passes.
# What keeps the step from shrinking to nothing is the way it is searched for. **Backtracking** tries
# $\bar\alpha, \varphi\bar\alpha, \varphi^2\bar\alpha, \dots$ (first trial $\bar\alpha$, shrink factor $0 < \varphi < 1$)
# and keeps the first that passes {cite:p}`nocedal2006`, so it never shortens a step that is already
# acceptable. It always stops, and not too early: if $\nabla f$ is $L$-Lipschitz, every
# $\alpha \le 2(1-c_1)/L$ passes, so the accepted step is at least $\min\{\bar\alpha,\ 2\varphi(1-c_1)/L\}$.
#
# Line searches that may also lengthen the step, such as the ones inside quasi-Newton methods, rule out
# short steps explicitly with a second test, the **curvature condition** of {cite:t}`wolfe1969`, with a
# second constant $c_2$, $0 < c_1 < c_2 < 1$:
#
# $$
# \nabla f(\theta + \alpha p)^\top p \;\ge\; c_2\, \nabla f(\theta)^\top p ,
# $$
#
# which rejects a step while the slope along $p$ at the new point is still steeply negative, that is,
# while going further would still pay (typically $c_2 = 0.9$). Armijo's condition together with this one
# are the **Wolfe conditions**; a step satisfying both exists for every smooth $f$ bounded below, and it
# is what keeps the BFGS update of the {doc}`../part3/newton` chapter positive definite.
#
# The whole algorithm is a few lines:


# %%
def armijo_backtracking(f, x, g, alpha0=1.0, phi=0.5, c1=1e-4):
    """Return (alpha, number of f evaluations) for the direction p = -g."""
    fx, slope = f(x), -g @ g  # slope = g^T p
    alpha, evals = alpha0, 1
    while True:
        evals += 1
        if f(x - alpha * g) <= fx + c1 * alpha * slope:
            return alpha, evals
        alpha *= phi


rosen = Rosenbrock()
x_start = np.array([-1.2, 1.0])
for x in (x_start, np.array([0.0, 0.0]), np.array([1.5, 2.0])):
    g = rosen.grad(x)
    mine = armijo_backtracking(rosen.value, x, g)
    ls = backtracking(rosen.value, x, g)
    print(
        f"x = {x}: alpha = {mine[0]:.6f} after {mine[1]} evaluations;  "
        f"gdlearn: {ls.alpha:.6f}, {ls.n_evals}"
    )
    assert ls.success and (ls.alpha, ls.n_evals) == mine

# %% [markdown]
# `gdlearn.linesearch.ArmijoGD` is gradient descent with this search at every step (its arguments `c` and
# `rho` are $c_1$ and the shrink factor $\varphi$). On Rosenbrock's valley
# {cite:p}`rosenbrock1960` from the classic start $(-1.2, 1)$ we run 500 steps and check, from the recorded
# history, that every accepted step satisfied the Armijo condition:
# $f(\theta_{k+1}) \le f(\theta_k) - c_1\,\alpha_k \|\nabla f(\theta_k)\|^2$.

# %%
armijo = ArmijoGD(alpha0=1.0, rho=0.5, c=1e-4)
run = minimize(rosen, x_start, armijo, max_steps=500, gtol=None)
h = run.history
alphas = np.array(armijo.alphas)
armijo_ok = h.loss[1:] <= h.loss[:-1] - armijo.c * alphas * h.grad_norm[:-1] ** 2
print(f"{run.n_steps} steps, f = {run.fun:.4f} at x = {run.x}")
print(f"Armijo condition held at {armijo_ok.sum()} of {len(alphas)} steps")
print(
    "accepted steps (value: count):",
    ", ".join(
        f"{a:.2g}: {n}"
        for a, n in zip(*np.unique(alphas, return_counts=True), strict=True)
    ),
)
print(
    f"function evaluations by the searches: {armijo.n_evals} "
    f"({armijo.n_evals / run.n_steps:.1f} per step)"
)
k_big = int(np.argmax(alphas))
print(
    f"longest step: alpha = {alphas[k_big]:g} at iteration {k_big + 1}, "
    f"from x = {h.x[k_big]} "
    f"to {h.x[k_big + 1]}, f from {h.loss[k_big]:.3f} to {h.loss[k_big + 1]:.3f}"
)
print(
    "2 / (largest Hessian eigenvalue at the minimum) = "
    f"{2 / np.linalg.eigvalsh(rosen.hess(np.ones(2)))[-1]:.6f}, "
    f"2^-9 = {2**-9:.6f}"
)
assert armijo_ok.all() and (alphas > 0).all()

const = minimize(rosen, x_start, SGD(lr=2**-9), max_steps=500, gtol=None)
print(
    f"constant step 2^-9 = {2**-9:.5f}: f after 30 iterations "
    f"{const.history.loss[30]:.3f} (line search {h.loss[30]:.3f}), "
    f"after 500 iterations {const.fun:.4f} (line search {run.fun:.4f})"
)
assert const.history.loss[30] < h.loss[30] and run.fun < const.fun / 10

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(
    np.arange(1, len(alphas) + 1),
    alphas,
    "o",
    ms=3,
    zorder=3,
    label=r"accepted step $\alpha_k$",
)
ax.axhline(
    2**-9,
    color="C1",
    ls="--",
    zorder=2,  # under the points that sit on it
    label=r"constant step $2^{-9} \approx 0.00195$",
)
ax.set_xlabel("iteration k")
ax.set_ylabel("step size (log scale)")
ax.set_title("Steps accepted by Armijo backtracking on Rosenbrock")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the accepted step sizes of 500 backtracking iterations on a logarithmic axis: nearly all
# between 0.001 and 0.004, most of them on the dashed line of a constant step of 2 to the minus 9 (about 0.002), and
# one isolated step of 0.5 early in the run.*
#
# The line search found by itself the step size one would tune by hand for this valley: mostly
# $2^{-9} \approx 0.00195$, the largest power of two with which a constant step is stable near the minimum
# (there the Hessian's largest eigenvalue, see {doc}`../part2/derivatives_and_gradients`, is about 1000, and gradient descent is stable only below
# $2/\lambda_{\max} \approx 0.002$). Because every search starts again at $\bar\alpha = 1$, it also notices
# when a long step happens to work: at iteration 31 it accepted $\alpha = 0.5$ and jumped straight across the
# bend of the valley, which a constant step never does. Up to that iteration the constant step was even a
# little ahead; after it, the line search stays far ahead, and it ends about 200 times lower after 500
# iterations. The price is in the evaluation
# count: about ten function evaluations per step, most of them spent halving from 1 down to about $2^{-9}$.
#
# ### What does the line search cost?
#
# A fair comparison counts evaluations to reach the same tolerance. We return to the logistic regression on
# the breast-cancer data and stop when $\|\nabla f\| \le 10^{-6}$. For constant-step gradient descent we
# first tune the rate over a grid (doubling from 1, at most 1000 steps each); for backtracking we try two first trial steps,
# $\bar\alpha = 1$ and $\bar\alpha = 16$. Gradient descent needs no function values at all (the loop records
# them for the history, but the method does not use them); the line search needs them, and we count them.

# %%
gtol = 1e-6
print(f"{'constant rate':>14s}  {'status':>9s}  {'gradient evals':>14s}")
grid = {}
for lr in (1.0, 2.0, 4.0, 8.0, 16.0):
    res = minimize(
        logreg, w0, SGD(lr=lr), max_steps=1000, gtol=gtol, record_points=False
    )
    grid[lr] = res
    print(f"{lr:14.1f}  {res.status:>9s}  {res.n_grad_evals:14d}")
tuned = min((r for r in grid.values() if r.converged), key=lambda r: r.n_grad_evals)
lr_tuned = next(lr for lr, r in grid.items() if r is tuned)
tuning_cost = sum(r.n_grad_evals for r in grid.values())

# %%
print(
    f"{'method':>26s}  {'gradient':>8s}  {'function':>8s}  {'total':>6s}"
    f"  {'final loss':>10s}"
)
print(
    f"{f'GD, tuned rate {lr_tuned:g}':>26s}  {tuned.n_grad_evals:8d}  {0:8d}"
    f"  {tuned.n_grad_evals:6d}  {tuned.fun:10.6f}"
)
ls_runs = {}
for a0 in (1.0, 16.0):
    opt = ArmijoGD(alpha0=a0)
    res = minimize(logreg, w0, opt, max_steps=1000, gtol=gtol, record_points=False)
    ls_runs[a0] = (res, opt)
    label = f"Armijo, alpha0 = {a0:g}"
    print(
        f"{label:>26s}  {res.n_grad_evals:8d}  {opt.n_evals:8d}"
        f"  {res.n_grad_evals + opt.n_evals:6d}  {res.fun:10.6f}"
    )
    print(
        f"{'accepted steps:':>26s}  "
        + ", ".join(
            f"{a:g} ({n}x)"
            for a, n in zip(*np.unique(opt.alphas, return_counts=True), strict=True)
        )
    )
print(
    "cost of tuning the constant rate over the grid: "
    f"{tuning_cost} gradient evaluations"
)

# %%
assert tuned.converged and all(r.converged for r, _ in ls_runs.values())
assert all(abs(r.fun - tuned.fun) < 1e-9 for r, _ in ls_runs.values())
res16, opt16 = ls_runs[16.0]
assert tuned.n_grad_evals < res16.n_grad_evals + opt16.n_evals < tuning_cost
assert all(r.n_grad_evals + o.n_evals < tuning_cost for r, o in ls_runs.values())
# with alpha0 = 1 no step was ever shortened
assert set(ls_runs[1.0][1].alphas) == {1.0}

# %% [markdown]
# A well-tuned constant rate is the cheapest way to the tolerance: 99 gradient evaluations and nothing
# else. Backtracking from $\bar\alpha = 16$ takes fewer steps (82 gradients), because it mostly settles on 8 but
# takes a step of 16 wherever that passes the test. It also computes 230 function values (one $f(\theta)$ per
# step, which `ArmijoGD` recomputes, plus the trial points): 312 evaluations in all, about three times as
# many. (For this model a function value is the cheaper of the two: one product with the data
# matrix against two for the gradient.) The comparison turns around once the tuning is counted: trying
# the five constant rates of the grid cost 2353 gradient evaluations, more than any single line-search run.
#
# The first trial step matters. With $\bar\alpha = 1$ every trial passes at once, so the search never shortens
# a step, and the run is plain gradient descent with rate 1 (709 gradients, as in the grid) plus 1416
# function values spent for nothing. Backtracking can only shrink a step, never lengthen it, so $\bar\alpha$
# should be generous.
#
# ## Key points
#
# - A schedule is a function of the number of updates already made, $k = 0, 1, \dots$; step, exponential,
#   inverse-time, cosine and warm-up schedules are each one line, and `gdlearn.schedules` gives the same
#   numbers as the formulas.
# - A schedule written in epochs must be converted before an optimizer that counts minibatch updates uses it
#   (`PerEpoch`); otherwise a "drop every 30 epochs" happens every 3.
# - A warm-up written as $\alpha_0 k/T_{\mathrm{w}}$ with $k$ from 0 wastes the first update; $\alpha_0 (k+1)/T_{\mathrm{w}}$
#   does not.
# - The learning-rate range test grows the rate over about a hundred minibatch steps and reads the
#   smoothed minibatch loss; the rate where it falls fastest is a safe choice, and the rate where it
#   stops falling marks the upper edge. It costs about as much as two epochs.
# - Armijo's condition rejects steps that are too long; backtracking from a generous first trial
#   $\bar\alpha$ (or Wolfe's curvature condition) is what keeps steps from becoming too short.
# - Backtracking line search accepts the first of $\bar\alpha, \varphi\bar\alpha, \dots$ that satisfies the Armijo
#   condition; it needs no tuned rate, but pays in function evaluations and needs a generous $\bar\alpha$,
#   because it can only shrink.
#
# ## Exercises
#
# ```{exercise} A schedule by hand
# :label: ex-sched-values
# For `CosineDecay(0.2, total_steps=40, min_lr=0.02)`, compute by hand the rate of updates $k = 0, 20, 40$
# and 60, then check with `gdlearn`.
# ```
#
# ```{solution-start} ex-sched-values
# :class: dropdown
# ```
#
# With $\alpha_0 = 0.2$, $\alpha_{\min} = 0.02$, $K = 40$: at $k = 0$ the cosine is 1, so $\alpha = 0.2$; at
# $k = 20$ it is $\cos(\pi/2) = 0$, so $\alpha = 0.02 + 0.09 = 0.11$; at $k = 40$ it is $-1$, so
# $\alpha = 0.02$; after $K$ the rate stays at the floor.

# %%
sched = CosineDecay(0.2, total_steps=40, min_lr=0.02)
print([round(sched(k), 6) for k in (0, 20, 40, 60)])
assert np.allclose([sched(k) for k in (0, 20, 40, 60)], [0.2, 0.11, 0.02, 0.02])

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Warm-starting the line search
# :label: ex-sched-warmstart
# On Rosenbrock, `ArmijoGD` spends about ten function evaluations per step because every search starts
# again at $\bar\alpha = 1$. Write a loop that starts each search at twice the previously accepted step (use
# `gdlearn.linesearch.backtracking`, passing `fx` so $f(\theta)$ is not recomputed). Run 500 steps from
# $(-1.2, 1)$ and compare the number of function evaluations and the final loss with `ArmijoGD`. Is the
# cheaper search the better one?
# ```
#
# ```{solution-start} ex-sched-warmstart
# :class: dropdown
# ```

# %%
x, fx, alpha, evals = x_start.copy(), rosen.value(x_start), 1.0, 0
for _ in range(500):
    ls = backtracking(rosen.value, x, rosen.grad(x), alpha0=2 * alpha, fx=fx)
    assert ls.success
    x, fx, alpha, evals = ls.x_new, ls.f_new, ls.alpha, evals + ls.n_evals
print(f"warm start: {evals} evaluations ({evals / 500:.1f} per step), f = {fx:.4f}")
print(
    f"ArmijoGD:   {armijo.n_evals} evaluations ({armijo.n_evals / 500:.1f} per step), "
    f"f = {run.fun:.4f}"
)
assert evals < armijo.n_evals / 3 and fx > run.fun

# %% [markdown]
# Starting from twice the last step, most searches accept their first or second trial: the searches cost
# about two evaluations per step instead of about ten. But after 500 steps the loss is higher, because the
# warm-started search never tries a step far longer than the last one, so it never finds the long jump
# along the valley that `ArmijoGD` stumbled on. Cheaper searches are not automatically better ones.
#
# ```{solution-end}
# ```
#
# ```{exercise} The range test on another data set
# :label: ex-sched-rangetest
# Run the range test on the breast-cancer logistic regression of this chapter (minibatches of $B = 32$, rates from
# $10^{-4}$ to $100$ over 100 steps). Which rate does the steepest-fall rule pick?
# ```
#
# ```{solution-start} ex-sched-rangetest
# :class: dropdown
# ```

# %%
rng = np.random.default_rng(SEED)
lrs_bc, _, losses_bc = range_test(logreg, w0, 1e-4, 100.0, 100, 32, rng)
k_low_bc = int(np.argmin(losses_bc))
k_pick_bc = int(np.argmin(np.gradient(losses_bc, np.log10(lrs_bc))[:k_low_bc]))
print(
    f"{len(lrs_bc)} updates; steepest fall at lr = {lrs_bc[k_pick_bc]:.3g}, "
    f"lowest smoothed loss at lr = {lrs_bc[k_low_bc]:.3g}"
)
assert lrs_bc[k_pick_bc] < lrs_bc[k_low_bc]

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# Step and inverse-time schedules go back to stochastic approximation {cite:p}`robbins1951`; cosine decay
# is from {cite:t}`loshchilov2017`, the linear warm-up for large minibatches from {cite:t}`goyal2017`, and
# the range test from {cite:t}`smith2017`. The Armijo condition is from {cite:t}`armijo1966`; backtracking
# and its analysis are in chapter 3 of {cite:t}`nocedal2006` and section 9.2 of {cite:t}`boyd2004`. The test
# function is {cite:t}`rosenbrock1960`'s; the data sets are from {cite:t}`street1993` and scikit-learn
# {cite:p}`pedregosa2011`. Full entries are in the {doc}`../appendix/bibliography`.
