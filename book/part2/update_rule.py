# %% [markdown]
# # The update rule, the learning rate and when to stop
#
# Gradient descent is one line: $\theta \leftarrow \theta - \alpha \nabla f(\theta)$. This chapter takes that
# line apart. Where does it come from? Why does a learning rate that is a little too large make it explode,
# and exactly how large is too large? Which learning rate is best? And since the loop has to end somewhere,
# how do we decide that it is done? Every answer is derived on the simplest loss that shows the effect, a
# quadratic bowl, and then measured: the notebook prints the prediction next to what gradient descent
# actually does, and asserts that they agree.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - derive the update rule from a local model of the loss and show that it lowers the loss when $\alpha < 2/L$;
# - predict, on a quadratic, the factor $1 - \alpha\lambda$ by which each eigen-direction of the error shrinks
#   or grows, and from it the three regimes $\alpha < 2/L$, $\alpha = 2/L$ and $\alpha > 2/L$;
# - find the best constant learning rate $2/(L+\mu)$ and read a learning-rate sweep;
# - choose a stopping rule (gradient norm, loss change, parameter change, step budget) and know how each
#   one can fool you;
# - explain why standardizing the features changes which learning rates work.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, NullFormatter
from sklearn.datasets import load_diabetes

from gdlearn.data import add_bias, standardize
from gdlearn.loop import minimize
from gdlearn.models import LinearRegression
from gdlearn.objectives import Quadratic
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)


# %% [markdown]
# ## Where the update rule comes from
#
# We minimize an objective $f(\theta)$ over parameters $\theta \in \mathbb{R}^d$ (symbols as on the
# {doc}`../notation` page). Stand at a point $\theta$ where the loss has gradient $g = \nabla f(\theta)$. For
# a small step $\Delta$, Taylor's theorem says $f(\theta + \Delta) \approx f(\theta) + g^\top \Delta$: the loss
# changes, to first order, by the inner product of the gradient and the step. Among all steps of a given
# Euclidean length, $g^\top \Delta$ is most negative when $\Delta$ points along $-g$ (Cauchy–Schwarz), which is
# why $-g$ is called the direction of steepest descent {cite:p}`cauchy1847`.
#
# The first-order model alone cannot say *how far* to go: it is linear, so it keeps decreasing forever. Add a
# penalty for moving far from where the model is trustworthy,
#
# $$
# \Delta^\star = \arg\min_\Delta \Big( f(\theta) + g^\top \Delta + \frac{1}{2\alpha}\|\Delta\|^2 \Big),
# $$
#
# set the derivative $g + \Delta/\alpha$ to zero, and out comes $\Delta^\star = -\alpha g$: the gradient step
#
# $$
# \theta_{k+1} = \theta_k - \alpha\, g_k, \qquad g_k = \nabla f(\theta_k).
# $$
#
# The learning rate $\alpha$ is the inverse of the curvature the model *pretends* the loss has. If the true
# loss curves up no faster than $1/\alpha$, the model lies above the loss everywhere, and stepping to the
# model's minimum must lower the loss. That is a sufficient condition, not a necessary one: the descent lemma
# below shows that the step keeps lowering the loss for learning rates up to twice that size.
#
# ### The descent lemma
#
# Make "curves up no faster than" precise. A function is **$L$-smooth** when its gradient is $L$-Lipschitz,
# $\|\nabla f(\theta) - \nabla f(\theta')\| \le L\|\theta - \theta'\|$ for all $\theta, \theta'$. For a
# twice-differentiable $f$ this says that every eigenvalue
# $\lambda_i$ of the Hessian $H = \nabla^2 f(\theta)$ lies in $[-L, L]$ at every point: the loss may curve
# neither up nor down faster than $L$ (the Hessian, its eigenvalues and the second-order Taylor expansion are
# introduced in {ref}`dg-hessian` and {ref}`dg-taylor2`). The descent lemma needs only half of that, the upper side
# $\lambda_{\max}(\nabla^2 f(\theta)) \le L$ for all $\theta$: integrating the gradient along the segment
# from $\theta$ to $\theta + \Delta$ gives the quadratic upper bound
#
# $$
# f(\theta + \Delta) \le f(\theta) + g^\top \Delta + \frac{L}{2}\|\Delta\|^2 .
# $$
#
# For $\alpha \le 1/L$ the model of the previous section, with curvature $1/\alpha \ge L$, is such an upper
# bound. Now put in the gradient step $\Delta = -\alpha g$ for *any* $\alpha > 0$:
#
# $$
# f(\theta - \alpha g) \le f(\theta) - \alpha\Big(1 - \frac{\alpha L}{2}\Big)\|g\|^2 .
# $$
#
# The bracket is positive exactly when $0 < \alpha < 2/L$: then every step lowers the loss (unless $g = 0$),
# also for $1/L < \alpha < 2/L$, where the model overshoots the curvature but the step is still short enough.
# The guaranteed decrease $\alpha(1 - \alpha L/2)\|g\|^2$ is largest at $\alpha = 1/L$, where it is $\|g\|^2/(2L)$.
# So two numbers, $1/L$ and $2/L$, organise the whole chapter {cite:p}`nesterov2004,bottou2018`. (The first
# exercise at the end of the chapter derives the lemma step by step.)
#
# ### The rule in code
#
# Written from scratch the rule is three lines of numpy. `gdlearn`'s `SGD` optimizer with its defaults (no
# momentum, no weight decay) applies the same rule, and `minimize` runs the loop and records every point.
# They must produce the same iterates.

# %%
def gradient_descent(grad, x0, lr, n_steps):
    """Plain gradient descent; returns all iterates, x_0 first."""
    xs = [np.asarray(x0, dtype=float)]
    for _ in range(n_steps):
        xs.append(xs[-1] - lr * grad(xs[-1]))
    return np.array(xs)


bowl = Quadratic([1.0, 4.0], rotation=np.pi / 6)
x0 = np.array([0.6, 1.3])
ours = gradient_descent(bowl.grad, x0, lr=0.3, n_steps=20)
theirs = minimize(bowl, x0, SGD(lr=0.3), max_steps=20).history.x
print("iterates shape:", ours.shape, "  same as gdlearn:", np.allclose(ours, theirs))
assert np.allclose(ours, theirs)

# %% [markdown]
# ## One eigen-direction at a time
#
# On a quadratic $f(\theta) = \tfrac12 (\theta - \theta^\star)^\top A (\theta - \theta^\star)$ with symmetric positive definite $A$,
# everything can be computed exactly. The gradient is $A(\theta - \theta^\star)$, so the error $e_k = \theta_k - \theta^\star$
# obeys
#
# $$
# e_{k+1} = e_k - \alpha A e_k = (I - \alpha A)\, e_k .
# $$
#
# The Hessian of this $f$ is $A$ at every point. Write its eigen-decomposition (see the primer
# {ref}`dg-eigen`) $A = Q \Lambda Q^\top$, $\Lambda = \operatorname{diag}(\lambda_1, \dots, \lambda_d)$, and expand
# the error in the eigenvectors $q_i$ (the columns of $Q$), $e_k = \sum_i \xi_{k,i}\, q_i$ with
# $\xi_{k,i} = q_i^\top e_k$. Because $(I - \alpha A) q_i = (1 - \alpha\lambda_i) q_i$, each coordinate evolves
# on its own:
#
# $$
# \begin{aligned}
# \xi_{k+1,i} &= (1 - \alpha\lambda_i)\, \xi_{k,i}, \\
# \xi_{k,i} &= (1 - \alpha\lambda_i)^k\, \xi_{0,i}.
# \end{aligned}
# $$
#
# The error shrinks along $q_i$ if and only if $|1 - \alpha\lambda_i| < 1$, i.e. $0 < \alpha < 2/\lambda_i$.
# The largest eigenvalue $L = \lambda_{\max}$ (which is the smoothness constant of this $f$) sets the tightest
# limit, so gradient descent converges from every starting point exactly when $\alpha < 2/L$. At
# $\alpha = 2/L$ the multiplier along the top eigenvector is $1 - 2 = -1$: that coordinate flips sign every
# step and keeps its size forever. Above $2/L$ it grows geometrically.
#
# Here is the bowl from above, with eigenvalues 1 and 4 (so $L = 4$ and $2/L = 0.5$), run with three learning
# rates: 10 % below $2/L$, exactly $2/L$, and 10 % above. We project the measured errors onto the
# eigenvectors and divide consecutive coordinates.

# %%
lam, Q = np.linalg.eigh(bowl.A)     # eigenvalues ascending, eigenvectors as columns
x_star = bowl.minima[0]
L, mu = bowl.L, bowl.mu
rates = {"0.9 * 2/L": 0.9 * 2 / L, "2/L": 2 / L, "1.1 * 2/L": 1.1 * 2 / L}
n_steps = 20
coords = {}
for name, a in rates.items():
    res = minimize(bowl, x0, SGD(lr=a), max_steps=n_steps)
    coords[name] = (res.history.x - x_star) @ Q     # row k holds xi_{k,1}, xi_{k,2}

print(f"L = {L:g}, mu = {mu:g}, 2/L = {2 / L:g}")
print(f"{'alpha':>10} {'lambda':>7} {'predicted 1 - alpha*lambda':>27} "
      f"{'measured xi_(k+1)/xi_k':>23}")
for name, a in rates.items():
    ratios = coords[name][1:] / coords[name][:-1]
    for i in range(2):
        predicted = 1 - a * lam[i]
        print(f"{name:>10} {lam[i]:7.1f} {predicted:27.4f} "
              f"{np.mean(ratios[:, i]):23.4f}")

# %%
assert np.all(np.abs(coords["2/L"][0]) > 0.1)   # x_0 has a component along both
for name, a in rates.items():
    ratios = coords[name][1:] / coords[name][:-1]
    assert np.allclose(ratios, 1 - a * lam, rtol=1e-6)

# %% [markdown]
# The measured ratio is the predicted multiplier at every one of the 20 steps, to six digits (the assert
# checks all of them).
# At $\alpha = 2/L$ the top coordinate keeps its magnitude exactly:

# %%
top = coords["2/L"][:, 1]
print("top coordinate at alpha = 2/L, first 6 steps:", top[:6])
print(f"|xi_k| at k = 0 and k = {n_steps}: {abs(top[0]):.6f}, {abs(top[-1]):.6f}")
assert np.allclose(np.abs(top), abs(top[0]))
assert np.all(np.sign(top[1:]) == -np.sign(top[:-1]))

# %%
fig, axes = plt.subplots(2, 2, figsize=(7.5, 8))
g1, g2 = np.meshgrid(np.linspace(-3, 3, 200), np.linspace(-3, 3, 200))
levels = np.geomspace(0.05, 20, 10)
k = np.arange(n_steps + 1)
styles = [("C0", "o", "-"), ("C1", "s", "--"), ("C3", "^", ":")]
ax4 = axes[1, 1]
for ax, (name, a), (color, marker, ls) in zip(axes.flat[:3], rates.items(), styles,
                                                strict=True):
    ax.contour(g1, g2, bowl.value(np.stack([g1, g2])), levels=levels, colors="0.6",
               linewidths=0.8)
    path = x_star + coords[name][:11] @ Q.T
    ax.plot(path[:, 0], path[:, 1], marker=marker, ls="-", ms=5, lw=1.5, color=color,
            label="first 10 steps")
    ax.plot(*x_star, "k*", ms=12, label="minimum")
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.set_title(rf"$\alpha$ = {name}")
    ax4.semilogy(k, np.abs(coords[name][:, 1]), marker, ms=5, color=color,
                 label=rf"$\alpha$ = {name}")
    ax4.semilogy(k, np.abs(1 - a * L) ** k * abs(coords[name][0, 1]), ls=ls,
                 color=color, lw=1.2)
axes[0, 0].legend(loc="lower right", fontsize=10)
ax4.set_xlabel("step k")
ax4.set_ylabel("|error along top eigenvector|")
ax4.set_title("Measured (marks), predicted (lines)")
ax4.legend(fontsize=10)
plt.show()

# %% [markdown]
# *The figure shows three contour maps of the same tilted elliptical bowl, each with the first ten steps of
# gradient descent: below 2/L (circles) the path zig-zags into the minimum, at 2/L (squares) it ends up
# bouncing between two opposite points, and above 2/L (triangles) it bounces ever further out. The fourth
# panel shows the size of the error along the steep eigen-direction on a log scale: a falling solid line, a
# flat dashed line and a rising dotted line, with the measured marks exactly on the predicted lines.*
#
# The error along the *flat* direction is not the problem: with $\lambda = 1$ all three rates shrink it. The
# steep direction alone decides between convergence and divergence. `minimize` notices divergence with three
# checks, in this order: a loss or gradient that is no longer finite (the new point is rejected); a loss above
# $10^{12}\max(1, |f_0|)$, the blow-up check; and a loss that has risen more than $10^{3}\max(1, |f_0|)$ above
# its start $f_0$ and sets a new high, the rising-loss check. The last two accept the point and then stop.
# `Result.message` names the check, `Result.x` is the last accepted point and `Result.x_best` the best one.
# On this bowl the rising-loss check fires first, and the step at which it fires is predictable, because
# the loss along the top direction grows by the factor $(1-\alpha L)^2 = 1.44$ per step while the flat part
# shrinks: it is the first $k$ with $\tfrac{L}{2} \xi_{0,\text{top}}^2 \cdot 1.44^k > f_0 + 10^3\max(1, f_0)$.

# %%
too_big = 1.1 * 2 / L
res = minimize(bowl, x0, SGD(lr=too_big), max_steps=1000)
xi_top = coords["2/L"][0, 1]
f0 = bowl.value(x0)
growth = np.log((1 - too_big * L) ** 2)
rising = f0 + 1e3 * max(1.0, f0)                # rising-loss threshold
predicted = np.log(rising / (0.5 * L * xi_top**2)) / growth
blowup = np.log(1e12 * max(1.0, f0) / (0.5 * L * xi_top**2)) / growth
checks = ("non-finite check", "blow-up check", "rising-loss check")
check = next(name for name in checks if name in res.message)
print(f"alpha = 1.1 * 2/L: status {res.status!r} at step {res.n_steps} by the {check} "
      f"(predicted: first step after {predicted:.1f})")
print(f"the blow-up check would have fired only after step {blowup:.1f}")
assert res.status == "diverged" and check == "rising-loss check"
# predicted is clear of an integer, so the crossing step holds on every machine
assert res.n_steps == np.ceil(predicted) and 0.02 < predicted % 1 < 0.98
assert blowup > predicted

res = minimize(bowl, x0, SGD(lr=2 / L), max_steps=1000)
print(f"alpha = 2/L:       status {res.status!r}, final loss {res.fun:.6f}, "
      f"predicted L/2 * xi_top^2 = {0.5 * L * xi_top**2:.6f}")
assert res.status == "max_steps" and np.isclose(res.fun, 0.5 * L * xi_top**2)

# %% [markdown]
# The rising-loss check fires at step 21, the first whole step after the predicted 20.1, long before the
# loss would pass the blow-up threshold (after step 76.9).
#
# At $\alpha = 2/L$ the flat component dies out and the loss freezes at $\tfrac{L}{2} \xi_{0,\text{top}}^2$: the
# run never converges and never blows up, it just bounces.
#
# ## The best constant learning rate
#
# With $d$ eigen-directions the slowest one decides how fast the whole error shrinks:
#
# $$
# \begin{aligned}
# \|e_k\| &\le \rho(\alpha)^k \|e_0\|, \\
# \rho(\alpha) &= \max_i |1 - \alpha\lambda_i| \\
# &= \max\big(|1 - \alpha\mu|,\; |1 - \alpha L|\big),
# \end{aligned}
# $$
#
# where $\mu = \lambda_{\min}$. (The maximum of $|1 - \alpha\lambda|$ over $\lambda \in [\mu, L]$ sits at an end
# of the interval.) As $\alpha$ grows from 0, $|1 - \alpha\mu|$ falls and $|1 - \alpha L|$ first falls, then,
# past $\alpha = 1/L$, rises. The maximum of the two is smallest where they are equal,
# $1 - \alpha\mu = \alpha L - 1$, that is at
#
# $$
# \begin{aligned}
# \alpha^\star &= \frac{2}{L + \mu}, \\
# \rho(\alpha^\star) &= \frac{L - \mu}{L + \mu} = \frac{\kappa - 1}{\kappa + 1},
# \qquad \kappa = \frac{L}{\mu}.
# \end{aligned}
# $$
#
# The best step sits just below the cliff at $2/L$ (for large $\kappa$, $\alpha^\star \approx 2/L$), and each
# decimal digit of accuracy (shrinking the error tenfold) takes about $\ln 10 / (-\ln\rho)$ steps.
# The next chapter, {doc}`convergence_rates`, turns these numbers into convergence rates.
#
# A learning-rate sweep shows all of it at once. We take a three-dimensional bowl with condition number
# $\kappa = 10$ and a random orientation, start one unit away from the minimum along each eigenvector (so both
# extreme directions matter, the case $2/(L+\mu)$ is designed for), and for each learning rate count the steps
# until the error is $10^{-4}$ of its starting size (a callback stops the run). Alongside we compute the exact
# prediction
# $\min\{k : \|\sum_i \xi_{0,i}(1-\alpha\lambda_i)^k q_i\| \le 10^{-4}\|e_0\|\}$.

# %%
f3 = Quadratic.with_condition(10.0, dim=3, rng=rng)
lam3, Q3 = np.linalg.eigh(f3.A)
x0_3 = f3.minima[0] + Q3 @ np.ones(3)          # one unit along each eigenvector
xi0 = Q3.T @ (x0_3 - f3.minima[0])
L3, mu3 = f3.L, f3.mu
a_best = 2 / (L3 + mu3)
tol, max_steps = 1e-4, 1500
e0 = np.linalg.norm(xi0)


def steps_to_tol(lr):
    """Steps of gdlearn's gradient descent until ||x - x*|| <= tol * ||x0 - x*||,
    or None."""
    def close_enough(k, x, loss, grad):
        return np.linalg.norm(x - f3.minima[0]) <= tol * e0
    res = minimize(f3, x0_3, SGD(lr=lr), max_steps=max_steps, callback=close_enough,
                   gtol=None, record_points=False)
    return res.n_steps if res.status == "callback" else None


def predicted_steps(lr):
    """First k with ||sum_i xi_0i (1 - lr*lambda_i)^k q_i|| <= tol * ||e_0||,
    from the eigen-decomposition."""
    k = np.arange(max_steps + 1)[:, None]
    with np.errstate(over="ignore"):
        norms = np.linalg.norm(xi0 * (1 - lr * lam3) ** k, axis=1)
    hits = np.nonzero(norms <= tol * e0)[0]
    return int(hits[0]) if hits.size else None


sweep = np.sort(np.append(np.geomspace(0.2, 2.4, 29) / L3, a_best))
measured = [steps_to_tol(a) for a in sweep]
exact = [predicted_steps(a) for a in sweep]
best = min(m for m in measured if m is not None)
at_best = measured[list(sweep).index(a_best)]
beyond_cliff = [m for a, m in zip(sweep, measured, strict=True) if a >= 2 / L3]
print(f"L = {L3:.4g}, mu = {mu3:.4g}; 1/L = {1 / L3:.4f}, "
      f"2/(L+mu) = {a_best:.4f}, 2/L = {2 / L3:.4f}")
print(f"steps at 2/(L+mu): {at_best}, fewest in the sweep: {best}")
print(f"steps at 1/L (rate 1 - 1/kappa): {steps_to_tol(1 / L3)}")
print(f"runs with alpha >= 2/L: {len(beyond_cliff)}, "
      f"converged: {sum(m is not None for m in beyond_cliff)}")

# %%
assert measured == exact
assert at_best == best
assert beyond_cliff and all(m is None for m in beyond_cliff)

# %% [markdown]
# Measured and predicted counts agree at every learning rate of the sweep (the `assert measured == exact`
# checks all 30), the fewest steps are taken at $2/(L+\mu)$, and nothing at or above $2/L$ converges. (The
# best step is best for the *worst* start. A start with little weight along the flat direction needs less
# progress there, and a slightly larger step can then win.)

# %%
fig, ax = plt.subplots(figsize=(7, 4.3))
ok = np.array([m is not None for m in measured])
ax.loglog(sweep[ok], np.array(measured)[ok], "o", color="C0",
          label="measured steps (gdlearn)")
fine = np.geomspace(sweep[0], 0.9995 * 2 / L3, 400)
rho_fine = np.maximum(np.abs(1 - fine * mu3), np.abs(1 - fine * L3))
ax.loglog(fine, np.log(1 / tol) / -np.log(rho_fine), "-", color="C0", lw=1,
          label=r"rule of thumb $\ln(10^4)/(-\ln\rho(\alpha))$")
for a, style, text in [(1 / L3, ":", "1/L"), (a_best, "--", "2/(L+μ)"),
                       (2 / L3, "-", "2/L")]:
    ax.axvline(a, color="C3", ls=style, lw=1.5, label=f"α = {text}")
ax.axvspan(2 / L3, sweep[-1] * 1.05, color="C3", alpha=0.12, label="diverges (α > 2/L)")
ax.set_ylim(30, 1000)
ax.set_xticks([0.02, 0.05, 0.1, 0.2])
ax.set_yticks([30, 100, 300, 1000])
for axis in (ax.xaxis, ax.yaxis):
    axis.set_major_formatter(FormatStrFormatter("%g"))
    axis.set_minor_formatter(NullFormatter())
ax.set_xlabel("learning rate α (log scale)")
ax.set_ylabel("steps to shrink the error 10⁴-fold (log scale)")
ax.set_title("Learning-rate sweep on a bowl with κ = 10")
ax.legend(fontsize=10, loc="lower left")
plt.show()

# %% [markdown]
# *The figure shows the number of steps needed against the learning rate, both on log scales. The measured
# dots follow a falling line from about 430 steps at the smallest rate down to a minimum of 45 at the dashed
# line $2/(L+\mu)$; the rule-of-thumb curve then shoots up towards the solid line $2/L$, and there are no dots
# in the shaded region beyond it, where gradient descent diverges.*
#
# Two lessons carry over to problems where nobody knows $L$. First, the curve is asymmetric: a rate that is
# too small costs steps in proportion, a rate that is a little too large costs everything. Second, the best
# rate lives close to the edge. Practical sweeps therefore try rates on a log grid (…, 0.01, 0.03, 0.1, 0.3,
# …) and back off from the largest one that does not diverge {cite:p}`bottou2018`.
#
# ## When to stop
#
# Gradient descent approaches the minimum but does not land on it, so the loop needs a rule to end.
# `minimize` offers three common ones, and a callback adds a fourth:
#
# - **gradient norm**: stop when $\|\nabla f(\theta_k)\| \le \texttt{gtol}$; at a minimum the gradient is zero;
# - **loss change**: stop when $|f(\theta_k) - f(\theta_{k-1})| \le \texttt{ftol}\cdot\max(1, |f(\theta_k)|)$;
#   progress has stalled;
# - **parameter change**: stop when $\|\theta_k - \theta_{k-1}\| \le \texttt{xtol}$; the iterates have
#   stopped moving;
# - **step budget**: stop after `max_steps` updates, whatever happened.
#
# The gradient-norm rule is on by default: `gtol=1e-5` (`DEFAULT_GTOL`, the value scipy's BFGS uses),
# checked at $\theta_0$ too; `gtol=None` switches it off, which is what a run of a fixed length needs. Below
# we switch it off for the other three rules, so that each one acts alone.
#
# We compare them on one problem: a bowl with eigenvalues 1 and 100 ($\kappa = 100$), rate $1/L$. For
# gradient descent $\theta_k - \theta_{k-1} = -\alpha g_{k-1}$, so we give the parameter-change rule the
# tolerance $\texttt{xtol} = \alpha\cdot\texttt{gtol}$ that matches the gradient rule. The minimum is known,
# so we can print how far from it each rule left us.

# %%
f_stop = Quadratic([1.0, 100.0], rotation=np.pi / 5)
x0_stop = np.array([3.0, -2.0])
x_star_stop = f_stop.minima[0]
gtol, ftol, budget = 1e-3, 1e-6, 300
lr_stop = 1 / f_stop.L


def parameter_change(xtol):
    """A callback for minimize: stop once ||theta_k - theta_(k-1)|| <= xtol."""
    previous = {}

    def small_step(k, x, loss, grad):
        last = previous.get("x")
        previous["x"] = np.copy(x)
        return last is not None and np.linalg.norm(x - last) <= xtol
    return small_step


rules = {
    "gradient norm": dict(gtol=gtol, max_steps=100_000),
    "loss change": dict(ftol=ftol, gtol=None, max_steps=100_000),
    "parameter change": dict(callback=parameter_change(lr_stop * gtol), gtol=None,
                             max_steps=100_000),
    "step budget": dict(max_steps=budget, gtol=None),
}
stops = {}
print(f"{'rule':>16} {'status':>10} {'steps':>6} {'f - f*':>10} {'|θ - θ*|':>10} "
      f"{'|grad|':>10}")
for name, kw in rules.items():
    r = minimize(f_stop, x0_stop, SGD(lr=lr_stop), record_points=False, **kw)
    stops[name] = r
    err = np.linalg.norm(r.x - x_star_stop)
    print(f"{name:>16} {r.status:>10} {r.n_steps:6d} {r.fun:10.2e} {err:10.2e} "
          f"{r.history.grad_norm[-1]:10.2e}")

# %% [markdown]
# The numbers differ, and each rule's result can be explained. The parameter-change rule, given
# $\texttt{xtol} = \alpha\cdot\texttt{gtol}$, is the gradient rule one step late: it sees
# $\alpha\|g_{k-1}\|$, the previous gradient, and so stops one step after it.
#
# **Gradient norm.** For a $\mu$-strongly convex function (here $\mu = 1$) the gradient bounds the error:
# $\|\theta - \theta^\star\| \le \|\nabla f(\theta)\|/\mu$ and $f(\theta) - f^\star \le \|\nabla f(\theta)\|^2/(2\mu)$. So `gtol` is a
# certificate, *provided you know $\mu$*:

# %%
r = stops["gradient norm"]
g_end = r.history.grad_norm[-1]
err_ratio = np.linalg.norm(r.x - x_star_stop) / (g_end / f_stop.mu)
gap_ratio = r.fun / (g_end**2 / (2 * f_stop.mu))
print(f"|θ - θ*| / (|g|/mu)        = {err_ratio:.6f}")
print(f"(f - f*) / (|g|^2/(2 mu))  = {gap_ratio:.6f}")
assert err_ratio <= 1 + 1e-9 and gap_ratio <= 1 + 1e-9
assert err_ratio > 1 - 1e-9 and gap_ratio > 1 - 1e-9

# %% [markdown]
# Both ratios are 1: the bounds hold with equality (to rounding): when the rule fires only the flat direction is left, and
# along the eigenvector of $\mu$ the gradient is exactly $\mu$ times the error. The certificate is tight.

# %% [markdown]
# **Loss change.** Near the end only the slow direction is left, and each step removes the fraction
# $1 - (1 - 1/\kappa)^2 \approx 2/\kappa$ of the remaining gap. A loss change of `ftol` therefore means a
# remaining gap of about $\kappa/2$ times `ftol`: the worse the conditioning, the more the rule understates
# what is left.

# %%
r = stops["loss change"]
shrink = 1 - (1 - 1 / f_stop.kappa) ** 2
print(f"gap left / ftol = {r.fun / ftol:.1f};  "
      f"predicted at most 1/(rho^-2 - 1) = {(1 - shrink) / shrink:.1f}  "
      f"(kappa/2 = {f_stop.kappa / 2:.0f})")
assert 0.9 * (1 - shrink) / shrink <= r.fun / ftol <= (1 - shrink) / shrink

# %% [markdown]
# **Step budget.** It always stops, which is why every real loop has one, but its status says only
# `max_steps`: it carries no information about how close the point is. Use it as a safety net next to one of
# the other two rules, never as the only rule.
#
# ### How each rule can fool you
#
# *A flat stretch fools the loss-change rule.* Take the double well $f(\theta) = (\theta^2 - 1)^2$, whose minima are
# $\theta = \pm 1$ with $f = 0$, and start at $\theta_0 = 0.001$, near the top of the hump where the landscape is almost
# flat. The first step changes the loss by less than $10^{-6}$, so a loss-change rule with that tolerance
# declares victory at $f \approx 1$. The gradient-norm rule sees a gradient of about $0.004$ and walks on.

# %%
well = (lambda x: float((x[0] ** 2 - 1) ** 2), lambda x: 4 * x * (x**2 - 1))
x0_well = np.array([1e-3])
by_ftol = minimize(well, x0_well, SGD(lr=0.05), ftol=1e-6, max_steps=10_000)
by_gtol = minimize(well, x0_well, SGD(lr=0.05), gtol=1e-6, max_steps=10_000)
for name, r in [("loss change, ftol=1e-6", by_ftol),
                ("gradient norm, gtol=1e-6", by_gtol)]:
    print(f"{name:>25}: {r.status} after {r.n_steps:3d} steps at θ = {r.x[0]:.4f}, "
          f"f = {r.fun:.4f}")
assert by_ftol.n_steps == 1 and by_ftol.fun > 0.99
assert abs(abs(by_gtol.x[0]) - 1) < 1e-6

# %% [markdown]
# *A flat direction fools the gradient-norm rule.* The certificate $\|\theta - \theta^\star\| \le \|g\|/\mu$ is only as good
# as $\mu$ is large. On a bowl with eigenvalues $10^{-3}$ and $1$, a gradient norm of $10^{-2}$ still allows an
# error of $10$, and that is what we get after a single step:

# %%
flat = Quadratic([1e-3, 1.0])
r = minimize(flat, np.array([10.0, 10.0]), SGD(lr=1 / flat.L), gtol=1e-2,
             max_steps=10_000)
print(f"gtol=1e-2: {r.status} after {r.n_steps} step(s), "
      f"|grad| = {r.history.grad_norm[-1]:.4f}, |θ - θ*| = {np.linalg.norm(r.x):.3f}")
assert r.converged and r.n_steps == 1 and np.linalg.norm(r.x) > 9

# %% [markdown]
# *A step budget fools whoever reads only the loss curve.* A budget of 300 steps on the same flat bowl ends
# with status `max_steps` and a loss more than a thousand times below its start, yet the flat coordinate is
# still at about 7.4 of its original 10: the loss is small because the steep direction is solved, while the
# flat direction, where the answer is, is far from done.

# %%
r = minimize(flat, np.array([10.0, 10.0]), SGD(lr=1 / flat.L), max_steps=300,
             gtol=None)
j0 = flat.value([10.0, 10.0])
print(f"budget 300: {r.status}, f = {r.fun:.4f} (f0 = {j0:.2f}), "
      f"|θ - θ*| = {np.linalg.norm(r.x):.3f}")
assert r.status == "max_steps" and r.fun < 1e-3 * j0 and np.linalg.norm(r.x) > 7

# %% [markdown]
# *A small learning rate fools the parameter-change rule.* A short step $\|\theta_k - \theta_{k-1}\|$ means a
# small gradient only in units of $\alpha$: the step is $\alpha\|g_{k-1}\|$, so the rule is the gradient rule
# with $\texttt{gtol} = \texttt{xtol}/\alpha$. Run the same bowl with a learning rate a thousand times
# smaller, $\alpha = 10^{-3}/L$, and the same `xtol`: the rule now accepts a gradient a thousand times
# larger, and it fires while the iterate is still far from the minimum. A tiny step is not a small gradient.

# %%
xtol = lr_stop * gtol
slow = minimize(f_stop, x0_stop, SGD(lr=1e-3 * lr_stop), max_steps=100_000,
                callback=parameter_change(xtol), gtol=None, record_points=False)
print(f"alpha = 1e-3/L, xtol = {xtol:.0e}: {slow.status} after about "
      f"{round(slow.n_steps, -3):,} steps, |grad| = {slow.history.grad_norm[-1]:.2f}, "
      f"|θ - θ*| = {np.linalg.norm(slow.x - x_star_stop):.2f}")
print(f"the same xtol at alpha = 1/L stopped at |grad| = "
      f"{stops['parameter change'].history.grad_norm[-1]:.1e}")
assert slow.status == "callback" and slow.history.grad_norm[-1] > 0.5
assert np.linalg.norm(slow.x - x_star_stop) > 100 * gtol

# %% [markdown]
# A sound recipe combines them: a gradient tolerance *relative* to the starting gradient (see the exercises),
# a loss-change tolerance as a second opinion, and a step budget as the safety net; and where possible a
# check that does not depend on the optimizer at all, such as the loss on held-out data
# {cite:p}`nocedal2006`.
#
# ## Feature scaling decides which learning rates work
#
# For least squares $f(\theta) = \frac{1}{2n}\|X\theta - y\|^2$ the Hessian is $X^\top X / n$, so $L$ is its largest
# eigenvalue and depends directly on the size of the features. The diabetes data {cite:p}`efron2004` in its
# original units has columns such as total cholesterol (`s1`, around 190) next to a sex indicator (1 or 2).
# We fit a linear model with an intercept column on the raw features and on standardized ones
# (each column shifted to mean 0 and scaled to standard deviation 1), and compute $L$, $\mu$ and the largest
# stable learning rate $2/L$ for both.

# %%
diabetes = load_diabetes(scaled=False)
y = diabetes.target
X_std, _, _ = standardize(diabetes.data)
problems = {"raw": LinearRegression(add_bias(diabetes.data), y),
            "standardized": LinearRegression(add_bias(X_std), y)}
w0 = np.zeros(11)
info = {}
print(f"{'features':>13} {'L':>10} {'mu':>10} {'kappa':>10} "
      f"{'largest stable alpha 2/L':>25}")
for name, model in problems.items():
    eig = np.linalg.eigvalsh(model.hess())
    info[name] = (eig[-1], eig[0])
    print(f"{name:>13} {eig[-1]:10.4g} {eig[0]:10.4g} {eig[-1] / eig[0]:10.3g} "
          f"{2 / eig[-1]:25.4g}")

# %% [markdown]
# The raw features put $L$ in the tens of thousands, so the learning rate must be tiny; standardizing brings
# $L$ down to about 4 and the largest stable rate up to about one half. The boundary is sharp in both cases:
# 5 % below $2/L$ runs its 400 steps, 5 % above diverges (the rising-loss check fires once the loss has risen
# more than a thousand times its starting value, here after a few dozen steps). And a rate that is perfectly
# good for the standardized problem destroys the raw one in a single step.

# %%
for name, model in problems.items():
    L_m = info[name][0]
    below = minimize(model, w0, SGD(lr=0.95 * 2 / L_m), max_steps=400, gtol=None,
                     record_points=False)
    above = minimize(model, w0, SGD(lr=1.05 * 2 / L_m), max_steps=400,
                     record_points=False)
    print(f"{name:>13}: alpha = 0.95*2/L -> {below.status}, "
          f"alpha = 1.05*2/L -> {above.status} (at step {above.n_steps})")
    assert below.status == "max_steps" and above.status == "diverged"
    assert "rising-loss check" in above.message
    # the step is clear of the threshold by a margin, so it holds on every machine
    f0_m, loss = model.value(w0), above.history.loss
    threshold = f0_m + 1e3 * max(1.0, f0_m)
    assert loss[-2] < 0.98 * threshold and loss[-1] > 1.02 * threshold
alpha_std = 1 / info["standardized"][0]
r = minimize(problems["raw"], w0, SGD(lr=alpha_std), max_steps=400, record_points=False)
print(f"raw features with alpha = 1/L_std = {alpha_std:.3f}: "
      f"{r.status} at step {r.n_steps}")
assert r.status == "diverged" and r.n_steps == 1

# %% [markdown]
# Even each problem's own safe rate $\alpha = 1/L$ leaves them far apart, because standardizing also shrinks
# the condition number $\kappa$ by five orders of magnitude (Part IV, {doc}`../part4/ill_conditioning`, is about
# this). We track the relative gap $(f(\theta_k) - f^\star)/f^\star$ for 300 steps.

# %%
curves = {}
for name, model in problems.items():
    j_star = model.value(model.solve())
    r = minimize(model, w0, SGD(lr=1 / info[name][0]), max_steps=300, gtol=None,
                 record_points=False)
    curves[name] = (r.history.loss - j_star) / j_star
    marks = ", ".join(f"{curves[name][k]:.3g}" for k in (1, 10, 100, 300))
    print(f"{name:>13}: relative gap after 1, 10, 100, 300 steps: {marks}")
assert curves["standardized"][-1] < 0.01 * curves["raw"][-1]

fig, ax = plt.subplots(figsize=(6.5, 4))
for name, gap in curves.items():
    ax.semilogy(gap, label=f"{name} features, α = 1/L")
ax.set_xlabel("step k")
ax.set_ylabel("relative gap (f - f*) / f*")
ax.set_title("Diabetes regression: raw against standardized features")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the relative loss gap on a log scale over 300 steps: the curve for standardized features
# (dashed) falls steeply and is below 1 % by step 100, while the curve for raw features (solid) stays high
# and creeps down slowly: 0.92 after one step, 0.89 after 10, 0.64 after 100 and 0.43 after 300 steps.*
#
# ## Key points
#
# - The gradient step $\theta - \alpha\nabla f$ minimizes a local model of the loss with curvature $1/\alpha$;
#   the model lies above the loss when $\alpha \le 1/L$. $L$-smoothness (Lipschitz gradient) bounds the
#   Hessian's eigenvalues by $|\lambda_i| \le L$, but the descent lemma needs only the upper side
#   $\lambda_{\max} \le L$: then the step lowers the loss whenever $0 < \alpha < 2/L$, by at least
#   $\|g\|^2/(2L)$ at $\alpha = 1/L$.
# - On a quadratic each eigen-direction of the error is multiplied by $1 - \alpha\lambda_i$ per step: $\alpha < 2/L$
#   converges, $\alpha = 2/L$ bounces with constant amplitude along the top eigenvector, $\alpha > 2/L$ diverges.
# - The best constant rate is $2/(L+\mu)$ with error factor $(\kappa - 1)/(\kappa + 1)$ per step; it sits just
#   below the cliff at $2/L$. Sweep learning rates on a log grid.
# - Stopping rules each answer a different question: the gradient norm certifies $\|\theta - \theta^\star\| \le \|g\|/\mu$,
#   the loss change stops early on flat stretches and ill-conditioned problems (about $\kappa/2$ times `ftol` left),
#   the parameter change $\|\theta_k - \theta_{k-1}\| = \alpha\|g_{k-1}\|$ is the gradient rule in units of
#   $\alpha$ (a small learning rate makes it fire early), the step budget only bounds the work. Combine them.
# - Feature scales set $L$: standardized diabetes features allow rates around $0.5$, raw ones only around
#   $3\cdot 10^{-5}$, and converge far more slowly even at their own best rate.
#
# ## Exercises
#
# ```{exercise} One step to the minimum
# :label: ex-upd-onestep
# For $f(\theta) = \tfrac{\lambda}{2}\theta^2$, show that $\alpha = 1/\lambda$ reaches the minimum in one step from anywhere.
# Why can no single learning rate do this for the bowl with eigenvalues 1 and 4 used above? How many steps does
# $\alpha = 1/L$ need there to bring the error below $10^{-8}$ of its start, and what does the theory predict?
# ```
#
# ```{solution-start} ex-upd-onestep
# :class: dropdown
# ```
#
# The multiplier is $1 - \alpha\lambda = 0$. With two eigenvalues, $1 - \alpha\lambda_i$ can vanish for only one
# of them. With $\alpha = 1/L = 1/4$ the steep component vanishes in one step and the flat one shrinks by
# $1 - 1/4 = 0.75$ per step, so we need the first $k$ with $0.75^k |\xi_{0,1}| \le 10^{-8}\|e_0\|$.
# The run passes `gtol=None`: the default gradient rule (`gtol=1e-5`) would stop it before the error is that
# small, and the count must come from the callback alone.

# %%
one_d = Quadratic([7.0])
r = minimize(one_d, np.array([3.0]), SGD(lr=1 / 7.0), max_steps=1)
print(f"1-D bowl: |θ_1| < 1e-12: {abs(r.x[0]) < 1e-12}")
assert abs(r.x[0]) < 1e-12

xi = Q.T @ (x0 - x_star)
k_pred = int(np.ceil(np.log(1e-8 * np.linalg.norm(xi) / abs(xi[0])) / np.log(0.75)))
r = minimize(bowl, x0, SGD(lr=1 / L), max_steps=1000, gtol=None,
             callback=lambda k, x, f, g: np.linalg.norm(x - x_star)
             <= 1e-8 * np.linalg.norm(xi))
print(f"bowl with eigenvalues 1 and 4: {r.n_steps} steps measured, {k_pred} predicted")
assert r.n_steps == k_pred

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The descent lemma on real data
# :label: ex-upd-descent
# For logistic regression $L \le \lambda_{\max}(X^\top X)/(4n)$, because $\sigma'(z) \le 1/4$. On the
# standardized breast-cancer data, check the descent lemma
# $f(\theta - \alpha g) \le f(\theta) - \alpha(1 - \alpha L/2)\|g\|^2$ at 200 random points for $\alpha = 1/L$ and $\alpha = 1.9/L$.
# ```
#
# ```{solution-start} ex-upd-descent
# :class: dropdown
# ```

# %%
from sklearn.datasets import load_breast_cancer

from gdlearn.models import LogisticRegression

cancer = load_breast_cancer()
Xc = add_bias(standardize(cancer.data)[0])
logreg = LogisticRegression(Xc, cancer.target)
L_log = np.linalg.eigvalsh(Xc.T @ Xc / len(Xc))[-1] / 4
worst = {}
for factor in (1.0, 1.9):
    a = factor / L_log
    slack = []
    for _ in range(200):
        theta = rng.normal(scale=0.5, size=Xc.shape[1])
        g = logreg.grad(theta)
        bound = logreg.value(theta) - a * (1 - a * L_log / 2) * (g @ g)
        slack.append(bound - logreg.value(theta - a * g))
    worst[factor] = min(slack)
    print(f"alpha = {factor}/L: smallest slack of the bound over 200 points = "
          f"{worst[factor]:.3g} (>= 0)")
assert min(worst.values()) >= 0

# %% [markdown]
# The bound holds at every point, with room to spare: $\lambda_{\max}(X^\top X)/(4n)$ is an upper bound on the
# curvature, attained only if every sample sat at $z = 0$.
#
# ```{solution-end}
# ```
#
# ```{exercise} A scale-free gradient rule
# :label: ex-upd-scale
# Multiply the loss of the $\kappa = 100$ bowl by 1000 (and divide the learning rate by 1000, so the iterates do
# not change). How many steps does the absolute rule `gtol=1e-2` take now? Write a callback that stops when
# $\|\nabla f(\theta_k)\| \le 10^{-4}\|\nabla f(\theta_0)\|$ and show it takes the same number of steps for both scalings.
# ```
#
# ```{solution-start} ex-upd-scale
# :class: dropdown
# ```

# %%
big = Quadratic(1000 * f_stop.eigenvalues, rotation=np.pi / 5)
counts = {}


def sig3(n):
    """A step count rounded to three significant figures (where the tolerance is crossed
    could move by a step on another machine)."""
    return int(float(f"{n:.3g}"))


for name, f in [("original", f_stop), ("x 1000", big)]:
    lr = 1 / f.L
    absolute = minimize(f, x0_stop, SGD(lr=lr), gtol=1e-2, max_steps=100_000,
                        record_points=False)
    g0 = np.linalg.norm(f.grad(x0_stop))
    relative = minimize(f, x0_stop, SGD(lr=lr), max_steps=100_000, gtol=None,
                        record_points=False,
                        callback=lambda k, x, loss, g, g0=g0:
                        np.linalg.norm(g) <= 1e-4 * g0)
    counts[name] = (absolute.n_steps, relative.n_steps)
    print(f"{name:>8}: absolute gtol rule about {sig3(absolute.n_steps):5d} steps, "
          f"relative rule about {sig3(relative.n_steps):5d} steps")
assert counts["original"][0] != counts["x 1000"][0]
assert counts["original"][1] == counts["x 1000"][1]

# %% [markdown]
# Scaling the loss scales the gradient, so an absolute `gtol` asks for more digits on the scaled problem; the
# relative rule asks for the same four digits of reduction on both.
#
# ```{solution-end}
# ```
#
# ```{exercise} The descent lemma, derived
# :label: ex-upd-descent-lemma
# Let $f$ be twice differentiable with $\lambda_{\max}(\nabla^2 f(\theta)) \le L$ at every $\theta$ (eigenvalues
# below $-L$ are allowed).
# 1. Starting from Taylor's formula with integral remainder (see {ref}`dg-taylor2`),
#    $f(\theta + \Delta) = f(\theta) + g^\top\Delta + \int_0^1 (1 - t)\,\Delta^\top \nabla^2 f(\theta + t\Delta)\,\Delta\,dt$,
#    show that $f(\theta + \Delta) \le f(\theta) + g^\top \Delta + \frac{L}{2}\|\Delta\|^2$.
# 2. Put in $\Delta = -\alpha g$ to obtain $f(\theta - \alpha g) \le f(\theta) - \alpha(1 - \alpha L/2)\|g\|^2$, and
#    find the $\alpha$ with the largest guaranteed decrease.
# 3. Derive the same upper bound from the Lipschitz condition $\|\nabla f(\theta) - \nabla f(\theta')\| \le L\|\theta - \theta'\|$
#    alone, with no second derivatives.
# 4. Show that the bound cannot be improved: on a quadratic, with $g$ along the eigenvector of the largest
#    eigenvalue $L$, it holds with equality, so at $\alpha = 2/L$ the loss does not go down at all.
# ```
#
# ```{solution-start} ex-upd-descent-lemma
# :class: dropdown
# ```
#
# 1. $\Delta^\top \nabla^2 f\,\Delta \le \lambda_{\max}(\nabla^2 f)\,\|\Delta\|^2 \le L\|\Delta\|^2$ for every $t$ (the
#    Rayleigh quotient never exceeds the largest eigenvalue), and $\int_0^1 (1 - t)\,dt = \tfrac12$.
# 2. $g^\top(-\alpha g) = -\alpha\|g\|^2$ and $\frac{L}{2}\|\alpha g\|^2 = \frac{L\alpha^2}{2}\|g\|^2$; together
#    $-\alpha(1 - \alpha L/2)\|g\|^2$. The decrease $\alpha - L\alpha^2/2$ is a downward parabola in $\alpha$ with
#    its top where $1 - L\alpha = 0$, at $\alpha = 1/L$, where it equals $1/(2L)$.
# 3. Write $G(t) = \nabla f(\theta + t\Delta) - \nabla f(\theta)$; the Lipschitz condition gives
#    $\|G(t)\| \le L t \|\Delta\|$. By the fundamental theorem of calculus along the segment,
#
#    $$
#    \begin{aligned}
#    &f(\theta + \Delta) - f(\theta) - g^\top\Delta \\
#    &\quad = \int_0^1 G(t)^\top \Delta \, dt \\
#    &\quad \le \int_0^1 \|G(t)\|\,\|\Delta\| \, dt \\
#    &\quad \le \int_0^1 L t \|\Delta\|^2 \, dt = \frac{L}{2}\|\Delta\|^2 ,
#    \end{aligned}
#    $$
#
#    by Cauchy–Schwarz and then the Lipschitz bound on $\|G(t)\|$.
# 4. For $f(\theta) = \tfrac12 \theta^\top A \theta$ and $g = A\theta$ with $A g = L g$, the expansion is exact:
#    $f(\theta - \alpha g) = f(\theta) - \alpha\|g\|^2 + \tfrac{\alpha^2}{2} g^\top A g
#    = f(\theta) - \alpha(1 - \alpha L/2)\|g\|^2$. We check it on the bowl with eigenvalues 1 and 4, for
#    several $\alpha$ including $2/L$:

# %%
theta_top = 0.7 * Q[:, 1]                  # a point on the steep eigenvector
g_top = bowl.grad(x_star + theta_top)
for a in (0.25 / L, 0.5 / L, 1.5 / L, 2 / L):
    actual = bowl.value(x_star + theta_top - a * g_top)
    bound = bowl.value(x_star + theta_top) - a * (1 - a * L / 2) * (g_top @ g_top)
    print(f"alpha = {a * L:.2f}/L: f after the step {actual:.6f}, bound {bound:.6f}")
    assert np.isclose(actual, bound, rtol=1e-9, atol=1e-12)

# %% [markdown]
# At $\alpha = 2/L$ the loss after the step equals the loss before it: the limit $2/L$ is sharp.
#
# ```{solution-end}
# ```
#
# ```{exercise} Why 2/(L + μ) is the best constant step
# :label: ex-upd-best-step
# For a quadratic whose Hessian eigenvalues lie in $[\mu, L]$ with $0 < \mu \le L$, let
# $\rho(\alpha) = \max_{\mu \le \lambda \le L} |1 - \alpha\lambda|$.
# 1. Show that the maximum is attained at $\lambda = \mu$ or $\lambda = L$.
# 2. Show that $\rho(\alpha) = 1 - \alpha\mu$ for $0 < \alpha \le 2/(L+\mu)$ and $\rho(\alpha) = \alpha L - 1$ for
#    $\alpha \ge 2/(L+\mu)$, and conclude that $\alpha^\star = 2/(L+\mu)$ minimizes $\rho$, with
#    $\rho(\alpha^\star) = (\kappa - 1)/(\kappa + 1)$.
# 3. Check the result on a fine grid of learning rates for $\mu = 1$, $L = 10$.
# ```
#
# ```{solution-start} ex-upd-best-step
# :class: dropdown
# ```
#
# 1. $\lambda \mapsto |1 - \alpha\lambda|$ is convex (the absolute value of an affine function), and a convex
#    function on an interval takes its maximum at an end point.
# 2. Let $\alpha \le 2/(L+\mu)$. Then $\alpha\mu \le 2\mu/(L+\mu) \le 1$, so $|1 - \alpha\mu| = 1 - \alpha\mu$;
#    also $1 - \alpha\mu \ge 1 - \alpha L$ because $\mu \le L$, and $1 - \alpha\mu \ge \alpha L - 1$ because
#    $\alpha(L + \mu) \le 2$. Hence $\rho(\alpha) = 1 - \alpha\mu$, which decreases with $\alpha$. Let
#    $\alpha \ge 2/(L+\mu)$. Then $\alpha L - 1 \ge 1 - \alpha\mu$ (the same inequality reversed) and
#    $\alpha L - 1 \ge \alpha\mu - 1$, so $\rho(\alpha) = \alpha L - 1$, which increases with $\alpha$. The
#    minimum sits where the two pieces meet, at $\alpha^\star = 2/(L+\mu)$, and
#    $\rho(\alpha^\star) = 1 - 2\mu/(L+\mu) = (L - \mu)/(L + \mu) = (\kappa - 1)/(\kappa + 1)$.

# %%
mu_e, L_e = 1.0, 10.0
alphas = np.linspace(0.001, 2 / L_e, 20_001)
lams = np.linspace(mu_e, L_e, 1001)
rho_grid = np.max(np.abs(1 - alphas[:, None] * lams[None, :]), axis=1)
i_best = np.argmin(rho_grid)
kappa_e = L_e / mu_e
print(f"grid minimum at alpha = {alphas[i_best]:.5f}; "
      f"2/(L+mu) = {2 / (L_e + mu_e):.5f}")
print(f"smallest rho on the grid {rho_grid[i_best]:.5f}; "
      f"(kappa-1)/(kappa+1) = {(kappa_e - 1) / (kappa_e + 1):.5f}")
ends = np.maximum(np.abs(1 - alphas * mu_e), np.abs(1 - alphas * L_e))
assert np.allclose(rho_grid, ends)
assert abs(alphas[i_best] - 2 / (L_e + mu_e)) < 2 * (alphas[1] - alphas[0])

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The steepest-descent step goes back to {cite:t}`cauchy1847`. The descent lemma, the $2/L$ limit and the best
# step $2/(L+\mu)$ are derived in {cite:t}`nesterov2004` (section 2.1) and {cite:t}`boyd2004` (chapter 9);
# {cite:t}`nocedal2006` discuss stopping tests, and {cite:t}`bottou2018` the choice of learning rates in machine
# learning. {cite:t}`polyak1964` analysed the same iteration on quadratics and showed how momentum improves on
# $(\kappa - 1)/(\kappa + 1)$. The diabetes data come from {cite:t}`efron2004`.
