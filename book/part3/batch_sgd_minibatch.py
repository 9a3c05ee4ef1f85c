# %% [markdown]
# # Batch, stochastic and minibatch gradient descent
#
# The gradient of a loss over a data set is an average over the data. Computing it exactly costs one pass
# over all $n$ examples; an estimate from a handful of examples costs a handful. Stochastic gradient descent
# takes many cheap, noisy steps instead of few exact ones. This chapter measures what that trade buys:
# how noisy a minibatch gradient is (and how the noise falls with the batch size), how many per-example
# gradients each variant needs to reach a given loss, and why a stochastic method needs a shrinking step
# size to converge at all.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write the full-batch, single-sample and minibatch gradients and explain why the last two are unbiased;
# - organise training in epochs of shuffled minibatches, and say what goes wrong without shuffling;
# - predict the variance of a minibatch gradient, $\frac{\operatorname{Var}(\nabla f_i)}{B}\cdot\frac{n-B}{n-1}$, and measure it;
# - compare batch sizes fairly, by the number of per-example gradients needed to reach a target loss;
# - state the Robbins–Monro conditions on the step sizes and show what happens when they fail.
# ```
#
# The symbols follow the book's {doc}`../notation`: $\theta$ are the parameters, $f$ the training loss, $\alpha$ the step size, $B$
# the batch size and $\mathcal{B}$ the set of examples in a batch, $\nu$ the strength of the L2 penalty,
# $\sigma$ the logistic sigmoid, and $d$ the number of parameters. The noise of a stochastic gradient $g$ is
# measured by its variance $\operatorname{Var}(g) = \mathbb{E}\,\|g - \nabla f\|^2$.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from gdlearn.data import add_bias, minibatches, standardize
from gdlearn.gradcheck import check_grad
from gdlearn.loop import fit, minimize
from gdlearn.models import LogisticRegression, sigmoid
from gdlearn.optim import SGD, Newton
from gdlearn.plot import use_book_style
from gdlearn.schedules import InverseTimeDecay

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## The data, the model and its exact minimizer
#
# The Wisconsin breast cancer data {cite}`street1993`, bundled with scikit-learn, describe 569 tumours by 30
# features computed from microscope images of cell nuclei (radius, texture, smoothness, ...), each labelled
# malignant (0) or benign (1). We standardize the features, add a column of ones and fit logistic regression,
# the model of {doc}`../part2/loss_functions`:
#
# $$
# f(\theta) = \frac1n \sum_{i=1}^n \ell_i(\theta) + \frac{\nu}{2}\|\theta\|^2, \qquad
# \ell_i(\theta) = \log\!\left(1 + e^{x_i^\top \theta}\right) - y_i\, x_i^\top \theta .
# $$
#
# The small penalty $\nu = 0.01$ makes the loss strongly convex (its Hessian is at least $\nu I$), so
# there is exactly one minimizer $\theta^\star$ (Hessians and their eigenvalues are defined in the second-order sections
# of {doc}`../part2/derivatives_and_gradients`). We need $\theta^\star$ as a reference, to high precision, and for that
# we use Newton's method, taught later in {doc}`newton`: it divides the gradient by the curvature, stepping
# $\theta \leftarrow \theta - H^{-1}\nabla f(\theta)$ with the Hessian $H$, and near the minimum it doubles the number of correct
# digits at every step, so it converges in a handful of steps on this problem.

# %%
data = load_breast_cancer()
X = add_bias(standardize(data.data)[0])
y = data.target
n, d = X.shape
NU = 0.01  # the L2 strength nu
model = LogisticRegression(X, y, l2=NU)

newton = minimize(model, np.zeros(d), Newton(), max_steps=50, gtol=1e-12)
w_star = newton.x
J_star = newton.fun
J_0 = model.value(np.zeros(d))
print(
    f"n = {n} tumours, d = {d} parameters (30 features and the intercept), "
    f"{np.mean(y):.1%} benign"
)
print(
    f"Newton: {newton.status} after {newton.n_steps} steps; |grad f(theta*)| < 1e-10:",
    np.linalg.norm(model.grad(w_star)) < 1e-10,
)
print(
    f"f(0) = {J_0:.4f}, f* = {J_star:.6f}, training accuracy at theta*: "
    f"{model.score(w_star):.3f}"
)
print(
    f"smallest Hessian eigenvalue at theta*: "
    f"{np.linalg.eigvalsh(model.hess(w_star)).min():.4f} (nu = {NU})"
)

# %%
assert newton.converged and np.linalg.norm(model.grad(w_star)) < 1e-10
assert np.linalg.eigvalsh(model.hess(w_star)).min() >= NU


# %% [markdown]
# ## One sample, a minibatch, the full batch
#
# Write $f_i(\theta) = \ell_i(\theta) + \frac{\nu}{2}\|\theta\|^2$ for the loss of example $i$ with the penalty, so that
# $f = \frac1n\sum_i f_i$. The gradient of $f$ is the average of the per-example gradients:
#
# $$
# \nabla f(\theta) = \frac1n\sum_{i=1}^n \nabla f_i(\theta), \qquad \nabla f_i(\theta) = \big(\sigma(x_i^\top \theta) - y_i\big)\,x_i + \nu \theta .
# $$
#
# Three ways to use it in the update $\theta \leftarrow \theta - \alpha\, g_k$:
#
# - **batch** (full-batch) gradient descent: $g_k = \nabla f(\theta)$, all $n$ examples per step;
# - **stochastic** gradient descent (SGD) in its original form: $g_k = \nabla f_i(\theta)$ for one random example $i$;
# - **minibatch** SGD: $g_k = g_{\mathcal{B}}(\theta) = \frac1B\sum_{i\in\mathcal{B}} \nabla f_i(\theta)$ for a random
#   set $\mathcal{B}$ of $B$ examples.
#
# As everywhere in the book, $g_k$ is the gradient the step uses, whether exact or stochastic.
#
# If every example is equally likely to be in the batch, the expectation of $g_{\mathcal{B}}$ is the full gradient:
# the stochastic gradient is **unbiased**, and only its noise distinguishes it from the real thing. Written out
# for a minibatch of rows `idx`, the gradient is one line; we check it against `gdlearn` and against centred
# differences of the minibatch loss.


# %%
def minibatch_grad(w, idx):
    """Mean gradient of the logistic loss over the rows idx, plus the whole L2 term."""
    Xb, yb = X[idx], y[idx]
    return Xb.T @ (sigmoid(Xb @ w) - yb) / len(idx) + NU * w


w_test = rng.normal(size=d) * 0.1
idx = rng.choice(n, size=32, replace=False)
print(
    "same as gdlearn's model.grad(w, idx):",
    np.allclose(minibatch_grad(w_test, idx), model.grad(w_test, idx)),
)
check = check_grad(
    lambda w: model.value(w, idx), lambda w: minibatch_grad(w, idx), w_test
)
print("centred-difference check of the minibatch gradient passed:", check.passed)
assert (
    np.allclose(minibatch_grad(w_test, idx), model.grad(w_test, idx)) and check.passed
)

# %% [markdown]
# At the starting point $\theta = 0$ the three estimates point in noticeably different directions. The cosine of
# the angle to the full gradient measures how good a direction each one is:

# %%
w0 = np.zeros(d)
g_full = model.grad(w0)


def cosine(u, v):
    return u @ v / (np.linalg.norm(u) * np.linalg.norm(v))


for name, size in [
    ("one sample", 1),
    ("minibatch of 8", 8),
    ("minibatch of 32", 32),
    ("full batch", n),
]:
    cosines = [
        cosine(minibatch_grad(w0, rng.choice(n, size, replace=False)), g_full)
        for _ in range(200)
    ]
    print(
        f"{name:>16}: cosine with the full gradient, mean over 200 draws "
        f"{np.mean(cosines):.3f}"
    )

# %% [markdown]
# A single example's gradient is only loosely aligned with the full gradient; 32 examples already give a
# direction close to it. Unbiasedness can be checked exactly rather than on average. The mean of all $n$
# single-example gradients is the full gradient, and so is the size-weighted mean of the minibatch gradients of
# one epoch (defined in the next section), whatever the shuffle:

# %%
all_single = np.mean([minibatch_grad(w_test, np.array([i])) for i in range(n)], axis=0)
epoch = minibatches(n, 32, rng)
weighted = sum(len(batch) * minibatch_grad(w_test, batch) for batch in epoch) / n
print(
    "mean of the n single-example gradients equals the full gradient:",
    np.allclose(all_single, model.grad(w_test)),
)
print(
    "size-weighted mean over one epoch of minibatches equals it too: ",
    np.allclose(weighted, model.grad(w_test)),
)
assert np.allclose(all_single, model.grad(w_test)) and np.allclose(
    weighted, model.grad(w_test)
)

# %% [markdown]
# ## Epochs and shuffling
#
# In practice minibatches are not drawn independently. Each **epoch** shuffles the example indices once and
# cuts the permutation into consecutive batches, so every example is used exactly once per epoch (sampling
# *without* replacement). `gdlearn.data.minibatches` does this; with $n = 10$ and $B = 4$ the last batch holds
# the two left over:

# %%
for e in range(2):
    print(f"epoch {e}:", [batch.tolist() for batch in minibatches(10, 4, rng)])

# %% [markdown]
# Why shuffle, when the data are already in some order? Because the order may not be random. Suppose the file
# lists all malignant tumours first and all benign ones after (a common way to store labelled data). Without
# shuffling, every epoch ends with a long run of benign examples, and the parameters drift towards predicting
# "benign" before each evaluation. We sort the rows by label and train with and without reshuffling, 5
# epochs of minibatches of 8 at $\alpha = 0.3$:

# %%
order = np.argsort(y, kind="stable")
model_sorted = LogisticRegression(X[order], y[order], l2=NU)
for shuffle in (False, True):
    r = fit(
        model_sorted,
        np.zeros(d),
        SGD(lr=0.3),
        epochs=5,
        batch_size=8,
        rng=np.random.default_rng(SEED),
        shuffle=shuffle,
    )
    print(
        f"shuffle={shuffle!s:>5}: excess loss f - f* after each epoch:",
        " ".join(f"{v:.4f}" for v in r.history.loss[1:] - J_star),
    )
    if shuffle:
        excess_shuffled = r.fun - J_star
    else:
        excess_sorted = r.fun - J_star
assert excess_sorted > 3 * excess_shuffled


# %% [markdown]
# After five epochs the sorted, unshuffled run is several times further from the minimum than the shuffled one
# (same data, same rate). Shuffle every epoch.
#
# ## SGD from scratch, and gdlearn's
#
# Putting the pieces together, minibatch SGD is a double loop: over epochs, and over the shuffled minibatches
# of each epoch. Here it is in numpy, and next to it the same run with `gdlearn`: the `SGD` optimizer (plain,
# no momentum) driven by `fit`, which does the shuffling, the batching and the bookkeeping. With
# `eval_every=1`, `fit` records every iterate; with the same seed both draw the same permutations, so they must
# visit the same points.


# %%
def sgd_from_scratch(w, lr, batch_size, epochs, rng):
    path = [w]
    for _ in range(epochs):
        for idx in minibatches(n, batch_size, rng):
            w = w - lr * minibatch_grad(w, idx)
            path.append(w)
    return np.array(path)


path = sgd_from_scratch(
    np.zeros(d), lr=0.3, batch_size=8, epochs=3, rng=np.random.default_rng(SEED)
)
res = fit(
    model,
    np.zeros(d),
    SGD(lr=0.3),
    epochs=3,
    batch_size=8,
    rng=np.random.default_rng(SEED),
    eval_every=1,
)
print(
    f"{res.n_steps} updates, {res.n_grad_evals} per-example gradients "
    f"(3 epochs of {n}); recorded points {res.history.x.shape}"
)
print("same iterates:", np.allclose(res.history.x, path))

# %%
assert res.n_grad_evals == 3 * n
assert np.allclose(res.history.x, path)

# %% [markdown]
# ## The noise of a stochastic gradient
#
# How noisy is $g_{\mathcal{B}}$? Let $\bar g = \nabla f(\theta)$, and let
# $\operatorname{Var}(\nabla f_i) = \frac1n\sum_{i=1}^n \|\nabla f_i - \bar g\|^2$ be the variance of the gradient of
# one example drawn at random, that is, the spread of the per-example gradients around $\bar g$ (the total
# variance, summed over the $d$ coordinates). If the $B$ examples were drawn independently *with*
# replacement, the variance of their mean would be $\operatorname{Var}(\nabla f_i)/B$. Drawn *without*
# replacement, as within an epoch, the classical result of survey sampling adds the finite-population factor:
#
# $$
# \begin{aligned}
# \operatorname{Var}(g_{\mathcal{B}}) &= \mathbb E\,\|g_{\mathcal{B}} - \bar g\|^2 \\
#   &= \frac{\operatorname{Var}(\nabla f_i)}{B}\cdot\frac{n - B}{n - 1} .
# \end{aligned}
# $$
#
# The factor is close to 1 for $B \ll n$ and reaches 0 at $B = n$, where the "sample" is the whole data set and
# there is no noise at all. We measure the variance at the minimizer $\theta^\star$, where the full gradient is zero,
# so the minibatch gradient is pure noise; this is the noise SGD still feels when it has arrived. For each $B$ we
# draw 1000 minibatches (without replacement) and compare the mean squared deviation with the formula. The
# standard error of each measured mean follows from the spread of the 1000 draws.

# %%
G = X * (sigmoid(X @ w_star) - y)[:, None] + NU * w_star  # row i: grad f_i(w*)
g_bar = G.mean(axis=0)
var1 = np.mean(np.sum((G - g_bar) ** 2, axis=1))  # Var(grad f_i)
print(
    f"full gradient at theta* is zero (norm < 1e-10): "
    f"{np.linalg.norm(g_bar) < 1e-10};  "
    f"Var(grad f_i) = {var1:.4f}"
)

R = 1000
batch_sizes = [1, 4, 16, 64, 256, 512]
measured, std_err = [], []
for B in batch_sizes:
    sq = np.array(
        [
            np.sum((G[rng.choice(n, B, replace=False)].mean(axis=0) - g_bar) ** 2)
            for _ in range(R)
        ]
    )
    measured.append(sq.mean())
    std_err.append(sq.std(ddof=1) / np.sqrt(R))
measured, std_err, bs = np.array(measured), np.array(std_err), np.array(batch_sizes)
theory = var1 / bs * (n - bs) / (n - 1)
with_repl = var1 / bs

print(
    f"{'B':>4} {'measured':>10} {'theory':>10} {'ratio':>7} {'+/- s.e.':>9} "
    f"{'Var/B':>10}"
)
for B, m_, t_, s_, w_ in zip(
    batch_sizes, measured, theory, std_err, with_repl, strict=True
):
    print(f"{B:>4} {m_:10.3e} {t_:10.3e} {m_ / t_:7.3f} {s_ / t_:9.3f} {w_:10.3e}")
z = (measured - theory) / std_err
print("largest deviation from theory, in standard errors:", f"{np.abs(z).max():.1f}")
assert np.all(np.abs(z) < 4)
z_repl = (measured - with_repl) / std_err
assert abs(z_repl[-1]) > 10  # at B = 512 the with-replacement formula is far off

# %% [markdown]
# Every measured ratio is within a few standard errors of 1 (the `assert` allows 4). The last column shows why
# the finite-population factor matters: for $B = 512$ out of $n = 569$ the with-replacement formula
# $\operatorname{Var}(\nabla f_i)/B$ predicts about ten times the noise that is actually there. For small batches both formulas
# agree, and the rule of thumb is the familiar one: **the standard deviation of the gradient noise falls like
# $1/\sqrt{B}$**, so quadrupling the batch only halves the noise, while it quadruples the cost of a step.

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
grid_b = np.arange(1, n)
ax.loglog(
    grid_b,
    var1 / grid_b,
    "C1--",
    label=r"with replacement: $\mathrm{Var}(\nabla f_i)/B$",
)
ax.loglog(
    grid_b,
    var1 / grid_b * (n - grid_b) / (n - 1),
    "C0-",
    label=r"without replacement: $\frac{\mathrm{Var}(\nabla f_i)}{B}\,\frac{n-B}{n-1}$",
)
ax.errorbar(
    bs,
    measured,
    yerr=2 * std_err,
    fmt="ko",
    ms=5,
    capsize=3,
    label="measured (1000 draws, 2 s.e.)",
)
ax.set_xlabel("batch size B")
ax.set_ylabel(r"$\mathbb{E}\,\|g_{\mathcal{B}} - \nabla f\|^2$ at $\theta^\star$")
ax.set_title("Variance of the minibatch gradient")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows, on log-log axes, the variance of the minibatch gradient at the minimizer against the batch
# size. A dashed straight line of slope minus one is the with-replacement formula; a solid curve follows it for
# small batches and then bends down towards zero as the batch approaches the whole data set. Black dots with
# error bars, the measurements, sit on the solid curve at every batch size from 1 to 512.*
#
# ## What a step costs: gradient evaluations to a target loss
#
# Counting *steps* would flatter the full batch: one full-batch step uses all 569 examples, one SGD step uses
# one. The fair currency is the number of **per-example gradient evaluations**, $\nabla f_i$ computed, which is what
# dominates the running time. We ask each batch size to bring the full-data loss within 1 % of the initial gap,
# $f(\theta) \le f^\star + 0.01\,(f(0) - f^\star)$, and count the per-example gradients it used.
#
# Each batch size gets its own learning rate, the best of five rates spaced by a factor of about 3 (as the sweep
# shows, the best rate grows with the batch size). To keep the search cheap, a run stops as soon
# as it has used more gradients than the best rate found so far for that batch size. The full-data loss is
# checked after every 32 examples' worth of updates (after every update for $B \ge 32$).

# %%
TARGET = J_star + 0.01 * (J_0 - J_star)
RATES = [0.03, 0.1, 0.3, 1.0, 3.0]
BUDGET = 20 * n  # at most 20 epochs of per-example gradients


def evals_after(k, B):
    """Per-example gradients used by k updates with batch size B (only an epoch's last
    batch is short)."""
    per_epoch = -(-n // B)
    return (k // per_epoch) * n + (k % per_epoch) * B


def evals_to_target(B, lr, seed, limit=BUDGET):
    """Per-example gradients until the full loss is <= TARGET, or None if not within
    `limit`."""
    hit = []

    def stop(k, w, loss, g):
        if loss <= TARGET:
            hit.append(evals_after(k, B))
            return True
        return evals_after(k, B) > limit

    fit(
        model,
        np.zeros(d),
        SGD(lr=lr),
        epochs=-(-limit // n),
        batch_size=B,
        rng=np.random.default_rng(seed),
        eval_every=max(1, 32 // B),
        callback=stop,
    )
    return hit[0] if hit else None


batch_list = [1, 8, 32, n]
best_rate = {}
print(f"{'B':>4} " + " ".join(f"{'lr=' + str(lr):>9}" for lr in RATES))
for B in batch_list:
    best, cells = BUDGET, []
    for lr in RATES:
        e = evals_to_target(B, lr, SEED, limit=best)
        cells.append(f"{e:>9}" if e is not None else f"{'> ' + str(best):>9}")
        if e is not None and e < best:
            best, best_rate[B] = e, lr
    print(f"{B:>4} " + " ".join(cells))

# %% [markdown]
# (An entry "> N" means the run was stopped after N per-example gradients without reaching the target: it
# could no longer beat the best rate to its left.) With its best rate, each batch size is now run with five
# different shuffling seeds; the full batch involves no randomness and needs one run.

# %%
cost = {}
evals_by_seed = {}
for B in batch_list:
    seeds = range(5) if B < n else range(1)
    evals_by_seed[B] = np.array([evals_to_target(B, best_rate[B], s) for s in seeds])
    cost[B] = np.median(evals_by_seed[B])
print(
    f"{'B':>4} {'best lr':>8} {'median evals':>13} {'range over seeds':>17} "
    f"{'epochs':>7} {'updates':>8} "
    f"{'full batch / B':>15}"
)
for B in batch_list:
    ev = evals_by_seed[B]
    print(
        f"{B:>4} {best_rate[B]:>8} {cost[B]:>13.0f} {f'{ev.min()} - {ev.max()}':>17} "
        f"{cost[B] / n:>7.2f} "
        f"{cost[B] / B:>8.0f} {cost[n] / cost[B]:>15.1f}"
    )
for B in (1, 8, 32):
    assert cost[n] > 5 * cost[B]

# %% [markdown]
# On this problem the small batches reach the target after a little more than one pass over the data, while
# full-batch gradient descent needs 17: per example processed, the noisy small steps make about 14 to 16 times
# more progress.
# The reason is redundancy. Far from the minimum, a few examples already say which way is downhill, and the
# full batch spends 569 gradients on a direction that 8 or 32 would have given nearly as well. The full batch
# takes by far the fewest *updates*, though, which is what matters when a step's cost is dominated by overheads
# or when the examples of a batch are processed in parallel (see {doc}`../part4/distributed_dask`).
#
# The picture changes near the minimum. Below, each stochastic variant runs for 10 epochs at its best rate, and
# the full batch, whose steps are cheap to simulate here, for 200 epochs; we record the excess loss against the
# per-example gradients used.

# %%
curves = {}
for B in batch_list:
    epochs = 200 if B == n else 10
    every = max(1, -(-n // B) // 16)  # about 16 evaluations per epoch
    r = fit(
        model,
        np.zeros(d),
        SGD(lr=best_rate[B]),
        epochs=epochs,
        batch_size=B,
        rng=np.random.default_rng(SEED),
        eval_every=every,
    )
    ks = np.minimum(np.arange(len(r.history.loss)) * every, r.n_steps)
    curves[B] = (np.array([evals_after(k, B) for k in ks]), r.history.loss - J_star)


def excess_cell(v):
    """The excess loss to two digits; below 1e-9 only a bound (its digits vary by
    machine)."""
    return f"{v:9.1e}" if v >= 1e-9 else f"{'< 1e-9':>9}"


print(f"{'B':>4}  excess loss after 5, 10, 20 and 200 epochs")
for B in batch_list:
    x_ev, excess = curves[B]
    row = [
        excess_cell(np.interp(e * n, x_ev, excess)) if e * n <= x_ev[-1] else f"{'':>9}"
        for e in (5, 10, 20, 200)
    ]
    print(f"{B:>4}  " + " ".join(row))
stochastic_floor = min(curves[B][1][curves[B][0] >= 5 * n].min() for B in (1, 8, 32))
assert curves[n][1][-1] < stochastic_floor / 10 and curves[n][1][-1] < 1e-9

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
styles = [("C3", "-", "o"), ("C1", "--", "s"), ("C2", "-.", "^"), ("C0", ":", "D")]
for B, (color, ls, mk) in zip(batch_list, styles, strict=True):
    label = "full batch" if B == n else f"B = {B}"
    x_ev, excess = curves[B]
    ax.loglog(
        x_ev[1:],
        excess[1:],
        color=color,
        linestyle=ls,
        marker=mk,
        markevery=0.1,
        ms=5,
        label=f"{label}, lr = {best_rate[B]}",
    )
ax.axhline(TARGET - J_star, color="grey", ls="--", lw=0.8, label="target")
ax.set_xlabel("per-example gradient evaluations")
ax.set_ylabel(r"excess loss $f(\theta) - f^\star$")
ax.set_title("Breast cancer data: cost of reaching a loss")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the excess loss on a log scale against the number of per-example gradient evaluations, also
# on a log scale, for batch sizes 1, 8 and 32 (10 epochs each) and the full batch (200 epochs), each with its
# own line style and marker (the full batch dotted, with diamonds). The three
# stochastic curves drop below the dashed target line after about one epoch and then level off into a jittery
# band between about 10 to the minus 4 and 10 to the minus 3; the full-batch curve starts at one epoch, crosses
# the target after about 17 epochs and keeps falling ever faster, to below 10 to the minus 9 after 200 epochs.*
#
# The small batches win the race to a moderate target, and then stall: their constant step keeps them
# bouncing around the minimum at a level set by the gradient noise. Full-batch gradient descent has no noise
# and keeps converging linearly. That stall is the subject of the last section.
#
# ## Robbins–Monro: why the step size must shrink
#
# With a constant step $\alpha$, SGD near the minimum keeps taking steps of typical size
# $\alpha\sqrt{\operatorname{Var}(g_k)}$ in random directions, because the gradient noise does not vanish at
# $\theta^\star$ (we measured its variance there). The
# iterates settle into a cloud around $\theta^\star$ whose size shrinks with $\alpha$ but never reaches zero: a
# **noise floor**. {cite:t}`robbins1951` showed that a stochastic approximation scheme converges when the
# step sizes satisfy
#
# $$
# \sum_{k=0}^{\infty} \alpha_k = \infty \qquad\text{and}\qquad \sum_{k=0}^{\infty} \alpha_k^2 < \infty .
# $$
#
# The first condition lets the iterates travel any distance (the steps never become too small too soon);
# the second makes the accumulated noise, whose variance adds up like $\sum \alpha_k^2 \operatorname{Var}(g_k)$, finite. A
# constant step fails the second condition. The schedule
#
# $$
# \alpha_k = \frac{\alpha_0}{1 + k/T}
# $$
#
# (`gdlearn.schedules.InverseTimeDecay(alpha0, 1, T)`) satisfies both: it behaves like $\alpha_0 T/k$ for large
# $k$, and $\sum 1/k$ diverges while $\sum 1/k^2$ converges. We compare it with the constant step $\alpha_0$
# using minibatches of 8, $\alpha_0 = 0.3$ (the best constant rate found above) and $T$ equal to 5 epochs of
# updates, and record the distance $\|\theta - \theta^\star\|$ after every epoch.

# %%
B_RM, ALPHA0, EPOCHS = 8, 0.3, 40
T = 5 * -(-n // B_RM)  # 5 epochs of updates
distance = {}
for name, lr in [("constant", ALPHA0), ("decaying", InverseTimeDecay(ALPHA0, 1.0, T))]:
    r = fit(
        model,
        np.zeros(d),
        SGD(lr=lr),
        epochs=EPOCHS,
        batch_size=B_RM,
        rng=np.random.default_rng(SEED),
    )
    distance[name] = np.linalg.norm(r.history.x - w_star, axis=1)

print(f"{'epoch':>6} {'constant':>10} {'decaying':>10}")
for e in (5, 10, 20, 40):
    print(f"{e:>6} {distance['constant'][e]:10.4f} {distance['decaying'][e]:10.4f}")
late_const = distance["constant"][31:].mean() / distance["constant"][11:21].mean()
late_decay = distance["decaying"][31:].mean() / distance["decaying"][11:21].mean()
print(
    f"mean distance in epochs 31-40 over epochs 11-20: constant {late_const:.2f}, "
    f"decaying {late_decay:.2f}"
)
print(
    f"after {EPOCHS} epochs the decaying step is "
    f"{distance['constant'][-1] / distance['decaying'][-1]:.1f} times closer"
)

# %%
assert late_const > 0.8 and late_decay < 0.6
assert distance["decaying"][-1] < distance["constant"][-1] / 3

# %% [markdown]
# The constant step gets within about 0.15 to 0.2 of $\theta^\star$ in the first five epochs and then makes no further
# progress: its mean distance over epochs 31 to 40 is hardly smaller than over epochs 11 to 20. The decaying step
# starts slower (its steps are smaller) but keeps going, from 0.12 after 10 epochs to 0.056 after 20 and 0.035
# after 40, when it is about five times closer to the minimizer.

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
epochs_axis = np.arange(1, EPOCHS + 1)
ax.loglog(
    epochs_axis,
    distance["constant"][1:],
    "C3o-",
    ms=3,
    label=rf"constant $\alpha = {ALPHA0}$",
)
ax.loglog(
    epochs_axis,
    distance["decaying"][1:],
    "C0s--",
    ms=3,
    label=rf"decaying $\alpha_k = {ALPHA0}/(1 + k/T)$, T = 5 epochs",
)
ax.set_xlabel("epoch")
ax.set_ylabel(r"distance to the minimizer $\|\theta - \theta^\star\|$")
ax.set_title("Minibatch SGD (B = 8): constant vs decaying step")
ax.legend()
plt.show()


# %% [markdown]
# *The figure shows, on log-log axes, the distance to the minimizer after each of 40 epochs. The constant-step
# curve (solid, circles) falls for about five epochs and then wanders, mostly between 0.1 and 0.2 with
# occasional spikes; the decaying-step curve (dashed, squares) starts a little higher but keeps falling, apart
# from one brief bump, and ends well below the constant-step one.*
#
# In practice the decay is often applied per epoch or in stages ({doc}`schedules_linesearch`), and the
# reviews of {cite:t}`bottou2018` and {cite:t}`ruder2016` discuss how its time scale is chosen. The principle is
# always this one: a stochastic gradient method converges only if its steps shrink, and not too fast.
#
# ## Key points
#
# - The single-example and minibatch gradients are unbiased estimates of the full gradient; they differ from
#   it only by noise. One epoch of shuffled minibatches uses every example exactly once.
# - Shuffle every epoch: on label-sorted data without shuffling, SGD ended with an excess loss several times
#   larger.
# - The minibatch gradient's variance is $\frac{\operatorname{Var}(\nabla f_i)}{B}\frac{n-B}{n-1}$ (measured within sampling
#   error for $B$ from 1 to 512): the noise's standard deviation falls like $1/\sqrt B$, and vanishes at
#   $B = n$.
# - Counted in per-example gradients, small batches reached a 1 % target on the breast cancer data about 14 to 16
#   times sooner than the full batch; with a constant step they then stall at a noise floor, which the full batch
#   passes after enough epochs.
# - The Robbins–Monro conditions $\sum\alpha_k = \infty$, $\sum\alpha_k^2 < \infty$ make SGD converge;
#   $\alpha_k = \alpha_0/(1 + k/T)$ satisfies them, a constant step does not.
# - A from-scratch minibatch loop and `gdlearn`'s `SGD` + `fit` with the same seed take identical steps.
#
# ## Exercises
#
# ```{exercise} Decaying too fast
# :label: bsm-too-fast
# Replace the schedule by $\alpha_k = \alpha_0 / (1 + k/T)^2$, with the same $\alpha_0$ and $T$. Which
# Robbins–Monro condition fails? Run it for 40 epochs and compare the final distance to $\theta^\star$ with the
# $1/(1 + k/T)$ schedule.
# ```
#
# ```{solution-start} bsm-too-fast
# :class: dropdown
# ```
#
# Now $\sum_k \alpha_k = \alpha_0 \sum_k (1 + k/T)^{-2} \approx \alpha_0 T$ is finite: the first condition fails.
# The iterates can travel only a bounded total distance, about $\alpha_0 T$ times the gradient size, and they
# freeze before they arrive. An optimizer accepts any function of the step count as its learning rate.


# %%
def too_fast(t):
    return ALPHA0 / (1.0 + t / T) ** 2


t_all = np.arange(10**6)
print(
    f"sum of the first million step sizes: too fast {np.sum(too_fast(t_all)):.1f} "
    f"(alpha0 * T = {ALPHA0 * T:.1f}); "
    f"1/(1+t/T) {np.sum(ALPHA0 / (1 + t_all / T)):.1f} and still growing"
)
r = fit(
    model,
    np.zeros(d),
    SGD(lr=too_fast),
    epochs=EPOCHS,
    batch_size=B_RM,
    rng=np.random.default_rng(SEED),
)
d_fast = np.linalg.norm(r.history.x - w_star, axis=1)
print(
    f"distance after 20 and 40 epochs: too fast {d_fast[20]:.4f}, {d_fast[40]:.4f}; "
    f"1/(1+t/T): {distance['decaying'][20]:.4f}, {distance['decaying'][40]:.4f}"
)

# %%
assert d_fast[40] > 3 * distance["decaying"][40]
assert d_fast[40] / d_fast[20] > distance["decaying"][40] / distance["decaying"][20]

# %% [markdown]
# The sum of all the over-eager schedule's steps is about $\alpha_0 T = 108$, and most of it is spent in the
# first epochs; the sum for $1/(1 + k/T)$ grows without bound (like $\alpha_0 T \log k$). Accordingly the
# over-eager run creeps: from epoch 20 to epoch 40 it closes a smaller fraction of its distance to $\theta^\star$
# than the $1/k$ schedule does, and it ends several times further away.
#
# ```{solution-end}
# ```
#
# ```{exercise} Sampling with replacement
# :label: bsm-replacement
# Draw minibatches *with* replacement (`rng.choice(n, B, replace=True)`) and measure the variance at $\theta^\star$
# for $B = 256$ and $B = 512$. Which formula does it follow now?
# ```
#
# ```{solution-start} bsm-replacement
# :class: dropdown
# ```
#
# With replacement the $B$ draws are independent, so the variance of their mean is exactly
# $\operatorname{Var}(\nabla f_i)/B$, with no
# finite-population factor: even a "batch" as large as the data set is noisy, because it repeats some examples
# and misses others.

# %%
for B in (256, 512):
    sq = np.array(
        [
            np.sum((G[rng.choice(n, B, replace=True)].mean(axis=0) - g_bar) ** 2)
            for _ in range(R)
        ]
    )
    se = sq.std(ddof=1) / np.sqrt(R)
    print(
        f"B = {B}: measured {sq.mean():.5f} +/- {se:.5f}, "
        f"Var/B = {var1 / B:.5f}, "
        f"without-replacement formula {var1 / B * (n - B) / (n - 1):.5f}"
    )
    assert abs(sq.mean() - var1 / B) < 4 * se

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Noise far from the minimum
# :label: bsm-noise-start
# Measure the per-example variance $\operatorname{Var}(\nabla f_i)$ at the starting point $\theta = 0$ instead of at
# $\theta^\star$, and check the $1/B$ law there for $B = 16$. Is the gradient noisier at the start or at the end of training? Compare the noise with the squared
# length of the full gradient at both points.
# ```
#
# ```{solution-start} bsm-noise-start
# :class: dropdown
# ```

# %%
G0 = (
    X * (sigmoid(X @ w0) - y)[:, None]
)  # per-example gradients at w = 0 (the L2 term is 0 there)
var1_0 = np.mean(np.sum((G0 - G0.mean(axis=0)) ** 2, axis=1))
sq = np.array(
    [
        np.sum(
            (G0[rng.choice(n, 16, replace=False)].mean(axis=0) - G0.mean(axis=0)) ** 2
        )
        for _ in range(R)
    ]
)
se = sq.std(ddof=1) / np.sqrt(R)
theory_0 = var1_0 / 16 * (n - 16) / (n - 1)
print(f"Var(grad f_i) at theta = 0: {var1_0:.4f}  (at theta*: {var1:.4f})")
print(
    f"B = 16 at theta = 0: measured {sq.mean():.5f}, theory {theory_0:.5f}, ratio "
    f"{sq.mean() / theory_0:.3f} "
    f"+/- {se / theory_0:.3f}"
)
signal_0 = np.sum(G0.mean(axis=0) ** 2)
print(
    f"|full gradient|^2 at theta = 0: {signal_0:.4f}, i.e. {signal_0 / theory_0:.1f} "
    f"times "
    f"the B = 16 noise"
    f" (at theta* it is 0)"
)
print(
    f"gradient noise scale Var(grad f_i) / |full gradient|^2 at theta = 0: "
    f"{var1_0 / signal_0:.2f}"
)

# %%
assert abs(sq.mean() - theory_0) < 4 * se
assert var1_0 > 20 * var1 and signal_0 > 3 * theory_0

# %% [markdown]
# The $1/B$ law holds at $\theta = 0$ too, and the per-example spread there is more than twenty times larger than at
# the minimum: the gradient is noisier at the start. But what matters is noise relative to signal. At $\theta = 0$
# the full gradient is long, several times longer (in squared length) than the noise of a minibatch of 16, so a
# noisy step still points downhill. At $\theta^\star$ the full gradient is zero and the minibatch gradient is nothing
# but noise: that is why the constant-step runs above stalled. The ratio $\operatorname{Var}(\nabla f_i)/\|\nabla f\|^2$ printed last is
# what {cite:t}`mccandlish2018` call the (simple) gradient noise scale: batches much smaller than it are
# dominated by noise, and batches much larger than it waste gradients on a direction already known, so it
# predicts the largest useful batch size, here a few examples at the start and ever more as training approaches
# the minimum.
#
# ```{solution-end}
# ```
#
# ## References
#
# The data set is from {cite:t}`street1993`. The stochastic approximation method and its step-size conditions
# are due to {cite:t}`robbins1951`. {cite:t}`bottou2018` give the modern analysis of SGD, including the noise
# floor of constant steps and the benefit of minibatches; {cite:t}`ruder2016` surveys the batch, stochastic
# and minibatch variants; chapter 8 of {cite:t}`goodfellow2016` discusses minibatch sizes and shuffling in deep
# learning.
