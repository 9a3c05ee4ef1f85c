# %% [markdown]
# # Ill-conditioning and feature scaling
#
# Gradient descent needs few steps on a round bowl and very many on a long, narrow valley. The
# **condition number** $\kappa$ of the Hessian measures how narrow the valley is. On real data it is often
# huge for a reason that has nothing to do with the problem itself: the features are measured in
# different units. This chapter measures $\kappa$ on a real data set before and after standardization and
# counts the gradient-descent steps each needs. It then shows the zig-zag that a large $\kappa$ causes,
# fixes scales with a diagonal preconditioner, and ends with the case a diagonal preconditioner cannot fix.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - compute the condition number of a least-squares Hessian $X^\top X/n$ and predict from it how many
#   gradient-descent steps a tolerance needs;
# - explain why centering and scaling the features can lower $\kappa$ by orders of magnitude;
# - draw the zig-zag path of gradient descent on an ill-conditioned quadratic;
# - apply a diagonal (Jacobi) preconditioner and relate it to AdaGrad and Adam;
# - recognize ill-conditioning that only a full (Newton-type) preconditioner removes.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

import gdlearn
from gdlearn.data import add_bias
from gdlearn.loop import minimize
from gdlearn.models import LinearRegression
from gdlearn.objectives import Quadratic
from gdlearn.optim import SGD, AdaGrad, Adam, Newton
from gdlearn.plot import contour, plot_path, use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## The condition number and the speed of gradient descent
#
# For least squares $f(\theta) = \frac1{2n}\|X\theta - y\|^2$ (symbols as in {doc}`../notation`) the
# Hessian is $H = X^\top X / n$, the same everywhere. Write its eigen-decomposition
# $H = \sum_i \lambda_i q_i q_i^\top$ (see {doc}`../part2/derivatives_and_gradients`), with
# $\mu = \lambda_{\min}$ and $L = \lambda_{\max}$. Gradient descent with step $\alpha = 1/L$ multiplies the
# error's component along the eigenvector $q_i$ by $1 - \lambda_i / L$ per step. The slowest component
# shrinks by $1 - 1/\kappa$ with $\kappa = L/\mu$, so
#
# $$
# \begin{aligned}
# \|\theta_k - \theta^\star\| &\le \left(1 - \tfrac1\kappa\right)^k \|\theta_0 - \theta^\star\| \\
# &\le e^{-k/\kappa}\,\|\theta_0 - \theta^\star\| ,
# \end{aligned}
# $$
#
# and a relative tolerance $\|\theta_k - \theta^\star\| \le \text{tol}\cdot\|\theta_0 - \theta^\star\|$ takes at most
# $k \le \kappa \ln(1/\text{tol})$ steps {cite:p}`nocedal2006,boyd2004`. The step count grows *linearly* in
# $\kappa$ (see {doc}`../part2/convergence_rates`).
#
# ## A real data set in its raw units
#
# The diabetes data {cite:p}`efron2004` in its original units (`load_diabetes(scaled=False)`) has ten
# measurements: age in years, sex coded $1$/$2$, body-mass index, blood pressure, six blood serum values.
# Their means and spreads differ a lot:

# %%
X_raw, y = load_diabetes(scaled=False, return_X_y=True)
names = load_diabetes().feature_names
mean, std = X_raw.mean(axis=0), X_raw.std(axis=0)
print(" ".join(f"{nm:>7}" for nm in names))
print(" ".join(f"{m:7.1f}" for m in mean), "  <- mean")
print(" ".join(f"{s:7.2f}" for s in std), "  <- standard deviation")

# %% [markdown]
# We fit $y \approx \tilde x^\top \theta$, where $\tilde x = (1, x)$ adds a constant feature for the intercept
# (a column of ones in the design matrix), on four versions of the
# features: raw; only scaled (divided by their standard deviations); only centered (mean subtracted); and
# standardized (both). For each we print $\kappa(H)$. We also print the number of steps gradient
# descent with $\alpha = 1/L$ needs from $\theta_0 = 0$ to the tolerance $10^{-6}$, next to the bound
# $\kappa\ln(10^6)$. The counts are rounded to three significant figures. Each one hangs on the smallest
# eigenvalue, whose trailing digits round-off can change: on the raw wine data of exercise 1, changing the
# Hessian's entries in their last bit moves the count by about a thousand steps.
#
# Running $10^8$ steps would take hours, so we count them exactly instead. On a quadratic the error after
# $k$ steps has the closed form $\|\theta_k - \theta^\star\|^2 = \sum_i \xi_i^2 (1 - \lambda_i/L)^{2k}$, where
# $\xi_i = q_i^\top(\theta_0 - \theta^\star)$ are the components of the initial error along the eigenvectors. The error falls monotonically, so a
# bisection on $k$ finds the first step below the tolerance. Below, real runs check the formula.

# %%
TOL = 1e-6


def kappa(H):
    lam = np.linalg.eigvalsh(H)
    return lam[-1] / lam[0]


def gd_error(H, e0, k, alpha=None):
    """||theta_k - theta*|| after k steps of GD from e0 = theta_0 - theta*.

    The step alpha defaults to 1/L.
    """
    lam, Q = np.linalg.eigh(H)  # eigenvalues and eigenvectors q_i (columns of Q)
    alpha = 1 / lam[-1] if alpha is None else alpha
    shrink = np.abs(1 - alpha * lam)  # factor per step along each q_i
    return np.sqrt(np.sum((Q.T @ e0) ** 2 * shrink ** (2.0 * k)))


def about(k, digits=3):
    """A step count rounded to a few significant figures, for printing.

    The exact count moves with the round-off in the smallest eigenvalue, so only
    its leading digits are shown.
    """
    return f"{k:.{digits}g}"


def gd_steps(H, e0, tol=TOL, alpha=None):
    """Smallest k with ||theta_k - theta*|| <= tol ||theta_0 - theta*||.

    Exact, by bisection on the closed form.
    """
    target = tol * np.linalg.norm(e0)
    hi = 1
    while gd_error(H, e0, hi, alpha) > target:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if gd_error(H, e0, mid, alpha) <= target else (mid, hi)
    return hi


versions = {
    "raw": X_raw,
    "scaled only": X_raw / std,
    "centered only": X_raw - mean,
    "standardized": (X_raw - mean) / std,
}
models, table = {}, {}
print(f"{'features':>13} {'kappa(H)':>10} {'GD steps':>12} {'kappa ln(1/tol)':>16}")
for name, feats in versions.items():
    model = LinearRegression(add_bias(feats), y)
    H, theta_star = model.hess(), model.solve()
    k = gd_steps(H, -theta_star)
    models[name], table[name] = model, (kappa(H), k)
    bound = kappa(H) * np.log(1 / TOL)
    print(f"{name:>13} {kappa(H):10.3e} {about(k):>12} {bound:16.3e}")

# %%
assert all(k <= kap * np.log(1 / TOL) for kap, k in table.values())
assert table["raw"][0] > 1e5 * table["standardized"][0]

# %% [markdown]
# Standardizing lowers the condition number by five orders of magnitude. Gradient descent then needs
# thousands of steps instead of hundreds of millions. Both fixes are needed. Scaling alone leaves the
# offsets: a feature with mean $189$ and spread $35$ is almost parallel to the column of ones, and the
# intercept and that weight can trade off against each other along a long valley. Centering alone leaves
# the units. In every row the exact count is close to the bound, because the start $\theta_0 = 0$ has a sizeable
# component along the flattest direction.
#
# The closed form is checked against 300 real steps of `gdlearn`'s gradient descent on the raw and on the
# standardized features. (`gtol=None` makes `minimize` take all 300 steps: by default it stops as soon as
# the gradient norm falls to `gtol=1e-5`. Every fixed-length run in this chapter passes it.)

# %%
for name in ("raw", "standardized"):
    model = models[name]
    theta_star = model.solve()
    L = np.linalg.eigvalsh(model.hess())[-1]
    opt = SGD(lr=1 / L)
    run = minimize(
        model, np.zeros(11), opt, max_steps=300, gtol=None, record_points=False
    )
    err_run = np.linalg.norm(run.x - theta_star)
    err_formula = gd_error(model.hess(), -theta_star, 300)
    print(
        f"{name:>12}: error after 300 steps {err_run:.5g} (run) vs "
        f"{err_formula:.5g} (closed form), "
        f"{err_run / np.linalg.norm(theta_star):.1%} of the initial error left"
    )
    assert np.isclose(err_run, err_formula, rtol=1e-6)
raw, theta_raw = models["raw"], models["raw"].solve()

# %% [markdown]
# ## The zig-zag
#
# Why is a large $\kappa$ slow? Look at a 2-D quadratic $f(\theta) = \tfrac12(\theta_1^2 + \kappa\, \theta_2^2)$. Gradient
# descent has one step size for both coordinates. The steep coordinate limits it to $\alpha < 2/L$, and
# with that step the shallow coordinate barely moves. We use the best fixed step $\alpha = 2/(L+\mu)$, which
# shrinks *both* coordinates by $\rho = (\kappa-1)/(\kappa+1)$ per step, with the sign of the steep one
# flipping each time. With $\alpha = 1/L$ the steep coordinate would vanish in one step and the walk would
# creep instead of zig-zag, taking about twice as many steps (exercise 3).

# %%
x0 = np.array([-1.8, 0.9])
paths, steps = {}, {}
for kap in (1, 10, 100):
    f = Quadratic([1.0, float(kap)])
    alpha = 2 / (f.L + f.mu)
    res = minimize(
        f,
        x0,
        SGD(lr=alpha),
        max_steps=10_000,
        gtol=None,  # the callback alone decides when the run stops
        callback=lambda k, x, fx, g: np.linalg.norm(x) <= TOL * np.linalg.norm(x0),
    )
    rho = (kap - 1) / (kap + 1)
    predicted = 1 if kap == 1 else int(np.ceil(np.log(TOL) / np.log(rho)))
    paths[kap], steps[kap] = res.history.x, res.n_steps
    print(
        f"kappa = {kap:3d}: rate {rho:.4f}, "
        f"steps to 1e-6: {res.n_steps:4d} (predicted {predicted})"
    )
    assert abs(res.n_steps - predicted) <= 1

# %%
fig, axes = plt.subplots(3, 1, figsize=(7, 11))
for ax, (kap, path) in zip(axes, paths.items(), strict=True):
    f = Quadratic([1.0, float(kap)])
    contour(f, ax=ax, xlim=(-2, 2), ylim=(-1.2, 1.2), levels=15)
    shown = min(40, len(path) - 1)
    plot_path(
        ax,
        path[: shown + 1],
        label=f"GD, first {shown} step{'s' if shown > 1 else ''}",
        color="C3",
        marker="o",
    )
    ax.set_title(
        rf"$\kappa$ = {kap}: {steps[kap]} step{'s' if steps[kap] > 1 else ''} to 1e-6"
    )
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.legend(loc="lower right")
fig.suptitle(
    r"Gradient descent, $\alpha = 2/(L+\mu)$, on "
    r"$\frac{1}{2}(\theta_1^2 + \kappa \theta_2^2)$"
)
plt.show()

# %% [markdown]
# *The figure shows three contour plots, stacked, of quadratic bowls with condition numbers 1, 10 and 100,
# each with the path of gradient descent from the same start. On the round bowl the path is a single step
# to the center; at condition number 10 it zig-zags across the ellipses a few times; at 100 it bounces across
# a very narrow valley and is still far from the center after 40 steps.*
#
# Each step points along the negative gradient, which is perpendicular to the contour and so mostly
# *across* the valley. The walker overshoots the valley floor, turns back and overshoots again, while
# the progress along the valley is small. The step count grows like $\kappa$: about $\frac\kappa2\ln(1/\text{tol})$
# with this step.
#
# ## Diagonal preconditioning
#
# If the trouble is units, change the units. Substituting $\theta = P^{-1/2} u$ for a positive diagonal $P$
# turns the Hessian into $P^{-1/2} H P^{-1/2}$. Gradient descent on $u$, written back in terms of $\theta$, is
# **preconditioned gradient descent**:
#
# $$
# \theta_{k+1} = \theta_k - \alpha\, P^{-1} \nabla f(\theta_k).
# $$
#
# This is steepest descent in another norm. The section on steepest descent in a norm in
# {doc}`../part2/derivatives_and_gradients` shows that in the norm $\|u\|_P = \sqrt{u^\top P u}$ the direction
# of steepest descent is $-P^{-1}\nabla f$, not $-\nabla f$. Feature scaling and diagonal preconditioning
# are steepest descent in a *diagonal* norm, one that measures each coordinate in its own units.
#
# The **Jacobi** choice $P = \operatorname{diag}(H)$ gives every coordinate curvature one along its own
# axis. Here is the update from scratch. Because it is exactly gradient descent on rescaled features
# $X P^{-1/2}$, `gdlearn`'s plain `SGD` on those features, mapped back, gives the same iterates.

# %%
H_raw = raw.hess()
p_diag = np.diag(H_raw)  # the diagonal of P = diag(H)
H_jac = H_raw / np.sqrt(np.outer(p_diag, p_diag))
alpha = 1 / np.linalg.eigvalsh(H_jac)[-1]
theta = np.zeros(11)
for _ in range(50):
    theta = theta - alpha * raw.grad(theta) / p_diag
rescaled = LinearRegression(add_bias(X_raw) / np.sqrt(p_diag), y)
u = minimize(rescaled, np.zeros(11), SGD(lr=alpha), max_steps=50, gtol=None).x
same = np.allclose(theta, u / np.sqrt(p_diag))  # theta = P^(-1/2) u
print("preconditioned GD equals GD on rescaled features:", same)
assert same

print(
    f"{'features':>13} {'kappa(H)':>10} {'kappa(Jacobi)':>14} "
    f"{'GD steps':>12} {'Jacobi GD steps':>16}"
)
jac = {}
for name, model in models.items():
    H = model.hess()
    pn = np.diag(H)
    Hj = H / np.sqrt(np.outer(pn, pn))
    kj, sj = kappa(Hj), gd_steps(Hj, -np.sqrt(pn) * model.solve())
    jac[name] = kj
    k_plain = about(table[name][1])
    print(f"{name:>13} {kappa(H):10.3e} {kj:14.3e} {k_plain:>12} {about(sj):>16}")

# %%
assert np.isclose(jac["centered only"], table["standardized"][0])
assert jac["raw"] > 10 * table["standardized"][0]

# %% [markdown]
# Two results. On centered features, Jacobi preconditioning gives *exactly* the condition number of the
# standardized features. It is the same thing: dividing column $j$ by $\sqrt{H_{jj}}$, its root mean
# square, is dividing by its standard deviation once the column is centered. On the raw features it helps
# by three orders of magnitude, but $\kappa$ stays far above the standardized value. A diagonal
# $P$ cannot undo the offsets, which couple each feature with the intercept: that coupling is an
# off-diagonal entry of $H$. Feature scaling is preconditioning done once, on the data, before training
# {cite:p}`lecun1998`: steepest descent in a diagonal norm, chosen once. Centering is the part no diagonal
# norm can do (exercise 4 derives the identity).
#
# ## Adaptive methods estimate a diagonal preconditioner
#
# We rarely know $H$. AdaGrad {cite:p}`duchi2011` and Adam {cite:p}`kingma2015` divide each coordinate's step
# by the square root of a running sum or average of its squared gradients (see
# {doc}`../part3/adaptive_methods`). That is a diagonal preconditioner estimated from gradients alone. It is
# not exactly Jacobi's: a coordinate whose feature is $s$ times larger gets gradients about $s$ times
# larger, so its step is divided by about $s$, where Jacobi divides by $s^2$. But it adapts to the units
# without ever seeing the Hessian. Here is the relative error $\|\theta - \theta^\star\| / \|\theta^\star\|$
# after 500 steps from $\theta = 0$ on the centered features, where the trouble is purely units, and on the raw ones.
# AdaGrad's and Adam's learning rates were picked from a few powers of ten.

# %%
def run_500(model, opt):
    """500 steps from theta = 0 (fewer only if the run diverges)."""
    return minimize(
        model, np.zeros(11), opt, max_steps=500, gtol=None, record_points=False
    )


def error_left(model, run):
    theta_star = model.solve()
    return np.linalg.norm(run.x - theta_star) / np.linalg.norm(theta_star)


print(f"{'features':>13} {'GD, 1/L':>10} {'AdaGrad':>10} {'Adam':>10}")
left, runs = {}, {}
for name in ("centered only", "raw"):
    model = models[name]
    L_m = np.linalg.eigvalsh(model.hess())[-1]
    opts = (SGD(lr=1 / L_m), AdaGrad(lr=10.0), Adam(lr=1.0))
    runs[name] = [run_500(model, opt) for opt in opts]
    left[name] = [error_left(model, r) for r in runs[name]]
    marked = zip(left[name], runs[name], strict=True)  # * = stopped as diverged
    cells = [f"{v:9.2e}{'*' if r.diverged else ' '}" for v, r in marked]
    print((f"{name:>13}  " + " ".join(cells)).rstrip())
stopped = runs["raw"][1]
f_start = stopped.history.loss[0]
print("* stopped as diverged:", stopped.message.split(";")[0])
slower = run_500(raw, AdaGrad(lr=1.0))
print(
    f"AdaGrad on the raw features with lr = 1: {slower.status}, "
    f"error left {error_left(raw, slower):.3f}"
)

# %%
gd_c, adagrad_c, adam_c = left["centered only"]
assert adam_c < 0.01 < adagrad_c < 0.5 * gd_c
assert min(left["raw"]) > 0.9 and error_left(raw, slower) > 0.99
assert [r.diverged for rs in runs.values() for r in rs] == [False] * 4 + [True, False]
# AdaGrad(lr=10) on raw features: stopped after one step by the rising-loss check, clear
# of its threshold; its first step moved every weight by the full rate
limit = f_start + 1e3 * max(1.0, f_start)
assert stopped.n_steps == 1 and "(rising-loss check)" in stopped.message
assert stopped.fun > 1.2 * limit and 1200 < stopped.fun / f_start < 1400
assert np.allclose(np.abs(stopped.x), 10.0, rtol=1e-6)
assert slower.status == "max_steps" and slower.n_steps == 500

# %% [markdown]
# On the centered features plain gradient descent has removed less than a fifth of the initial error after
# 500 steps. AdaGrad has removed more than three quarters of it, and Adam all but a fraction of a percent
# (Adam's fast finish also owes something to its momentum). On the raw features none of the three has
# removed even a tenth: the offset problem is not diagonal, so no per-coordinate step size removes it.
#
# AdaGrad at the rate that suits the centered features (marked `*`) did not even get going on the raw
# ones. Its first step divides each gradient coordinate by its own size, so it moves every weight by the
# full rate $10$; with most raw features in the tens or hundreds that throws the predictions far off, and the
# loss grows about 1300-fold in one step. That is more than $1000 \max(1, f_0)$ above the start, so
# the *rising-loss check* of `minimize` (see {doc}`vanishing_exploding`) stops the run as `"diverged"`,
# and the table shows the error at that point. A rate ten times smaller runs all 500 steps and still
# leaves more than 99 % of the error, like the other two methods.
#
# ## When a diagonal preconditioner cannot help
#
# Rotate the narrow valley by $45°$: $f(\theta) = \tfrac12 \theta^\top A \theta$ with $A = Q \operatorname{diag}(1, 100)\,Q^\top$
# and $Q$ a rotation by $45°$. Now both diagonal entries of $A$ are equal, so the Jacobi preconditioner is a
# multiple of the identity and changes nothing. Only a full preconditioner $P \approx A$ can straighten
# the valley: in the norm $\|u\|_P$ with $P = A$, the steepest-descent direction $-A^{-1}\nabla f$ points
# straight at the minimum, and the preconditioned Hessian $A^{-1/2} A A^{-1/2}$ is the identity
# ($\kappa = 1$). The step $\theta - A^{-1}\nabla f(\theta)$ is **Newton's method** {cite:p}`nocedal2006` (see
# {doc}`../part3/newton`), which lands on the minimum of a quadratic in one step.

# %%
f_rot = Quadratic([1.0, 100.0], rotation=np.pi / 4)
A = f_rot.A
pA = np.diag(A)
A_jac = A / np.sqrt(np.outer(pA, pA))
evals, evecs = np.linalg.eigh(A)
A_inv_half = evecs @ np.diag(evals**-0.5) @ evecs.T
print("A =\n", A)
print(
    f"kappa(A) = {kappa(A):.1f}, after Jacobi {kappa(A_jac):.1f}, "
    f"after full preconditioning {kappa(A_inv_half @ A @ A_inv_half):.1f}"
)
assert np.isclose(kappa(A_jac), kappa(A))
assert np.isclose(kappa(A_inv_half @ A @ A_inv_half), 1.0)

start = np.array([1.5, 0.5])
gd_count = gd_steps(A, start)
newton_run = minimize(f_rot, start, Newton(lr=1.0), max_steps=10, gtol=1e-8)
print(f"gradient descent, step 1/L: {gd_count} steps to 1e-6 (closed form)")
print(
    f"Newton: {newton_run.status} after {newton_run.n_steps} step, "
    f"|theta - theta*| < 1e-12: {np.linalg.norm(newton_run.x) < 1e-12}"
)
assert newton_run.n_steps == 1 and np.allclose(newton_run.x, 0.0, atol=1e-12)
assert gd_count > 100 * newton_run.n_steps

# %% [markdown]
# Newton's method reaches the minimum in one step where gradient descent needs more than a thousand.
# It pays with a $d \times d$ linear solve per step, and it needs the Hessian. Between the two extremes sit
# the diagonal methods above (cheap, blind to rotation) and quasi-Newton methods, which build an
# approximation of $H^{-1}$ from gradient differences, one low-rank update per step {cite:p}`nocedal2006`.
# On the diabetes data Newton's one step from zero lands on the least-squares solution whatever the units,
# since the raw and standardized problems differ only by a linear change of variables:

# %%
one_step = minimize(raw, np.zeros(11), Newton(lr=1.0), max_steps=1)
rel_err = np.linalg.norm(one_step.x - theta_raw) / np.linalg.norm(theta_raw)
print(f"raw features, one Newton step: relative error below 1e-9: {rel_err < 1e-9}")
assert rel_err < 1e-9

# %% [markdown]
# ## Key points
#
# - Gradient descent with $\alpha = 1/L$ needs at most $\kappa\ln(1/\text{tol})$ steps on a quadratic, and
#   on the raw diabetes data it needs close to that many: about $7\times 10^8$ at $\kappa \approx 5\times 10^7$.
# - Standardizing the features (center *and* scale) brought $\kappa$ down to about $470$ and the step count
#   to about $6000$.
# - The zig-zag: one step size for all directions; the steep direction caps it and the shallow one crawls.
# - A diagonal preconditioner $P$ fixes units: the step $-P^{-1}\nabla f$ is steepest descent in a diagonal
#   norm, and Jacobi on centered features equals standardization. AdaGrad and Adam estimate a diagonal
#   preconditioner from gradients.
# - Correlations and rotations are off-diagonal. Diagonal scaling cannot fix them; a full preconditioner
#   (Newton, quasi-Newton) can.
#
# ## Exercises
#
# ```{exercise} Another data set
# :label: ex-cond-wine
# Compute $\kappa$ of $X^\top X/n$ (with a column of ones) for scikit-learn's wine data (`load_wine`) raw and
# standardized, and the number of gradient-descent steps to $10^{-6}$ for the least-squares fit of the class
# label, using `gd_steps` from this chapter.
# ```
#
# ```{solution-start} ex-cond-wine
# :class: dropdown
# ```

# %%
from sklearn.datasets import load_wine  # noqa: E402

Xw, yw = load_wine(return_X_y=True)
yw = yw.astype(float)
wine = {}
for name, A in (("raw", Xw), ("standardized", (Xw - Xw.mean(0)) / Xw.std(0))):
    m = LinearRegression(add_bias(A), yw)
    n_steps = gd_steps(m.hess(), -m.solve())
    wine[name] = n_steps
    shown = about(n_steps, 2 if n_steps > 1e6 else 3)
    print(f"{name:>12}: kappa = {kappa(m.hess()):.3e}, GD steps = {shown}")
assert 1e9 < wine["raw"] < 1e10 and 100 < wine["standardized"] < 1000

# %% [markdown]
# The raw wine features (proline is in the hundreds, hue around one) give a condition number of order
# $10^8$; standardized, it drops below $100$, and the step count from billions to a few hundred.
#
# ```{solution-end}
# ```
#
# ```{exercise} An offset is enough
# :label: ex-cond-offset
# Take the standardized diabetes features and add $100$ to the first column only (as if age were measured
# from a different origin). What happens to $\kappa$? Can a diagonal preconditioner repair it?
# ```
#
# ```{solution-start} ex-cond-offset
# :class: dropdown
# ```

# %%
Xs = versions["standardized"].copy()
Xs[:, 0] += 100.0
H_off = LinearRegression(add_bias(Xs), y).hess()
d_off = np.diag(H_off)
kappa_jac = kappa(H_off / np.sqrt(np.outer(d_off, d_off)))
print(f"kappa with the offset: {kappa(H_off):.3e}; after Jacobi: {kappa_jac:.3e}")
print(f"kappa standardized:   {table['standardized'][0]:.3e}")
assert kappa_jac > 100 * table["standardized"][0]

# %% [markdown]
# One shifted column raises $\kappa$ by five orders of magnitude, and Jacobi scaling removes only part of
# it, leaving $\kappa$ about 200 times the standardized value: the shifted column and the column of ones are nearly parallel, and no rescaling of
# columns makes two nearly parallel columns orthogonal. Centering does.
#
# ```{solution-end}
# ```
#
# ```{exercise} Step 1/L or 2/(L + mu)?
# :label: ex-cond-step
# On $\tfrac12(\theta_1^2 + 100\,\theta_2^2)$ from $(-1.8, 0.9)$, count the steps to $10^{-6}$ with $\alpha = 1/L$ and
# with $\alpha = 2/(L + \mu)$. Which is faster, and by roughly how much? Compare with the rates
# $1 - 1/\kappa$ and $(\kappa - 1)/(\kappa + 1)$.
# ```
#
# ```{solution-start} ex-cond-step
# :class: dropdown
# ```

# %%
f100 = Quadratic([1.0, 100.0])
count = {}
for label, a in (("1/L", 1 / f100.L), ("2/(L+mu)", 2 / (f100.L + f100.mu))):
    count[label] = gd_steps(f100.A, x0, alpha=a)
    print(f"alpha = {label:>8}: {count[label]} steps")
assert count["2/(L+mu)"] == steps[100]  # the real run of the zig-zag section
print(f"rates: 1 - 1/kappa = {1 - 1 / 100:.4f}, (kappa-1)/(kappa+1) = {99 / 101:.4f}")
assert 1.8 < count["1/L"] / count["2/(L+mu)"] < 2.2

# %% [markdown]
# The step $2/(L+\mu)$ is about twice as fast: $\ln(1 - 1/\kappa) \approx -1/\kappa$ while
# $\ln\frac{\kappa-1}{\kappa+1} \approx -2/\kappa$. Both counts still grow linearly in $\kappa$; only a better
# method (momentum, preconditioning) changes that.
#
# ```{solution-end}
# ```
#
# ```{exercise} Jacobi on centered features is standardization
# :label: ex-cond-jacobi
# Let the columns $x_j$ of $X$ be centered (mean zero) with standard deviations $s_j$, and add a column
# of ones for the intercept. With $H = \tilde X^\top \tilde X / n$ for $\tilde X = [\mathbf 1, X]$ and the
# Jacobi preconditioner $P = \operatorname{diag}(H)$, show that $P^{-1/2} H P^{-1/2}$ is the Hessian of the
# standardized features (again with a column of ones). Check it on the diabetes data.
# ```
#
# ```{solution-start} ex-cond-jacobi
# :class: dropdown
# ```
#
# The diagonal entries of $H$ are the mean squares of the columns: $H_{00} = \frac1n\sum_i 1 = 1$ for the
# column of ones, and $H_{jj} = \frac1n \sum_i x_{ij}^2 = s_j^2$ for a centered column, because its mean
# square is its variance. So $P^{-1/2} = \operatorname{diag}(1, 1/s_1, \dots, 1/s_p)$, and
#
# $$
# \begin{aligned}
# P^{-1/2} H P^{-1/2} &= \frac1n \bigl(\tilde X P^{-1/2}\bigr)^\top \bigl(\tilde X P^{-1/2}\bigr), \\
# \tilde X P^{-1/2} &= \bigl[\mathbf 1,\; x_1/s_1,\; \dots,\; x_p/s_p\bigr],
# \end{aligned}
# $$
#
# which is exactly the standardized design matrix with its column of ones. Without centering,
# $H_{jj} = s_j^2 + \bar x_j^2$ (with $\bar x_j$ the column's mean), and the rescaled columns still carry their
# offsets, which is why Jacobi could not reach the standardized $\kappa$ on the raw features.

# %%
H_centered = models["centered only"].hess()
pc = np.diag(H_centered)
same_hessian = np.allclose(
    H_centered / np.sqrt(np.outer(pc, pc)), models["standardized"].hess(), atol=1e-12
)
print("Jacobi-preconditioned Hessian equals the standardized one:", same_hessian)
assert same_hessian and np.isclose(pc[0], 1.0) and np.allclose(pc[1:], std**2)

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The convergence analysis of gradient descent in terms of the condition number is textbook material
# {cite:p}`nocedal2006,boyd2004`. The practical advice to center and scale inputs comes from
# {cite:t}`lecun1998`. AdaGrad {cite:p}`duchi2011` and Adam {cite:p}`kingma2015` adapt a diagonal
# preconditioner online. The diabetes data are from {cite:t}`efron2004`. Full entries are in the
# {doc}`../appendix/bibliography`.
