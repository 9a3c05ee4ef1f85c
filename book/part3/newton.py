# %% [markdown]
# # Second-order methods: Newton's method
#
# Gradient descent uses one number about the shape of the loss, the slope, and has to guess the step length.
# Newton's method also uses the curvature, the matrix of second derivatives, and with it computes both the
# direction and the length of the step. Near a minimum this is spectacularly fast: the number of correct
# digits doubles at every step. Far from it, or where the loss is not convex, the raw method can walk
# uphill, and it needs the safeguards of this chapter. Each step is also far more expensive than a gradient
# step, which is why deep learning rarely uses it, and why quasi-Newton methods such as BFGS and L-BFGS
# exist. Symbols follow the book's {doc}`../notation`: parameters $\theta$, gradient $g_k = \nabla
# f(\theta_k)$, Hessian $H$ with eigenvalues $\lambda_i$, Newton damping $\zeta$.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - derive the Newton step from the second-order Taylor model and implement it in a few lines;
# - explain why Newton solves a quadratic in one step, whatever its condition number;
# - recognise quadratic convergence in a table of errors (digits of accuracy doubling);
# - say when pure Newton fails (indefinite Hessian, step too long) and repair it with damping and a line search;
# - count the cost of a Newton step against a gradient step, and place BFGS and L-BFGS between the two.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import line_search
from scipy.optimize import minimize as scipy_minimize
from sklearn.datasets import load_breast_cancer
from threadpoolctl import threadpool_limits

import gdlearn
from gdlearn.data import add_bias, make_logistic, standardize
from gdlearn.linesearch import backtracking
from gdlearn.loop import minimize
from gdlearn.models import LogisticRegression
from gdlearn.objectives import Himmelblau, Quadratic, Rosenbrock
from gdlearn.optim import SGD, Newton
from gdlearn.plot import contour, plot_path, use_book_style

use_book_style()

SEED = 0
# One BLAS thread: fast enough for the matrices of this chapter (at most 1000 x 1000),
# and it makes every printed number independent of how many cores the machine has.
threadpool_limits(limits=1)
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## The Newton step from the Taylor model
#
# Around the current point $\theta_k$, a twice-differentiable $f$ is approximated by its second-order Taylor
# polynomial in the step $p$:
#
# $$
# \begin{aligned}
# f(\theta_k + p) &\approx \hat f_k(p) \\
#   &= f(\theta_k) + \nabla f(\theta_k)^\top p + \tfrac12\, p^\top \nabla^2 f(\theta_k)\, p .
# \end{aligned}
# $$
#
# Gradient descent minimizes the first two terms plus a penalty $\frac{1}{2\alpha}\|p\|^2$ on the step
# length, which gives $p = -\alpha \nabla f(\theta_k)$. Newton's method keeps the true curvature instead. If the
# Hessian $H_k = \nabla^2 f(\theta_k)$ is positive definite, $\hat f_k$ is a convex quadratic in $p$, and setting its
# gradient to zero, $\nabla f(\theta_k) + H_k p = 0$, gives the **Newton step**
#
# $$
# p_k = -H_k^{-1} \nabla f(\theta_k), \qquad \theta_{k+1} = \theta_k + p_k .
# $$
#
# In code one never forms $H_k^{-1}$: one solves the linear system $H_k p = -\nabla f(\theta_k)$. There is no
# learning rate; the curvature sets the step length in every direction ({cite:t}`nocedal2006`, chapter 3;
# {cite:t}`boyd2004`, section 9.5).
#
# The Hessian, the second-order Taylor model, the optimality conditions and the eigen-decomposition are
# introduced in {doc}`../part2/derivatives_and_gradients`. That chapter also derives steepest descent in
# the norm $\|p\|_P = \sqrt{p^\top P p}$ of a positive definite matrix $P$: its direction is
# $-P^{-1}\nabla f$. Newton's direction is exactly this with $P = H_k$: steepest descent measured in the
# geometry of the loss itself.
#
# Here it is from scratch, on logistic regression for the breast-cancer data {cite:p}`street1993` with a
# small L2 penalty (standardized features plus an intercept: 31 parameters), checked against
# `gdlearn.optim.Newton`:

# %%
X_bc, y_bc = load_breast_cancer(return_X_y=True)
X_bc = add_bias(standardize(X_bc)[0])
logreg = LogisticRegression(X_bc, y_bc, l2=1e-2)
w0 = np.zeros(X_bc.shape[1])


def newton_by_hand(model, w, n_steps):
    """Pure Newton: solve H p = -g and step by p."""
    path = [w]
    for _ in range(n_steps):
        w = w + np.linalg.solve(model.hess(w), -model.grad(w))
        path.append(w)
    return np.array(path)


path_hand = newton_by_hand(logreg, w0, 10)
opt = Newton(lr=1.0)
w, path_gd = w0, [w0]
for _ in range(10):
    w = opt.step(w, logreg.grad(w), logreg.hess(w))
    path_gd.append(w)
assert np.allclose(path_hand, np.array(path_gd))
print("hand-written Newton and gdlearn.optim.Newton give the same 10 iterates")
print(f"loss after 0..5 steps: {np.array([logreg.value(p) for p in path_hand[:6]])}")

# %% [markdown]
# ## One step on a quadratic
#
# If $f$ *is* a quadratic, $f(\theta) = \frac12 (\theta - \theta^\star)^\top A (\theta - \theta^\star)$ with $A$ positive
# definite, the Taylor model is exact, and one Newton step lands on the minimizer from anywhere:
# $\theta_1 = \theta_0 - A^{-1} A (\theta_0 - \theta^\star) = \theta^\star$. The condition number $\kappa = \lambda_{\max}/\lambda_{\min}$ of $A$,
# which governs how many steps gradient descent needs, plays no role. We take a rotated bowl with
# $\kappa = 100$ and compare with gradient descent at the rate $1/L$ and at its best constant rate
# $2/(L + \mu)$.

# %%
bowl = Quadratic([1.0, 100.0], rotation=np.pi / 6, center=[2.0, -1.0])
x0 = np.array([-1.0, 2.0])
newton_bowl = minimize(bowl, x0, Newton(), max_steps=10, gtol=1e-8)
gd_bowl = minimize(bowl, x0, SGD(lr=1 / bowl.L), max_steps=10_000, gtol=1e-8)
gd_best = minimize(
    bowl, x0, SGD(lr=2 / (bowl.L + bowl.mu)), max_steps=10_000, gtol=1e-8
)
print(f"condition number {bowl.kappa:.0f}")
print(
    f"Newton              : {newton_bowl.n_steps} step,  x = {newton_bowl.x}, "
    f"error below 1e-12: {np.linalg.norm(newton_bowl.x - bowl.center) < 1e-12}"
)
print(
    f"GD, rate 1/L        : about {round(gd_bowl.n_steps, -1):,} steps, x = {gd_bowl.x}"
)
print(
    f"GD, rate 2/(L + mu) : about {round(gd_best.n_steps, -1):,} steps, x = {gd_best.x}"
)
left60 = np.linalg.norm(gd_bowl.history.x[60] - bowl.center) / np.linalg.norm(
    x0 - bowl.center
)
print(
    f"GD (rate 1/L) after 60 steps: {left60:.0%} of the initial distance "
    "to the minimum left"
)
assert newton_bowl.n_steps == 1 and np.allclose(
    newton_bowl.history.x[1], bowl.center, atol=1e-12
)
assert (
    gd_bowl.converged
    and gd_best.converged
    and min(gd_bowl.n_steps, gd_best.n_steps) > 1000
)

# %%
def star_on_top(ax):
    """Draw the minimum's star above the paths, with a black edge, so that it stays
    visible where a path ends on it (whatever the reader's colour vision)."""
    for line in ax.get_lines():
        if line.get_marker() == "*":
            line.set(zorder=5, markersize=16, markeredgecolor="k", markeredgewidth=1.0)


fig, ax = plt.subplots(figsize=(6, 5))
contour(bowl, ax=ax, xlim=(-1.5, 4.5), ylim=(-3.0, 3.0))
plot_path(
    ax,
    gd_bowl.history.x[:61],
    label="gradient descent (rate 1/L), first 60 steps",
    color="C1",
    ls="-",
    marker="o",
)
plot_path(
    ax, newton_bowl.history.x, label="Newton, 1 step", color="C0", ls="--", marker="D"
)
star_on_top(ax)
ax.set_aspect("equal")
ax.set_xlabel(r"$\theta_1$")
ax.set_ylabel(r"$\theta_2$")
ax.set_title("A quadratic with condition number 100")
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# *The figure shows the elongated elliptical contours of a rotated quadratic bowl. Gradient descent
# (orange solid line with dots) drops to the valley floor in its first step and then creeps along the
# floor towards the centre, with 14% of the initial distance still to go after 60 steps; Newton's single
# step (blue dashed line) goes straight from the start to the minimum, marked by a star.*
#
# Newton's step is gradient descent in the right coordinates: multiplying by $A^{-1}$ undoes the stretching
# of the bowl, so every direction is as easy as every other. That is also why Newton's method is
# **affine invariant**: rescaling or rotating the parameters changes nothing about its iterates, whereas it
# changes gradient descent's ({cite:t}`boyd2004`, section 9.5).
#
# ## Quadratic convergence
#
# Most losses are not quadratic, but near a minimum with a positive definite Hessian they look like one, and
# the quadratic model becomes more accurate the closer we get. The classical result
# ({cite:t}`nocedal2006`, theorem 3.5) is that if the Hessian is Lipschitz near the minimizer $\theta^\star$,
# Newton's iterates started close enough satisfy
#
# $$
# \|\theta_{k+1} - \theta^\star\| \le C\, \|\theta_k - \theta^\star\|^2 .
# $$
#
# With $e_k = \|\theta_k - \theta^\star\|$ and $C$ of order one this means $\log_{10} e_{k+1} \approx 2 \log_{10} e_k$:
# the number of correct digits doubles at every step. We measure it on the logistic regression above. The
# reference $\theta^\star$ is the Newton iterate after ten steps; its gradient is at the level of rounding
# error, so errors below about $10^{-13}$ are noise.

# %%
w_star = path_hand[-1]
err = np.linalg.norm(path_hand - w_star, axis=1)[:-1]
print(f"gradient norm at x* below 1e-14: {np.linalg.norm(logreg.grad(w_star)) < 1e-14}")
print(" k   error e_k   digits -log10(e_k)   ratio log(e_k)/log(e_k-1)")
for k in range(len(err)):
    if err[k] < 1e-13:
        print(f"{k:2d}   below 1e-13: rounding level")
        continue
    ratio = (
        np.log(err[k]) / np.log(err[k - 1]) if k > 0 and err[k - 1] < 0.1 else np.nan
    )
    e_txt = f"{err[k]:9.1e}" if err[k] > 1e-9 else "  < 1e-11"
    print(f"{k:2d}   {e_txt}   {-np.log10(err[k]):8.1f}            {ratio:6.2f}")

# %% [markdown]
# For the first few steps the error shrinks slowly: the start is far from the minimum, and the quadratic
# model is only a rough guide. Then the method locks on, and the digits go roughly
# 1.3, 2.8, 5.7, 11.7: each step about doubles them. We check the ratio
# $\log e_{k+1} / \log e_k$ on the last steps before the error reaches the rounding level ($10^{-12}$):

# %%
tail = [k for k in range(1, len(err)) if err[k] > 1e-12 and err[k - 1] < 1e-1]
ratios = np.log(err[tail]) / np.log(err[np.array(tail) - 1])
print("steps", tail, "ratios", np.round(ratios, 2))
assert len(tail) >= 2 and np.all((ratios > 1.8) & (ratios < 2.5))

# %% [markdown]
# Gradient descent on the same problem converges only **linearly**: its error shrinks by a roughly constant
# factor per step, so it gains a fixed number of digits per step, not a doubling. We run it with the rate 8
# that the previous chapter found best on this model ({doc}`../part3/schedules_linesearch`) and plot both
# errors.

# %%
gd_log = minimize(
    logreg, w0, SGD(lr=8.0), max_steps=400, gtol=None, record_points=True
)  # gtol=None: a fixed-length run, the error must get below 1e-10
err_gd = np.linalg.norm(gd_log.history.x - w_star, axis=1)
k_gd = int(np.argmax(err_gd < 1e-10))
print(
    f"GD reaches an error below 1e-10 after about {round(k_gd, -1)} steps; "
    f"Newton after {int(np.argmax(err < 1e-10))} steps"
)
assert 0 < k_gd and err_gd[k_gd] < 1e-10 and np.argmax(err < 1e-10) < 10

fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(np.arange(len(err)), err, "o-", label="Newton")
ax.semilogy(np.arange(len(err_gd)), err_gd, label="gradient descent, rate 8")
ax.set_xlabel("iteration k")
ax.set_ylabel(r"error $\|\theta_k - \theta^\star\|$ (log scale)")
ax.set_title("Logistic regression: quadratic against linear convergence")
ax.set_ylim(1e-16, 10)
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the error against the iteration on a logarithmic axis. Newton's curve (dots) stays
# between 0.3 and 2.4 for five steps and then plunges, ever more steeply, to about ten to the minus 15 by
# step 9; gradient descent's curve (dashed) falls along a straight line and needs about 260 steps to
# pass ten to the minus 10.*
#
# ## When pure Newton fails
#
# The derivation assumed that $H_k$ is positive definite and that the quadratic model can be trusted for a
# full step. Far from a minimum, neither needs to hold, and the pure method can go badly wrong.
#
# **An indefinite Hessian turns the step around.** If $H_k$ has a negative eigenvalue, the model $\hat f_k$ has
# no minimum, and $p_k = -H_k^{-1}\nabla f$ is the step to its *stationary point*, which may be a saddle or a
# maximum. Whether $p_k$ points downhill is decided by the sign of $\nabla f^\top p_k = -\nabla f^\top
# H_k^{-1} \nabla f$, negative for every gradient only when $H_k$ is positive definite. Himmelblau's
# function has four minima, one local maximum and four saddle points; at the origin its Hessian is negative
# definite. Pure Newton from there:

# %%
himmel = Himmelblau()
x = np.array([0.0, 0.0])
print(" k   x                   f(x)      Hessian eigenvalues     g.p (>0: uphill)")
pure_himmel = [x]
f_himmel = [himmel.value(x)]
for k in range(6):
    g, H = himmel.grad(x), himmel.hess(x)
    p = np.linalg.solve(H, -g)
    if k < 4:  # later steps change x only at the rounding level
        gp = f"{g @ p:9.2e}" if g @ p > 1e-6 else "   < 1e-6"
        print(
            f"{k:2d}   {x}   {himmel.value(x):8.3f}   {np.linalg.eigvalsh(H)}     {gp}"
        )
    x = x + p
    pure_himmel.append(x)
    f_himmel.append(himmel.value(x))
print(
    f"pure Newton stops at x = {x}, f = {himmel.value(x):.3f}, "
    f"gradient norm < 1e-10: {np.linalg.norm(himmel.grad(x)) < 1e-10}, "
    f"Hessian eigenvalues {np.linalg.eigvalsh(himmel.hess(x))}"
)
assert himmel.value(pure_himmel[1]) > himmel.value(pure_himmel[0]) and np.all(
    np.diff(f_himmel) >= -1e-12
)
assert np.all(np.linalg.eigvalsh(himmel.hess(x)) < 0)

# %% [markdown]
# Every step went uphill ($g^\top p > 0$ until the gradient vanished; the loss never decreased), and the
# method converged, quadratically, to the **local maximum** of Himmelblau's function. Newton's method looks for a zero of the gradient; it cannot tell a
# minimum from a maximum or a saddle.
#
# **A positive definite Hessian can still overshoot.** On Rosenbrock's valley {cite:p}`rosenbrock1960` from
# the classic start $(-1.2, 1)$ the Hessian is positive definite at every iterate, but the quadratic model is
# only good nearby, and the second full step lands far outside the valley, multiplying the loss by about
# 300:

# %%
rosen = Rosenbrock()
x_start = np.array([-1.2, 1.0])
pure = minimize(rosen, x_start, Newton(), max_steps=50, gtol=1e-10)
print(" k   x                    f(x)       smallest Hessian eigenvalue")
for k, xk in enumerate(pure.history.x):
    fk = f"{rosen.value(xk):9.2e}" if rosen.value(xk) > 1e-8 else "   < 1e-9"
    print(f"{k:2d}   {xk}   {fk}   {np.linalg.eigvalsh(rosen.hess(xk))[0]:8.3f}")
print(f"pure Newton: {pure.status} after {pure.n_steps} steps")
jump = np.argmax(np.diff(pure.history.loss))
assert pure.history.loss[jump + 1] > 100 * pure.history.loss[jump]
assert all(np.linalg.eigvalsh(rosen.hess(xk))[0] > 0 for xk in pure.history.x)
assert all(rosen.value(xk) < 1e-9 for xk in pure.history.x if rosen.value(xk) < 1e-8)


# %% [markdown]
# Here pure Newton recovers and converges in 7 steps, but only by luck: the wild step happened to land
# where the next model was good.
#
# ## Damped Newton: two safeguards
#
# Both failures have standard repairs ({cite:t}`nocedal2006`, section 3.4; {cite:t}`boyd2004`,
# section 9.5):
#
# 1. **Damping (Hessian modification).** Solve with $H_k + \zeta_k I$ instead of $H_k$, with $\zeta_k \ge 0$
#    just large enough to make the matrix positive definite: $\zeta_k = \max(0,\ \zeta_{\min} - \lambda_{\min}(H_k))$
#    with a small margin $\zeta_{\min} > 0$. The direction is then always a descent direction. `gdlearn.optim.Newton`
#    has this as its `damping` argument.
# 2. **Step length by line search.** Try the full step $\alpha = 1$ first and backtrack until the Armijo
#    condition of the {doc}`../part3/schedules_linesearch` chapter holds. Near the minimum the full step
#    passes, so quadratic convergence is kept.
#
# `gdlearn.optim.Newton` takes a fixed step length (`lr`), so we write the loop with a line search here, in a
# dozen lines, reusing `Newton` for the damped direction and `gdlearn.linesearch.backtracking` for the step.
# The loop counts its function, gradient and Hessian evaluations.


# %%
def damped_newton(obj, x0, gtol=1e-8, max_iter=200, margin=1e-3, verbose=False):
    """Newton with Hessian modification and Armijo backtracking: (x, path, counts)."""
    x, f, g = np.array(x0, dtype=float), obj.value(x0), obj.grad(x0)
    counts = {"iterations": 0, "f": 1, "g": 1, "H": 0}
    path = [x]
    while np.linalg.norm(g) > gtol and counts["iterations"] < max_iter:
        H = obj.hess(x)
        counts["H"] += 1
        lam_min = np.linalg.eigvalsh(H)[0]
        zeta = max(0.0, margin - lam_min)
        p = Newton(damping=zeta).step(x, g, H) - x  # -(H + zeta I)^{-1} g
        ls = backtracking(obj.value, x, g, direction=p, alpha0=1.0, fx=f)
        assert ls.success, "the line search found no acceptable step"
        counts["f"] += ls.n_evals
        if verbose:
            f_txt = f"{f:9.2e}" if f > 1e-8 else "   < 1e-9"
            print(
                f"{counts['iterations']:2d}   {x}   {f_txt}   {lam_min:9.3f}"
                f"   {zeta:7.3f}   {ls.alpha:.4f}"
            )
        x, f = ls.x_new, ls.f_new
        g = obj.grad(x)
        counts["g"] += 1
        counts["iterations"] += 1
        path.append(x)
    return x, np.array(path), counts


print(" k   x                    f(x)       λ_min(H)    damping   step α")
x_dn, path_dn, counts_dn = damped_newton(rosen, x_start, verbose=True)
print(
    f"converged to {x_dn} after {counts_dn['iterations']} iterations; "
    f"evaluations: {counts_dn}"
)
loss_dn = np.array([rosen.value(p) for p in path_dn])
assert np.allclose(x_dn, [1.0, 1.0], atol=1e-8) and np.all(np.diff(loss_dn) < 0)
assert loss_dn[-2] < 1e-9 and loss_dn[-3] > 1e-8

# %% [markdown]
# On this path the Hessian stayed positive definite, so the damping column is zero and all the repair was
# done by the line search. It refused the wild second step: it halved that step three times
# ($\alpha = 0.125$), and the loss went down, as it did at every iteration. Near the minimum the full step
# $\alpha = 1$ is accepted again, and the fast local convergence is back: the loss falls from $8 \cdot 10^{-5}$
# to $3 \cdot 10^{-7}$ to below $10^{-9}$ in the last three steps. On Himmelblau, damping turns the uphill direction at the origin into a downhill
# one:

# %%
x_hd, path_hd, counts_hd = damped_newton(himmel, np.array([0.0, 0.0]))
dist = min(np.linalg.norm(x_hd - m) for m in himmel.minima)
print(
    f"damped Newton from (0, 0): x = {x_hd}, f = {himmel.value(x_hd):.0f} "
    f"(a global minimum), {counts_hd['iterations']} iterations, "
    f"distance to the nearest minimum below 1e-8: {dist < 1e-8}"
)
assert dist < 1e-8

# %% [markdown]
# A fixed short step is the crudest form of damping: `Newton(lr=0.5)` takes half of every Newton step. It
# never lets the loss jump up on Rosenbrock, but near the minimum it also only halves the error per step:
# quadratic convergence is gone.

# %%
half = minimize(rosen, x_start, Newton(lr=0.5), max_steps=200, gtol=1e-8)
print(
    f"Newton lr=0.5: {half.status} after {half.n_steps} steps; loss never increased: "
    f"{bool(np.all(np.diff(half.history.loss) <= 0))}"
)
e_half = np.linalg.norm(half.history.x - 1.0, axis=1)
print(f"error ratio e_k+1/e_k over the last 5 steps: {e_half[-5:] / e_half[-6:-1]}")
assert half.converged and np.allclose(e_half[-5:] / e_half[-6:-1], 0.5, atol=0.01)

# %%
fig, ax = plt.subplots(figsize=(7, 5.5))
contour(rosen, ax=ax, xlim=(-2.0, 2.0), ylim=(-3.5, 3.0))
plot_path(
    ax,
    half.history.x,
    label=f"Newton with lr = 0.5 ({half.n_steps} steps)",
    color="C1",
    ls="--",
    marker=".",
    markersize=4,
)
plot_path(
    ax,
    path_dn,
    color="C0",
    ls="-",
    marker="o",
    markersize=4,
    label=f"Newton + damping + backtracking ({counts_dn['iterations']} steps)",
)
plot_path(
    ax,
    pure.history.x,
    label=f"pure Newton ({pure.n_steps} steps)",
    color="C3",
    ls=":",
    marker="s",
    markersize=4,
)
star_on_top(ax)
ax.set_title("Newton's method on Rosenbrock from (-1.2, 1)")
ax.set_xlabel(r"$\theta_1$")
ax.set_ylabel(r"$\theta_2$")
ax.legend(loc="upper left", framealpha=0.95)
plt.show()


# %% [markdown]
# *The figure shows Rosenbrock's curved valley as contour lines. Pure Newton (dotted line with squares)
# jumps from near the start far below the valley to about (0.76, -3.2) and back up to the minimum at
# (1, 1); the damped Newton with backtracking (solid line with circles) follows the valley floor around
# the bend to the minimum; Newton with a fixed half step (dashed line with small dots) takes a similar
# but more densely dotted route.*
#
# ## What a Newton step costs
#
# Fast convergence is only half the story. For a model with $n$ examples and $d$ parameters, say logistic
# regression, count the floating-point operations (a multiply and an add count as two):
#
# | piece | operations |
# | --- | --- |
# | gradient $X^\top(\sigma(X\theta) - y)/n$ | two matrix-vector products: $\approx 4nd$ |
# | Hessian $X^\top \operatorname{diag}\big(\sigma'(X\theta)\big) X / n$ | one matrix-matrix product: $\approx 2nd^2$ |
# | solve $H p = -g$ (LU, as `np.linalg.solve`) | $\approx \tfrac23 d^3$ |
#
# and the Hessian needs $d^2$ numbers of memory. A gradient step costs $O(nd)$; a Newton step
# $O(nd^2 + d^3)$. Whether Newton's few steps beat gradient descent's many depends on $d$. We measure the
# step counts, not the time (timings vary from machine to machine): synthetic logistic regressions
# (`gdlearn.data.make_logistic`) with $n = 500$ rows and $d = 10, 100, 1000$ features and an L2 penalty of
# 0.1, solved to $\|\nabla f\| \le 10^{-8}$ by gradient descent with rate $1/L$ and by pure Newton.
# A small wrapper counts Hessian evaluations.


# %%
class Counted:
    """Wrap a model and count its value, gradient and Hessian evaluations."""

    def __init__(self, model):
        self.model, self.n = model, {"f": 0, "g": 0, "H": 0}

    def value(self, w):
        self.n["f"] += 1
        return self.model.value(w)

    def grad(self, w):
        self.n["g"] += 1
        return self.model.grad(w)

    def hess(self, w):
        self.n["H"] += 1
        return self.model.hess(w)


def flops_gd(n, d, n_grad):
    return n_grad * 4 * n * d


def flops_newton(n, d, n_grad, n_hess):
    return n_grad * 4 * n * d + n_hess * (2 * n * d**2 + 2 * d**3 / 3)


rng = np.random.default_rng(SEED)
n_rows = 500
print(
    f"{'d':>5s} | {'GD grads':>8s} {'GD flops':>9s} | {'Newton grads':>12s}"
    f" {'Hessians':>8s} {'Newton flops':>12s}"
    f" | {'flops per step N/GD':>19s} | {'total N/GD':>10s}"
)
scaling = {}
for d in (10, 100, 1000):
    X, y, _ = make_logistic(n_rows, d, rng, scale=1 / np.sqrt(d))
    model = LogisticRegression(X, y, l2=0.1)
    gram = X @ X.T if n_rows < d else X.T @ X  # same largest eigenvalue, smaller matrix
    L = (
        np.linalg.eigvalsh(gram / n_rows)[-1] / 4 + 0.1
    )  # sigma' <= 1/4 bounds the curvature
    c_gd, c_nt = Counted(model), Counted(model)
    r_gd = minimize(
        c_gd,
        np.zeros(d),
        SGD(lr=1 / L),
        max_steps=20_000,
        gtol=1e-8,
        record_points=False,
    )
    r_nt = minimize(
        c_nt, np.zeros(d), Newton(), max_steps=50, gtol=1e-8, record_points=False
    )
    assert r_gd.converged and r_nt.converged and np.allclose(r_gd.x, r_nt.x, atol=1e-6)
    fg, fn = (
        flops_gd(n_rows, d, c_gd.n["g"]),
        flops_newton(n_rows, d, c_nt.n["g"], c_nt.n["H"]),
    )
    per_step = flops_newton(n_rows, d, 1, 1) / flops_gd(n_rows, d, 1)
    scaling[d] = (c_gd.n["g"], c_nt.n["g"], c_nt.n["H"], fg, fn)
    print(
        f"{d:5d} | {c_gd.n['g']:8d} {fg:9.1e} | {c_nt.n['g']:12d}"
        f" {c_nt.n['H']:8d} {fn:12.1e}"
        f" | {per_step:19.0f} | {fn / fg:10.2f}"
    )

n_bc, d_bc = X_bc.shape
k_newton = int(np.argmax(err < 1e-10))
fl_gd_bc = flops_gd(n_bc, d_bc, k_gd + 1)
fl_nt_bc = flops_newton(n_bc, d_bc, k_newton + 1, k_newton)
print(f"\nbreast cancer (n = {n_bc}, d = {d_bc}, L2 0.01), to an error below 1e-10:")
print(
    f"  GD (rate 8) about {round(k_gd, -1)} steps, {fl_gd_bc:.1e} flops;  "
    f"Newton {k_newton} steps, {fl_nt_bc:.1e} flops"
)
assert fl_nt_bc < fl_gd_bc
assert (
    all(scaling[d][4] > scaling[d][3] for d in scaling)
    and scaling[1000][4] > 10 * scaling[1000][3]
)


# %% [markdown]
# Newton's step count hardly moves with the dimension (three to five Hessians), while gradient descent
# needs more steps as $d$ grows (15, 43 and 182 gradient evaluations: with $n$ fixed, more features make the
# problem harder for it). But the price of a Newton step grows much faster: 6, 54 and 834 gradient steps' worth of
# operations. On these well-conditioned problems gradient descent needs fewer operations at every $d$, and the
# gap widens from a factor 1.3 at $d = 10$ to 23 at $d = 1000$. The balance tips the other way when the
# problem is badly conditioned and $d$ is small: on the breast-cancer regression ($d = 31$, a small penalty)
# Newton reaches an error of $10^{-10}$ with about half the operations of a well-tuned gradient descent.
#
# Memory makes the case against Newton for large models even stronger: the Hessian has $d^2$ entries, 8 MB
# for $d = 1000$ but 8 TB for a network with a million weights. That is why deep learning uses first-order
# methods, and why the methods in the next section avoid storing, or even computing, the Hessian.
#
# ## Quasi-Newton: BFGS
#
# Quasi-Newton methods keep most of Newton's speed without ever computing a Hessian. They maintain an
# approximation $\hat H_k \approx \nabla^2 f(\theta_k)$ (or, in practice, $M_k \approx \hat H_k^{-1}$) and update it after
# every step from gradients alone. The update is built around the **secant condition**. With the step
# $s_k = \theta_{k+1} - \theta_k$ and the change of gradient $u_k = g_{k+1} - g_k$, the true
# Hessian satisfies $\nabla^2 f\, s_k \approx u_k$ (a finite difference of the gradient along $s_k$). The new
# approximation is required to satisfy it exactly,
#
# $$
# \hat H_{k+1} s_k = u_k \qquad\Longleftrightarrow\qquad M_{k+1} u_k = s_k ,
# $$
#
# and, among all symmetric matrices that do, to be the closest to the previous one. For the inverse this gives
# the BFGS update (Broyden, Fletcher, Goldfarb and Shanno; {cite:t}`nocedal2006`, section 6.1), with
# $\omega_k = 1/(u_k^\top s_k)$ ({cite:t}`nocedal2006` write $y_k$, $\rho_k$, $B_k$ and $H_k$ for $u_k$,
# $\omega_k$, $\hat H_k$ and $M_k$; here $H$ is the Hessian, $y$ the targets, $\rho$ a rate and $B$ a batch size):
#
# $$
# \begin{aligned}
# M_{k+1} &= (I - \omega_k s_k u_k^\top)\, M_k\, (I - \omega_k u_k s_k^\top) \\
# &\quad + \omega_k s_k s_k^\top .
# \end{aligned}
# $$
#
# It costs $O(d^2)$ per step (no solve: $M_k$ multiplies the gradient directly), stays positive definite as
# long as $u_k^\top s_k > 0$ (which the Wolfe line search guarantees), and converges superlinearly. One
# update, checked:


# %%
def bfgs_update(M, s, u):
    """One BFGS update of the inverse-Hessian approximation M with the pair (s, u)."""
    omega = 1.0 / (u @ s)
    V = np.eye(len(s)) - omega * np.outer(s, u)
    return V @ M @ V.T + omega * np.outer(s, s)


x_a, x_b = x_start, x_start + np.array([0.01, -0.02])
s, u = x_b - x_a, rosen.grad(x_b) - rosen.grad(x_a)
M1 = bfgs_update(np.eye(2), s, u)
print(f"u.s = {u @ s:.3f} > 0;  M1 u = {M1 @ u},  s = {s}")
print(
    "M1 symmetric positive definite:",
    bool(np.allclose(M1, M1.T) and np.all(np.linalg.eigvalsh(M1) > 0)),
)
assert np.allclose(M1 @ u, s) and np.all(np.linalg.eigvalsh(M1) > 0)

# %% [markdown]
# ## Newton, BFGS and gradient descent side by side
#
# Finally we compare, on Rosenbrock from $(-1.2, 1)$ and on the breast-cancer logistic regression from
# zero: gradient descent with a tuned constant rate (from `gdlearn`), the damped Newton above, and SciPy's
# `BFGS` and `Newton-CG` (a Newton method that solves $H p = -g$ approximately by conjugate gradients,
# using Hessian-vector products). Each stops when the gradient norm is at most $10^{-6}$ (for `Newton-CG`,
# which has no gradient tolerance, when its steps become tiny). The columns count iterations and
# evaluations of $f$, $\nabla f$ and $\nabla^2 f$. For gradient descent, $f$ is not needed by the method, so
# we count it as 0.


# %%
def approx(n):
    """A count, to 3 significant figures from 1000 on (it depends on a tolerance)."""
    return f"{n:d}" if n < 1000 else f"~{round(n, -len(str(n)) + 3):,d}"


problems = {
    "Rosenbrock": (rosen, x_start, np.array([1.0, 1.0]), 2**-9),
    "logistic regression": (logreg, w0, w_star, 8.0),
}
print(
    f"{'problem':>19s}  {'method':>13s}  {'iterations':>10s}  {'f evals':>7s}"
    f"  {'g evals':>7s}  {'H evals':>7s}"
    f"  {'distance to x*':>14s}"
)
table = {}
for pname, (obj, start, x_min, lr) in problems.items():
    rows = {}
    gd = minimize(
        obj, start, SGD(lr=lr), max_steps=30_000, gtol=1e-6, record_points=False
    )
    rows["GD (gdlearn)"] = (gd.n_steps, 0, gd.n_grad_evals, 0, gd.x)
    x_n, _, cn = damped_newton(obj, start, gtol=1e-6)
    rows["damped Newton"] = (cn["iterations"], cn["f"], cn["g"], cn["H"], x_n)
    for method in ("BFGS", "Newton-CG"):
        extra = {"hess": obj.hess} if method == "Newton-CG" else {}
        options = {"gtol": 1e-6} if method == "BFGS" else {"xtol": 1e-8}
        sp = scipy_minimize(
            obj.value, start, jac=obj.grad, method=method, options=options, **extra
        )
        rows[method] = (sp.nit, sp.nfev, sp.njev, getattr(sp, "nhev", 0), sp.x)
    for mname, (it, nf, ng, nh, xf) in rows.items():
        dist_txt = (
            f"{np.linalg.norm(xf - x_min):14.1e}"
            if np.linalg.norm(xf - x_min) > 1e-7
            else "< 1e-7"
        )
        print(
            f"{pname:>19s}  {mname:>13s}  {approx(it):>10s}  {approx(nf):>7s}"
            f"  {approx(ng):>7s}  {nh:7d}"
            f"  {dist_txt:>14s}"
        )
        assert (
            np.linalg.norm(xf - x_min) < 1e-3
            and obj.value(xf) - obj.value(x_min) < 1e-8
        ), (pname, mname)
    table[pname] = rows
rb, lg = table["Rosenbrock"], table["logistic regression"]
assert (
    2**-9 < 2 / np.linalg.eigvalsh(rosen.hess(np.array([1.0, 1.0])))[-1] < 2**-8
)  # largest stable power of 2
assert (
    100 * rb["BFGS"][2] < rb["GD (gdlearn)"][2]
    and rb["damped Newton"][2] < rb["BFGS"][2] < 2 * rb["damped Newton"][2]
)
assert (
    lg["damped Newton"][0] < lg["Newton-CG"][0] < lg["BFGS"][0] < lg["GD (gdlearn)"][0]
)

# %% [markdown]
# Every method reaches the minimum; the costs differ by orders of magnitude. Gradient descent is hopeless in
# Rosenbrock's curved valley (about 16,400 iterations with the largest stable power-of-two rate, $2^{-9}$) and
# respectable on the logistic regression once its rate is tuned (98). The second-order methods need a
# handful to a few dozen iterations. BFGS computes no Hessian at all and still reaches Rosenbrock's minimum
# with 40 gradient evaluations, about 400 times fewer than gradient descent and fewer than twice the damped
# Newton's 22 (which also needed 21 Hessians). On the logistic regression, where Newton's method shines
# (7 iterations), BFGS needs 65: it has to build up its picture of a 31-dimensional curvature from gradient
# differences, one step at a time. It still beats the tuned gradient descent, and it had no rate to tune.
# Newton-CG trades exact solves for a few cheap Hessian-vector products per step, which is what makes Newton's
# idea usable when $d$ is large; here it needs 10 iterations on the logistic regression and 85 on Rosenbrock.
#
# ## Limited memory: L-BFGS
#
# BFGS still stores a dense $d \times d$ matrix $M_k$, which rules it out for the same models that rule
# out Newton. **L-BFGS** {cite:p}`liu1989` keeps only the last $h$ pairs $(s_i, u_i)$, typically
# $h = 5$ to $20$ (the memory, or history size: Nocedal and Wright's $m$, PyTorch's `history_size`), and never
# forms a matrix: it computes the product $M_k g_k$ directly from the pairs.
# Unrolling the BFGS update $h$ times, starting from a scaled identity
# $M^0_k = \gamma_k I$ with $\gamma_k = s_{k-1}^\top u_{k-1} / u_{k-1}^\top u_{k-1}$ (a guess of the
# inverse curvature along the last step), gives the **two-loop recursion**
# ({cite:t}`nocedal2006`, algorithm 7.4):
#
# $$
# \begin{aligned}
# &\hat g \leftarrow g_k; \\
# &\text{for } i = k-1, \dots, k-h: \\
# &\qquad a_i = \omega_i s_i^\top \hat g,\ \ \hat g \leftarrow \hat g - a_i u_i; \\
# &r \leftarrow \gamma_k \hat g; \\
# &\text{for } i = k-h, \dots, k-1: \\
# &\qquad a' = \omega_i u_i^\top r,\ \ r \leftarrow r + (a_i - a')\, s_i;
# \end{aligned}
# $$
#
# at the end $r = M_k g_k$, and the step is $-r$. It costs about $4hd$ operations and $2hd$ numbers of
# memory, linear in $d$ like a gradient step. We check the recursion against the explicit matrix, $h$
# BFGS updates of $\gamma_k I$ with `bfgs_update`, on random pairs in 6 dimensions:


# %%
def two_loop(g, pairs):
    """M g for the L-BFGS matrix M built from the (s, u) pairs, oldest first."""
    g_hat, a = g.copy(), []
    for s, u in reversed(pairs):
        a.append((s @ g_hat) / (u @ s))
        g_hat = g_hat - a[-1] * u
    s, u = pairs[-1]
    r = (s @ u) / (u @ u) * g_hat  # M^0 = gamma I
    for (s, u), a_i in zip(pairs, reversed(a), strict=True):
        r = r + s * (a_i - (u @ r) / (u @ s))
    return r


rng = np.random.default_rng(SEED)
pairs = []
for _ in range(4):
    A = rng.normal(size=(6, 6))
    s = rng.normal(size=6)
    pairs.append((s, (A @ A.T + np.eye(6)) @ s))  # u = (SPD matrix) s, so u.s > 0
g_test = rng.normal(size=6)
M = pairs[-1][0] @ pairs[-1][1] / (pairs[-1][1] @ pairs[-1][1]) * np.eye(6)
for s, u in pairs:
    M = bfgs_update(M, s, u)
rel = np.linalg.norm(two_loop(g_test, pairs) - M @ g_test) / np.linalg.norm(M @ g_test)
print(
    "two-loop recursion = 4 explicit BFGS updates, relative difference < 1e-12: "
    f"{rel < 1e-12}"
)
assert rel < 1e-12

# %% [markdown]
# The full method takes the direction $-M_k g_k$ and a step length from a line search that satisfies
# the Wolfe conditions of the {doc}`../part3/schedules_linesearch` chapter: they guarantee
# $u_k^\top s_k > 0$, so every $M_k$ stays positive definite. SciPy provides one
# (`scipy.optimize.line_search`). We run our L-BFGS with $h = 5$ against SciPy's `L-BFGS-B` (the
# Fortran code of Byrd, Lu, Nocedal and Zhu, with memory `maxcor=5`) on both problems of the table above,
# to a gradient norm of $10^{-6}$.


# %%
def lbfgs(obj, theta, history=5, gtol=1e-6, max_iter=1000):
    """L-BFGS keeping the last h = history pairs, with a Wolfe line search;
    returns (theta, counts)."""
    pairs, g = [], obj.grad(theta)
    n = {"iterations": 0, "f": 0, "g": 1}
    while np.linalg.norm(g) > gtol and n["iterations"] < max_iter:
        d = -two_loop(g, pairs) if pairs else -g / np.linalg.norm(g)
        alpha, n_f, n_g, *_ = line_search(obj.value, obj.grad, theta, d, gfk=g)
        assert alpha is not None, "the Wolfe line search failed"
        theta_new = theta + alpha * d
        g_new = obj.grad(theta_new)
        pairs = (pairs + [(theta_new - theta, g_new - g)])[-history:]  # the last h
        theta, g = theta_new, g_new
        n["iterations"] += 1
        n["f"] += n_f
        n["g"] += n_g + 1
    return theta, n


print(
    f"{'problem':>19s}  {'method':>16s}  {'iterations':>10s}  {'f evals':>7s}"
    f"  {'g evals':>7s}"
)
lbfgs_runs = {}
for pname, (obj, start, x_min, _) in problems.items():
    th, n = lbfgs(obj, start)
    sp = scipy_minimize(
        obj.value,
        start,
        jac=obj.grad,
        method="L-BFGS-B",
        options={"maxcor": 5, "gtol": 1e-6, "ftol": 0.0},
    )
    lbfgs_runs[pname] = (th, n, sp)
    print(
        f"{pname:>19s}  {'L-BFGS (ours)':>16s}  {n['iterations']:10d}  {n['f']:7d}"
        f"  {n['g']:7d}"
    )
    print(
        f"{pname:>19s}  {'SciPy L-BFGS-B':>16s}  {sp.nit:10d}  {sp.nfev:7d}"
        f"  {sp.njev:7d}"
    )
    for x_end in (th, sp.x):
        assert np.linalg.norm(x_end - x_min) < 1e-3
        assert obj.value(x_end) - obj.value(x_min) < 1e-9
print(
    "both reach the minimizer of both problems (distance < 1e-3, f - f* < 1e-9): True"
)

# %%
th_rb, n_rb, sp_rb = lbfgs_runs["Rosenbrock"]
assert n_rb["iterations"] < 2 * rb["BFGS"][0] and sp_rb.nit < 2 * rb["BFGS"][0]
assert lbfgs_runs["logistic regression"][1]["iterations"] < lg["BFGS"][0]

# %% [markdown]
# With five pairs in memory, L-BFGS needs about as many iterations as full BFGS on Rosenbrock (39 for
# ours, 39 for SciPy's, against 33), where $d = 2$ and five pairs hold more than the whole curvature, and
# far fewer on the logistic regression (25 and 22 against BFGS's 65), probably because the scaled start
# $\gamma_k I$ adapts to the curvature at every step, while BFGS's matrix carries its unscaled start, the
# identity, for many steps. Our loop spends more evaluations than SciPy's: it uses SciPy's general-purpose
# Wolfe line search, which often tries more than one point, and then computes the gradient at the
# accepted point once more. The directions come from the same two-loop recursion. L-BFGS is the standard choice for smooth, deterministic problems with many
# parameters ({cite:t}`nocedal2006`, chapter 7); it is what `torch.optim.LBFGS` implements.
#
# ## Key points
#
# - Newton's step minimizes the second-order Taylor model: solve $\nabla^2 f(\theta_k)\, p = -\nabla f(\theta_k)$.
#   It has no learning rate and is unaffected by rescaling or rotating the parameters.
# - On a quadratic one step is exact, whatever the condition number; near any minimum with a positive
#   definite Hessian, convergence is quadratic: the digits of accuracy double per step.
# - Pure Newton seeks any zero of the gradient. With an indefinite Hessian it can walk uphill to a maximum or
#   a saddle, and even with a positive definite one a full step can overshoot. Damping the Hessian and
#   backtracking on the step fix both and keep fast local convergence.
# - A Newton step costs $O(nd^2 + d^3)$ operations and $O(d^2)$ memory against $O(nd)$ for a gradient
#   step; with many parameters the few steps no longer pay for themselves.
# - Quasi-Newton methods like BFGS build a curvature estimate from gradient differences that satisfies the
#   secant condition $\hat H_{k+1} s_k = u_k$; they need only gradients and converge superlinearly.
# - L-BFGS keeps only the last $h$ pairs $(s_i, u_i)$ and applies the approximate inverse Hessian by the
#   two-loop recursion: $O(hd)$ time and memory per step, the quasi-Newton method for large $d$.
#
# ## Exercises
#
# ```{exercise} Newton in one dimension
# :label: ex-newton-1d
# Minimize $f(\theta) = \theta - \log \theta$ ($\theta > 0$, minimum at $\theta^\star = 1$) with Newton's method from
# $\theta_0 = 0.5$. Show that the step is $\theta_{k+1} = 2\theta_k - \theta_k^2$ and that the error
# $e_k = 1 - \theta_k$ satisfies $e_{k+1} = e_k^2$ exactly. What happens from $\theta_0 = 3$?
# ```
#
# ```{solution-start} ex-newton-1d
# :class: dropdown
# ```
#
# $f'(\theta) = 1 - 1/\theta$, $f''(\theta) = 1/\theta^2$, so
# $\theta_{k+1} = \theta_k - (1 - 1/\theta_k)\,\theta_k^2 = 2\theta_k - \theta_k^2$ and
# $1 - \theta_{k+1} = (1 - \theta_k)^2$. From $\theta_0 = 0.5$ the errors are $0.5, 0.25, 0.0625, \dots$. From
# $\theta_0 = 3$ the first step gives $\theta_1 = 6 - 9 = -3$, outside the domain: the model is only trustworthy close to
# the minimum.

# %%
x, errors = 0.5, []
for _ in range(6):
    errors.append(1 - x)
    x = x - (1 - 1 / x) * x**2
print("errors:", [f"{e:.3g}" for e in errors[:5]], "then below 1e-9")
assert all(
    np.isclose(b, a**2, rtol=1e-12, atol=1e-300)
    for a, b in zip(errors[:-1], errors[1:], strict=True)
)
assert 0 < errors[5] < 1e-9
x3 = 3.0 - (1 - 1 / 3.0) * 3.0**2
print(f"from x0 = 3: x1 = {x3:.1f}")
assert x3 < 0

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Affine invariance
# :label: ex-newton-affine
# Multiply the first feature of the breast-cancer data (column 1, after the intercept) by 1000, as if it had
# been recorded in other units, and drop the L2 penalty. Run 10 Newton steps on the rescaled problem and map
# the iterates back ($\theta'_1 \to 1000\,\theta'_1$). Do you get the same iterates as on the original problem? What
# happens to gradient descent with rate 8 (at most 200 steps)?
# ```
#
# ```{solution-start} ex-newton-affine
# :class: dropdown
# ```
#
# Multiplying feature 1 by 1000 is the change of variables $\theta_1 = 1000\,\theta'_1$: the weights $\theta'$ of
# the rescaled problem give the same predictions as $\theta$ on the original one. The L2 penalty is not invariant
# under this change (it would penalize $\theta'_1$ differently from $\theta_1$), so both problems here have no
# penalty.

# %%
X_scaled = X_bc.copy()
X_scaled[:, 1] *= 1000.0  # feature 1 in other units: theta'_1 = theta_1 / 1000
orig, scaled = LogisticRegression(X_bc, y_bc), LogisticRegression(X_scaled, y_bc)
p_orig = newton_by_hand(orig, w0, 10)
p_scaled = newton_by_hand(scaled, w0, 10)
p_back = p_scaled.copy()
p_back[:, 1] *= 1000.0
print(
    "Newton iterates equal after mapping back:",
    bool(np.allclose(p_back, p_orig, rtol=1e-6, atol=1e-8)),
)
gd_o = minimize(orig, w0, SGD(lr=8.0), max_steps=200, gtol=None)
gd_s = minimize(scaled, w0, SGD(lr=8.0), max_steps=200, gtol=None)
print(f"GD, original: loss {gd_o.fun:.3g} after {gd_o.n_steps} steps ({gd_o.status})")
print(
    f"GD, rescaled: {gd_s.status} after {gd_s.n_steps} step, "
    f"loss {gd_s.history.loss[0]:.3g} -> {gd_s.fun:.3g}"
)
print(f"  message: {gd_s.message}")

# %%
assert np.allclose(p_back, p_orig, rtol=1e-6, atol=1e-8)
assert gd_o.status == "max_steps" and gd_o.n_steps == 200
assert gd_s.status == "diverged" and gd_s.n_steps == 1
assert "rising-loss check" in gd_s.message
assert gd_s.fun > 1e5 * gd_o.fun and gd_s.fun_best == gd_s.history.loss[0]

# %% [markdown]
# Newton's iterates are the same after mapping back: the change of units is undone by the Hessian. Gradient
# descent with the rate that suits the original problem is thrown far out of the valley, because the rescaled
# feature has a curvature a million times larger: a single step lifts the loss from 0.693 to about
# $10^5$, and `minimize` stops the run as diverged (its rising-loss check), keeping the starting point as
# the best one in `x_best`. (Standardizing the features, as we do everywhere in this book, is the
# first-order method's substitute for affine invariance.)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Levenberg-style damping without eigenvalues
# :label: ex-newton-levenberg
# Computing $\lambda_{\min}(H)$ costs as much as a solve. Replace it with a fixed damping: run
# `gdlearn.optim.Newton(damping=ζ)` on Rosenbrock from $(-1.2, 1)$ for $\zeta = 1, 10, 100$ (step length 1,
# at most 1000 steps, $\|\nabla f\| \le 10^{-8}$). How does the number of steps change, and why?
# ```
#
# ```{solution-start} ex-newton-levenberg
# :class: dropdown
# ```

# %%
steps_by_zeta = {}
for zeta in (1.0, 10.0, 100.0):
    r = minimize(rosen, x_start, Newton(damping=zeta), max_steps=1000, gtol=1e-8)
    steps_by_zeta[zeta] = r.n_steps
    print(f"damping {zeta:5.0f}: {r.status} after {r.n_steps} steps, x = {r.x}")
assert steps_by_zeta[1.0] < steps_by_zeta[10.0] < steps_by_zeta[100.0]

# %% [markdown]
# A fixed $\zeta$ keeps every direction downhill where $H + \zeta I$ is positive definite, but it also
# shrinks the step in the flat directions of the Hessian (those with eigenvalues $\lambda \ll \zeta$ get the
# factor $\lambda/(\lambda+\zeta)$), all the way to the minimum. The larger $\zeta$, the more the method
# behaves like gradient descent with rate $1/\zeta$, and the more steps it needs: with $\zeta = 100$ it has not
# converged after 1000 steps. Adaptive damping,
# large far away and shrinking near the minimum, is the Levenberg-Marquardt idea.
#
# ```{solution-end}
# ```
#
# ## References
#
# Newton's method, its convergence theory, Hessian modification and BFGS are covered in chapters 3 and 6 of
# {cite:t}`nocedal2006` and section 9.5 of {cite:t}`boyd2004`; L-BFGS is from {cite:t}`liu1989` and
# chapter 7 of {cite:t}`nocedal2006`. The line search uses the condition of
# {cite:t}`armijo1966`. The test functions are {cite:t}`rosenbrock1960`'s valley and
# {cite:t}`himmelblau1972`'s function; the data are from {cite:t}`street1993`. Full entries are in the
# {doc}`../appendix/bibliography`.
