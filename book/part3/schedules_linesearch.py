# %% [markdown]
# # Learning-rate schedules and line search
#
# A single learning rate for the whole of training is a compromise. Early on, far from the minimum, a large
# step makes fast progress; late, near the minimum, a large step overshoots and, with stochastic gradients,
# keeps the iterate rattling around. This chapter covers the two standard ways out. A **schedule** fixes in
# advance how the rate changes with the step count. A **line search** picks each step by trying it on the
# loss. We also test the two classic bugs of schedules (the wrong time unit and the warm-up that starts at
# zero) and a cheap way to find a good rate, the learning-rate range test.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write down the step, exponential, inverse-time, cosine and linear warm-up schedules and compute their values by hand;
# - tell a schedule stepped once per minibatch from one stepped once per epoch, and convert one into the other;
# - spot the off-by-one that makes a warm-up waste its first update;
# - run a learning-rate range test and read a good rate off its curve;
# - state the Armijo condition, implement backtracking line search, and count what it costs.
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
from gdlearn.schedules import (
    CosineDecay,
    ExponentialDecay,
    InverseTimeDecay,
    LinearWarmup,
    PerEpoch,
    StepDecay,
)

SEED = 0
# All matrices here are small, so a single BLAS thread is the fastest choice, and it also makes every
# printed number independent of how many cores the machine has.
threadpool_limits(limits=1)
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Five schedules
#
# A schedule is a function $\eta_t$ of $t$, the **number of updates already made**: $t = 0$ for the first
# update, $t = 1$ for the second, and so on. (Counting from zero matters; we come back to it below.) With an
# initial rate $\eta_0$, the five schedules of this chapter are:
#
# | schedule | rate of update $t$ | parameters |
# | --- | --- | --- |
# | step decay | $\eta_t = \eta_0\, \gamma^{\lfloor t/s \rfloor}$ | factor $\gamma$, every $s$ steps |
# | exponential decay | $\eta_t = \eta_0\, \gamma^{t}$ | factor $\gamma$ per step |
# | inverse time ($1/t$) | $\eta_t = \dfrac{\eta_0}{1 + r\,t/T}$ | rate $r$, time scale $T$ |
# | cosine | $\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})\bigl(1 + \cos(\pi t / T)\bigr)$, $t \le T$ | length $T$, floor $\eta_{\min}$ |
# | linear warm-up | $\eta_t = \eta_0\,\dfrac{t+1}{W}$ for $t < W$, then the next schedule | $W$ warm-up steps |
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
eta0 = 0.1

by_hand = {
    "step (s=30, γ=0.5)": eta0 * 0.5 ** (t // 30),
    "exponential (γ=0.97)": eta0 * 0.97**t,
    "inverse time (r=1, T=10)": eta0 / (1 + 1.0 * t / 10),
    "cosine (T=100)": 0.5 * eta0 * (1 + np.cos(np.pi * t / T)),
    "warm-up (W=10) + cosine": np.where(t < 10, eta0 * (t + 1) / 10,
                                        0.5 * eta0 * (1 + np.cos(np.pi * (t - 10) / 90))),
}
schedules = {
    "step (s=30, γ=0.5)": StepDecay(eta0, step_size=30, gamma=0.5),
    "exponential (γ=0.97)": ExponentialDecay(eta0, gamma=0.97),
    "inverse time (r=1, T=10)": InverseTimeDecay(eta0, decay_rate=1.0, decay_steps=10),
    "cosine (T=100)": CosineDecay(eta0, total_steps=T),
    "warm-up (W=10) + cosine": LinearWarmup(CosineDecay(eta0, total_steps=90), warmup_steps=10),
}
for name, sched in schedules.items():
    assert np.allclose(sched.values(T), by_hand[name]), name
    print(f"{name:26s} rates of updates 0, 1, 50, 99: "
          + ", ".join(f"{sched(k):.5f}" for k in (0, 1, 50, 99)))

# %% [markdown]
# A few values are easy to work out by hand, and make good tests. Step decay halves the rate at $t = 30$,
# so updates 29 and 30 use $0.1$ and $0.05$. With $\gamma = 0.97$, ten steps of exponential decay give
# $0.1 \cdot 0.97^{10} \approx 0.07374$. The inverse-time schedule with $r = 1$, $T = 10$ halves the rate at
# $t = 10$ and thirds it at $t = 20$. The cosine is at half height in the middle ($t = 50$) and at zero at
# the end ($t = T$). The warm-up uses $0.1 / 10 = 0.01$ on its first update and reaches $0.1$ on its
# tenth ($t = 9$), then hands over to the cosine, which starts from the top.

# %%
step, expo, inv, cos, warm = schedules.values()
assert (step(29), step(30), step(60)) == (0.1, 0.05, 0.025)
assert abs(expo(10) - 0.0737424) < 1e-7
assert np.isclose(inv(10), 0.05) and np.isclose(inv(20), 0.1 / 3)
assert np.isclose(cos(50), 0.05) and cos(T) == 0.0
assert np.isclose(warm(0), 0.01) and np.isclose(warm(9), 0.1) and np.isclose(warm(10), 0.1)
print("all hand-computed values agree")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, sched in schedules.items():
    ax.plot(t, sched.values(T), label=name)
ax.set_xlabel("update t")
ax.set_ylabel("learning rate")
ax.set_title("Five learning-rate schedules over 100 updates")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows five learning-rate curves over 100 updates, all starting from or rising to 0.1: a
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
# schedule written in epochs into one in updates: $\eta_t = s(\lfloor t / n \rfloor)$ with $n$ batches per
# epoch.

# %%
batches_per_epoch, epochs = 10, 50
updates = np.arange(batches_per_epoch * epochs)
per_batch = StepDecay(0.1, step_size=30)
per_epoch = PerEpoch(StepDecay(0.1, step_size=30), steps_per_epoch=batches_per_epoch)


def first_drop_epoch(sched):
    """The epoch of the first update whose rate is below the initial rate."""
    rates = sched.values(len(updates))
    return int(np.argmax(rates < rates[0])) // batches_per_epoch


print(f"stepped per batch: first drop in epoch {first_drop_epoch(per_batch)}, "
      f"rate in epoch 10 = {per_batch(10 * batches_per_epoch):.0e}")
print(f"stepped per epoch: first drop in epoch {first_drop_epoch(per_epoch)}, "
      f"rate in epoch 10 = {per_epoch(10 * batches_per_epoch):.0e}")
assert first_drop_epoch(per_batch) == 3 and first_drop_epoch(per_epoch) == 30

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(updates / batches_per_epoch, per_batch.values(len(updates)), label="StepDecay(0.1, 30) per batch")
ax.semilogy(updates / batches_per_epoch, per_epoch.values(len(updates)),
            label="PerEpoch(StepDecay(0.1, 30), 10)", ls="--")
ax.set_xlabel("epoch (10 batches each)")
ax.set_ylabel("learning rate (log scale)")
ax.set_title("The same step decay counted in batches and in epochs")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows two staircases on a logarithmic rate axis over 50 epochs: the one counted in batches
# drops by a factor of 10 every 3 epochs and falls below $10^{-17}$, the one counted in epochs stays at 0.1
# until epoch 30 and then drops once to 0.01.*
#
# By epoch 10 the per-batch version has already cut the rate a thousandfold. What that does to training we
# see on a logistic regression for the breast-cancer data {cite:p}`street1993` (569 patients, 30 standardized
# measurements plus an intercept, a small L2 penalty), trained with minibatches of 57 rows, which makes 10
# batches per epoch:

# %%
X_bc, y_bc = load_breast_cancer(return_X_y=True)
X_bc = add_bias(standardize(X_bc)[0])
logreg = LogisticRegression(X_bc, y_bc, l2=1e-2)
w0 = np.zeros(X_bc.shape[1])
print(f"{'full-data loss after epoch':>28s}  " + "  ".join(f"{e:>6d}" for e in (0, 3, 10, 30, 50)))
unit_runs = {}
for name, sched in [("StepDecay per batch", per_batch), ("PerEpoch(StepDecay)", per_epoch)]:
    res = fit(logreg, w0, SGD(lr=sched), epochs=epochs, batch_size=57, rng=np.random.default_rng(SEED))
    assert res.n_steps == batches_per_epoch * epochs
    unit_runs[name] = res.history.loss
    print(f"{name:>28s}  " + "  ".join(f"{res.history.loss[e]:.4f}" for e in (0, 3, 10, 30, 50)))
stalled = unit_runs["StepDecay per batch"]
assert abs(stalled[50] - stalled[10]) < 1e-4 and unit_runs["PerEpoch(StepDecay)"][50] < stalled[50] - 0.05

# %% [markdown]
# Both runs are identical for three epochs. Then the per-batch schedule freezes the model: from epoch 10 on
# its loss does not change in the fourth decimal, while the per-epoch schedule keeps improving. Nothing
# crashes and the loss curve looks merely "converged", which is what makes this bug expensive. The fix is to
# say which unit a schedule counts, and to convert with `PerEpoch`.
#
# ## The warm-up that starts at zero
#
# A linear warm-up ramps the rate from small to $\eta_0$ over $W$ updates. The natural-looking
# hand-written version is $\eta_t = \eta_0\, t / W$. But the first update has $t = 0$, so its rate is exactly
# zero: the first gradient is computed and thrown away, and the parameters do not move. (The same version
# reaches $\eta_0$ only at $t = W$, one update later than intended.) We give both to `SGD` on the
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
print("LinearWarmup : rates of updates 0, 1, 2 =", [round(LinearWarmup(base, W)(k), 4) for k in range(3)])
print(f"after one step: naive moved the weights by {np.linalg.norm(w1_naive - w0):.4f}, "
      f"LinearWarmup by {np.linalg.norm(w1_gd - w0):.4f}")
print("naive warm-up: weights after update 1 identical to the start:", np.array_equal(w1_naive, w0))
assert np.array_equal(w1_naive, w0)
assert np.allclose(w1_gd, w0 - base / W * g0)

# %% [markdown]
# The hand-written warm-up wasted the first update; `gdlearn`'s `LinearWarmup` uses
# $\eta_0 (t+1)/W$, so its first update already moves by $\eta_0/W$ times the gradient and its $W$-th update
# ($t = W - 1$) reaches the full rate. gdlearn's unit tests pin this down
# (`test_linear_warmup_starts_above_zero` in `tests/test_schedules.py` asserts a first rate of $\eta_0/W > 0$), so
# the bug cannot creep back in.
#
# ## Finding a rate: the learning-rate range test
#
# Before picking a schedule one needs a rate that is about right. {cite:t}`smith2017` proposed a cheap way
# to find it: train for a short while with a rate that *grows* every minibatch step, from far too small to
# far too large, and plot the loss against the rate. At first the rate is too small to change anything; then
# the loss drops; finally the steps are too long and the loss climbs. A good rate sits where the loss falls
# fastest.
#
# We run it on softmax regression for the ten digit classes of scikit-learn's bundled digits data set
# {cite:p}`pedregosa2011` (1797 images of $8 \times 8$ pixels), with minibatches of 32 and a rate that grows
# exponentially from $10^{-4}$ to $10$ over 100 steps: `ExponentialDecay` with a factor $\gamma > 1$. The
# loss is measured on all the data after every update (`eval_every=1`), and the test stops early once the
# loss exceeds four times its best value.

# %%
X_dg, y_dg = load_digits(return_X_y=True)
X_dg = add_bias(standardize(X_dg)[0])
softmax = SoftmaxRegression(X_dg, y_dg)
W0 = np.zeros(softmax.shape)

lr_min, lr_max, n_test = 1e-4, 10.0, 100
growth = (lr_max / lr_min) ** (1 / (n_test - 1))
best = [np.inf]


def stop_when_exploding(k, params, loss, grad):
    best[0] = min(best[0], loss)
    return loss > 4 * best[0]


rng = np.random.default_rng(SEED)
test = fit(softmax, W0, SGD(lr=ExponentialDecay(lr_min, gamma=growth)), epochs=2, batch_size=32,
           rng=rng, eval_every=1, callback=stop_when_exploding)
lrs, losses = test.history.lr, test.history.loss[1:]       # loss after each update, and its rate
print(f"range test: {test.n_steps} updates ({test.n_steps * 32 / softmax.n_samples:.1f} epochs), "
      f"rates from {lrs[0]:.0e} to {lrs[-1]:.2g}, stopped by: {test.status}")

# %% [markdown]
# Where does the loss fall fastest? We take the slope of the loss with respect to $\log_{10}$ of the rate
# (a finite difference along the test) and pick the rate where it is most negative, looking only at the part
# of the curve before the loss reaches its lowest point.

# %%
slope = np.gradient(losses, np.log10(lrs))
k_low = int(np.argmin(losses))
k_pick = int(np.argmin(slope[:k_low]))
lr_pick = float(lrs[k_pick])
print(f"lowest loss {losses[k_low]:.3f} at rate {lrs[k_low]:.3g}")
print(f"steepest fall {slope[k_pick]:.2f} per decade at rate {lr_pick:.3g}  <- picked")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogx(lrs, losses, label="full-data loss after the update")
ax.axvline(lr_pick, color="C2", ls="--", label=f"steepest fall, lr = {lr_pick:.3g}")
ax.axvline(lrs[k_low], color="C3", ls=":", label=f"lowest loss, lr = {lrs[k_low]:.3g}")
ax.set_xlabel("learning rate (log scale)")
ax.set_ylabel("cross-entropy loss")
ax.set_title("Learning-rate range test, softmax regression on digits")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the loss against the learning rate on a logarithmic axis: flat at about 2.3 for rates
# below $10^{-3}$, falling steeply between $10^{-2}$ and $1$, reaching a minimum near a rate of 1 and then
# shooting up. A dashed line marks the rate of steepest fall (0.085), a dotted line the rate of lowest
# loss (1.38).*
#
# Does the picked rate train well? We train for five epochs with a constant rate: the picked one, one
# thirty times smaller, the rate at which the range test had its lowest loss, and four times that, and
# print the full-data loss after every epoch.

# %%
rates = {"picked / 30": lr_pick / 30, "picked": lr_pick, "lowest loss": float(lrs[k_low]),
         "4 x lowest loss": 4 * float(lrs[k_low])}
trained = {}
print(f"{'':>15s}  {'rate':>7s}  loss after epochs 0..5{'':>22s}  accuracy")
for name, lr in rates.items():
    res = fit(softmax, W0, SGD(lr=lr), epochs=5, batch_size=32, rng=np.random.default_rng(SEED))
    trained[name] = res
    print(f"{name:>15s}  {lr:7.3g}  {np.array2string(res.history.loss, precision=3)}  {softmax.score(res.x):8.3f}")
assert trained["picked"].fun < trained["picked / 30"].fun / 5
assert trained["lowest loss"].fun < trained["picked"].fun
assert softmax.score(trained["picked"].x) > 0.95
assert np.all(np.diff(trained["picked"].history.loss) < 0)
assert np.any(np.diff(trained["4 x lowest loss"].history.loss) > 0)


# %% [markdown]
# The picked rate trains: the loss falls at every epoch, to about a seventh of what a rate thirty times
# smaller reaches, and 96.5% of the digits are classified correctly after five epochs. It is not the fastest
# rate for this problem, though. Softmax regression is convex and forgiving, and rates up to the lowest
# point of the range test train faster still; at four times that point the loss no longer falls at every
# epoch, and a little beyond it the range test itself blew up. Smith reads the curve the same way: the rate
# where the loss starts to fall steeply and the rate where it stops falling bracket the useful range, and his
# cyclical schedules move between the two. The steepest-fall rate is the choice with a safety margin.
#
# The whole test cost 96 updates, about 1.7 epochs, which is why it is worth running before any long
# training run.
#
# ## Line search: let the loss pick the step
#
# A schedule decides the rate before training starts. A **line search** decides it at every step, by trying
# steps along the descent direction $d$ (here $d = -\nabla f(x)$) and keeping one that lowers the loss
# *enough*. "Enough" is the **Armijo condition** {cite:p}`armijo1966`:
#
# $$
# f(x + \alpha d) \le f(x) + c\,\alpha\,\nabla f(x)^\top d , \qquad 0 < c < 1 .
# $$
#
# The right-hand side is the tangent line at $\alpha = 0$ with its slope made $c$ times shallower (typically
# $c = 10^{-4}$). Any decrease smaller than that is rejected, so the step cannot shrink to nothing while
# still "decreasing" the loss. **Backtracking** finds such a step by trying $\alpha_0, \rho\alpha_0,
# \rho^2\alpha_0, \dots$ and keeping the first that passes {cite:p}`nocedal2006`. It always stops: if
# $\nabla f$ is $L$-Lipschitz, every $\alpha \le 2(1-c)/L$ passes, so the accepted step is at least
# $\min\{\alpha_0,\ 2\rho(1-c)/L\}$.
#
# The whole algorithm is a few lines:

# %%
def armijo_backtracking(f, x, g, alpha0=1.0, rho=0.5, c=1e-4):
    """Return (alpha, number of f evaluations) for the direction d = -g."""
    fx, slope = f(x), -g @ g           # slope = g^T d
    alpha, evals = alpha0, 1
    while True:
        evals += 1
        if f(x - alpha * g) <= fx + c * alpha * slope:
            return alpha, evals
        alpha *= rho


rosen = Rosenbrock()
x_start = np.array([-1.2, 1.0])
for x in (x_start, np.array([0.0, 0.0]), np.array([1.5, 2.0])):
    g = rosen.grad(x)
    mine = armijo_backtracking(rosen.value, x, g)
    ls = backtracking(rosen.value, x, g)
    print(f"x = {x}: alpha = {mine[0]:.6f} after {mine[1]} evaluations;  gdlearn: {ls.alpha:.6f}, {ls.n_evals}")
    assert ls.success and (ls.alpha, ls.n_evals) == mine

# %% [markdown]
# `gdlearn.linesearch.ArmijoGD` is gradient descent with this search at every step. On Rosenbrock's valley
# {cite:p}`rosenbrock1960` from the classic start $(-1.2, 1)$ we run 500 steps and check, from the recorded
# history, that every accepted step satisfied the Armijo condition:
# $f(x_{k+1}) \le f(x_k) - c\,\alpha_k \|\nabla f(x_k)\|^2$.

# %%
armijo = ArmijoGD(alpha0=1.0, rho=0.5, c=1e-4)
run = minimize(rosen, x_start, armijo, max_steps=500)
h = run.history
alphas = np.array(armijo.alphas)
armijo_ok = h.loss[1:] <= h.loss[:-1] - armijo.c * alphas * h.grad_norm[:-1] ** 2
print(f"{run.n_steps} steps, f = {run.fun:.4f} at x = {run.x}")
print(f"Armijo condition held at {armijo_ok.sum()} of {len(alphas)} steps")
print("accepted steps (value: count):",
      ", ".join(f"{a:.2g}: {n}" for a, n in zip(*np.unique(alphas, return_counts=True), strict=True)))
print(f"function evaluations by the searches: {armijo.n_evals} ({armijo.n_evals / run.n_steps:.1f} per step)")
k_big = int(np.argmax(alphas))
print(f"longest step: alpha = {alphas[k_big]:g} at iteration {k_big + 1}, from x = {h.x[k_big]} "
      f"to {h.x[k_big + 1]}, f from {h.loss[k_big]:.3f} to {h.loss[k_big + 1]:.3f}")
print(f"2 / (largest Hessian eigenvalue at the minimum) = {2 / np.linalg.eigvalsh(rosen.hess(np.ones(2)))[-1]:.6f}, "
      f"2^-9 = {2**-9:.6f}")
assert armijo_ok.all() and (alphas > 0).all()

const = minimize(rosen, x_start, SGD(lr=2**-9), max_steps=500)
print(f"constant step 2^-9 = {2**-9:.5f}: f after 30 iterations {const.history.loss[30]:.3f} "
      f"(line search {h.loss[30]:.3f}), after 500 iterations {const.fun:.4f} (line search {run.fun:.4f})")
assert const.history.loss[30] < h.loss[30] and run.fun < const.fun / 10

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(np.arange(1, len(alphas) + 1), alphas, ".", ms=4, label=r"accepted step $\alpha_k$")
ax.axhline(2**-9, color="C1", ls="--", label=r"constant step $2^{-9} \approx 0.00195$")
ax.set_xlabel("iteration k")
ax.set_ylabel("step size (log scale)")
ax.set_title("Steps accepted by Armijo backtracking on Rosenbrock")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the accepted step sizes of 500 backtracking iterations on a logarithmic axis: nearly all
# between 0.001 and 0.004, most of them on the dashed line of a constant step of $2^{-9} \approx 0.002$, and
# one isolated step of 0.5 early in the run.*
#
# The line search found by itself the step size one would tune by hand for this valley: mostly
# $2^{-9} \approx 0.00195$, the largest power of two with which a constant step is stable near the minimum
# (there the Hessian's largest eigenvalue is about 1000, and gradient descent is stable only below
# $2/\lambda_{\max} \approx 0.002$). Because every search starts again at $\alpha_0 = 1$, it also notices
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
# $\alpha_0 = 1$ and $\alpha_0 = 16$. Gradient descent needs no function values at all (the loop records
# them for the history, but the method does not use them); the line search needs them, and we count them.

# %%
gtol = 1e-6
print(f"{'constant rate':>14s}  {'status':>9s}  {'gradient evals':>14s}")
grid = {}
for lr in (1.0, 2.0, 4.0, 8.0, 16.0):
    res = minimize(logreg, w0, SGD(lr=lr), max_steps=1000, gtol=gtol, record_points=False)
    grid[lr] = res
    print(f"{lr:14.1f}  {res.status:>9s}  {res.n_grad_evals:14d}")
tuned = min((r for r in grid.values() if r.converged), key=lambda r: r.n_grad_evals)
lr_tuned = next(lr for lr, r in grid.items() if r is tuned)
tuning_cost = sum(r.n_grad_evals for r in grid.values())

# %%
print(f"{'method':>26s}  {'gradient':>8s}  {'function':>8s}  {'total':>6s}  {'final loss':>10s}")
print(f"{f'GD, tuned rate {lr_tuned:g}':>26s}  {tuned.n_grad_evals:8d}  {0:8d}  {tuned.n_grad_evals:6d}  {tuned.fun:10.6f}")
ls_runs = {}
for a0 in (1.0, 16.0):
    opt = ArmijoGD(alpha0=a0)
    res = minimize(logreg, w0, opt, max_steps=1000, gtol=gtol, record_points=False)
    ls_runs[a0] = (res, opt)
    label = f"Armijo, alpha0 = {a0:g}"
    print(f"{label:>26s}  {res.n_grad_evals:8d}  {opt.n_evals:8d}  {res.n_grad_evals + opt.n_evals:6d}  {res.fun:10.6f}")
    print(f"{'accepted steps:':>26s}  " + ", ".join(
        f"{a:g} ({n}x)" for a, n in zip(*np.unique(opt.alphas, return_counts=True), strict=True)))
print(f"cost of tuning the constant rate over the grid: {tuning_cost} gradient evaluations")
assert tuned.converged and all(r.converged for r, _ in ls_runs.values())
assert all(abs(r.fun - tuned.fun) < 1e-9 for r, _ in ls_runs.values())
res16, opt16 = ls_runs[16.0]
assert tuned.n_grad_evals < res16.n_grad_evals + opt16.n_evals < tuning_cost
assert all(r.n_grad_evals + o.n_evals < tuning_cost for r, o in ls_runs.values())
assert set(ls_runs[1.0][1].alphas) == {1.0}          # with alpha0 = 1 no step was ever shortened

# %% [markdown]
# A well-tuned constant rate is the cheapest way to the tolerance: 99 gradient evaluations and nothing
# else. Backtracking from $\alpha_0 = 16$ takes fewer steps (82 gradients), because it mostly settles on 8 but
# takes a step of 16 wherever that passes the test. It also computes 230 function values (one $f(x)$ per
# step, which `ArmijoGD` recomputes, plus the trial points): 312 evaluations in all, about three times as
# many. (For this model a function value is the cheaper of the two: one product with the data
# matrix against two for the gradient.) The comparison turns around once the tuning is counted: trying
# the five constant rates of the grid cost 2353 gradient evaluations, more than any single line-search run.
#
# The first trial step matters. With $\alpha_0 = 1$ every trial passes at once, so the search never shortens
# a step, and the run is plain gradient descent with rate 1 (709 gradients, as in the grid) plus 1416
# function values spent for nothing. Backtracking can only shrink a step, never lengthen it, so $\alpha_0$
# should be generous.
#
# ## Key points
#
# - A schedule is a function of the number of updates already made, $t = 0, 1, \dots$; step, exponential,
#   inverse-time, cosine and warm-up schedules are each one line, and `gdlearn.schedules` gives the same
#   numbers as the formulas.
# - A schedule written in epochs must be converted before an optimizer that counts minibatch updates uses it
#   (`PerEpoch`); otherwise a "drop every 30 epochs" happens every 3.
# - A warm-up written as $\eta_0 t/W$ with $t$ from 0 wastes the first update; $\eta_0 (t+1)/W$ does not.
# - The learning-rate range test grows the rate over about a hundred steps; the rate where the loss falls
#   fastest is a safe choice, and the rate where the loss stops falling marks the upper edge.
# - Backtracking line search accepts the first of $\alpha_0, \rho\alpha_0, \dots$ that satisfies the Armijo
#   condition; it needs no tuned rate, but pays in function evaluations and needs a generous $\alpha_0$,
#   because it can only shrink.
#
# ## Exercises
#
# ```{exercise} A schedule by hand
# :label: ex-sched-values
# For `CosineDecay(0.2, total_steps=40, min_lr=0.02)`, compute by hand the rate of updates $t = 0, 20, 40$
# and 60, then check with `gdlearn`.
# ```
#
# ```{solution-start} ex-sched-values
# :class: dropdown
# ```
#
# With $\eta_0 = 0.2$, $\eta_{\min} = 0.02$, $T = 40$: at $t = 0$ the cosine is 1, so $\eta = 0.2$; at
# $t = 20$ it is $\cos(\pi/2) = 0$, so $\eta = 0.02 + 0.09 = 0.11$; at $t = 40$ it is $-1$, so
# $\eta = 0.02$; after $T$ the rate stays at the floor.

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
# again at $\alpha_0 = 1$. Write a loop that starts each search at twice the previously accepted step (use
# `gdlearn.linesearch.backtracking`, passing `fx` so $f(x)$ is not recomputed). Run 500 steps from
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
print(f"ArmijoGD:   {armijo.n_evals} evaluations ({armijo.n_evals / 500:.1f} per step), f = {run.fun:.4f}")
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
# Run the range test on the breast-cancer logistic regression of this chapter (minibatches of 32, rates from
# $10^{-4}$ to $100$ over 100 steps). Which rate does the steepest-fall rule pick?
# ```
#
# ```{solution-start} ex-sched-rangetest
# :class: dropdown
# ```

# %%
best = [np.inf]
growth_bc = (100 / 1e-4) ** (1 / 99)
test_bc = fit(logreg, w0, SGD(lr=ExponentialDecay(1e-4, gamma=growth_bc)), epochs=6, batch_size=32,
              rng=np.random.default_rng(SEED), eval_every=1, callback=stop_when_exploding)
lrs_bc, losses_bc = test_bc.history.lr, test_bc.history.loss[1:]
k_low_bc = int(np.argmin(losses_bc))
k_pick_bc = int(np.argmin(np.gradient(losses_bc, np.log10(lrs_bc))[:k_low_bc]))
print(f"{test_bc.n_steps} updates; steepest fall at lr = {lrs_bc[k_pick_bc]:.3g}, "
      f"lowest loss at lr = {lrs_bc[k_low_bc]:.3g}")
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
