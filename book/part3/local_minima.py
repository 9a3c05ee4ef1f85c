# %% [markdown]
# # Local minima, saddle points and how to escape
#
# Gradient descent only ever looks downhill from where it stands. On a convex bowl that is enough: every
# downhill path ends at the one minimum. On a landscape with several valleys it ends in whichever valley
# it started in, and on a landscape with a mountain pass it can come to rest on the pass itself, where the
# ground is flat but not lowest. This chapter maps both problems on small functions where every answer is
# known: which minimum gradient descent reaches from each start on Himmelblau's function, how it settles
# in a poor minimum of the six-hump camel, how it stalls at a saddle point and why a little noise rescues
# it, when momentum carries it over a bump, and what random restarts buy. It ends with what is known about
# the same questions for large neural networks. Symbols follow the book's {doc}`../notation`; for the
# two-dimensional test functions we write the point as $(x, y)$, as their authors do.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - classify a critical point as a minimum, maximum or saddle from the eigenvalues of its Hessian;
# - draw the basins of attraction of gradient descent and explain why the start decides the result;
# - show that a small gradient does not mean a minimum, and escape a saddle with noise;
# - predict the success rate of $R$ random restarts, $1 - (1-p)^R$, and measure it;
# - say what is known about local minima and saddle points in high-dimensional losses, and cite it.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

import gdlearn
from gdlearn.data import make_spirals
from gdlearn.loop import minimize
from gdlearn.mlp import MLP
from gdlearn.objectives import Himmelblau, Rastrigin, SixHumpCamel
from gdlearn.optim import SGD, Adam
from gdlearn.plot import contour, plot_path, use_book_style
from gdlearn.schedules import InverseTimeDecay

use_book_style()

np.set_printoptions(precision=4, suppress=True)
SEED = 0
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Critical points and what the Hessian says about them
#
# A point where the gradient vanishes, $\nabla f(\theta^\star) = 0$, is a **critical point**. Near it
# $f(\theta^\star + u) \approx f(\theta^\star) + \tfrac12 u^\top H u$ for a small step $u$, with $H = \nabla^2 f(\theta^\star)$,
# so the eigenvalues $\lambda_i$ of the Hessian decide what kind of point it is (the Taylor model, the
# optimality conditions and the eigen-decomposition are introduced in
# {doc}`../part2/derivatives_and_gradients`):
#
# - all eigenvalues positive: a strict **local minimum** (every direction goes up);
# - all negative: a local **maximum**;
# - some positive, some negative: a **saddle point** (up in some directions, down in others). The number of
#   negative eigenvalues is the saddle's **index**.
#
# Gradient descent stops wherever the gradient is zero, so it can stop at any of them in principle. In
# practice it is pushed away from maxima and (almost always) from saddles, and it settles into minima,
# but not necessarily the lowest one. A minimum is **global** if no point is lower, **local** otherwise.
#
# ## Himmelblau's function: four minima, four basins
#
# {cite:t}`himmelblau1972` used the function
#
# $$
# f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2
# $$
#
# as a test problem. It has four minima, all with value 0 (so all four are global), at $(3, 2)$ and three
# points without closed form. Newton's method applied to $\nabla f = 0$ from a grid of starts finds every
# critical point, and the Hessian classifies them:

# %%
f = Himmelblau()
critical = []
with np.errstate(all="ignore"):
    for x0 in (
        np.stack(np.meshgrid(np.linspace(-5, 5, 9), np.linspace(-5, 5, 9)))
        .reshape(2, -1)
        .T
    ):
        x = x0.copy()
        for _ in range(50):
            x = x - np.linalg.solve(f.hess(x), f.grad(x))
        if np.all(np.isfinite(x)) and np.linalg.norm(f.grad(x)) < 1e-9:
            if not any(np.allclose(x, c, atol=1e-6) for c in critical):
                critical.append(x)
kinds = {}
for c in sorted(critical, key=f.value):
    eig = np.linalg.eigvalsh(f.hess(c))
    kind = "minimum" if eig.min() > 0 else "maximum" if eig.max() < 0 else "saddle"
    kinds.setdefault(kind, []).append(c)
    print(
        f"({c[0]:8.4f}, {c[1]:8.4f})  f = {f.value(c):8.3f}  Hessian eigenvalues {eig} "
        f" -> {kind}"
    )
assert [len(kinds[k]) for k in ("minimum", "saddle", "maximum")] == [4, 4, 1]
assert all(
    min(np.linalg.norm(m - c) for c in kinds["minimum"]) < 1e-8 for m in f.minima
)


# %% [markdown]
# Nine critical points: four minima, four saddles and one local maximum near $(-0.27, -0.92)$. Which minimum
# does gradient descent reach? We run it from every point of a $101\times101$ grid over $[-5, 5]^2$ at
# once: numpy can update all 10,201 points in one vectorized step if we write the gradient for an array of
# points. (`gdlearn`'s `grad` takes one point at a time; its `value` is vectorized.) First the gradient,
# checked against `gdlearn`'s, then the loop.


# %%
def himmelblau_grad(P):
    """Gradient of Himmelblau's function at every column of P (shape (2, m))."""
    x, y = P
    p, q = x**2 + y - 11, x + y**2 - 7
    return np.stack([4 * x * p + 2 * q, 2 * p + 4 * y * q])


def gd_many(grad, P, lr, steps):
    """Plain gradient descent from every column of P at once."""
    for _ in range(steps):
        P = P - lr * grad(P)
    return P


rng = np.random.default_rng(SEED)
test_points = rng.uniform(-5, 5, size=(2, 5))
assert np.allclose(
    himmelblau_grad(test_points), np.stack([f.grad(p) for p in test_points.T], axis=1)
)

N, LR, STEPS = 101, 0.01, 500
grid = np.linspace(-5, 5, N)
GX, GY = np.meshgrid(grid, grid)
starts = np.stack([GX.ravel(), GY.ravel()])
ends = gd_many(himmelblau_grad, starts, LR, STEPS)

minima = np.array(f.minima)  # (4, 2)
dist = np.linalg.norm(ends.T[:, None, :] - minima[None], axis=2)
basin = np.where(dist.min(axis=1) < 1e-6, dist.argmin(axis=1), -1)
for i, m in enumerate(minima):
    print(
        f"minimum {i} at ({m[0]:7.4f}, {m[1]:7.4f}): {np.sum(basin == i):5d} of "
        f"{basin.size} starts"
    )
print("starts that reached no minimum:", np.sum(basin == -1))
assert np.all(basin >= 0)

# %% [markdown]
# Every one of the 10,201 starts ends at one of the four minima; each minimum collects roughly a quarter of
# them. The vectorized loop is ordinary gradient descent, so `gdlearn` must agree with it start by start:

# %%
for j in rng.choice(starts.shape[1], size=5, replace=False):
    res = minimize(f, starts[:, j], SGD(lr=LR), max_steps=STEPS)
    assert np.allclose(res.x, ends[:, j], atol=1e-10)
    print(
        f"start ({starts[0, j]:5.1f}, {starts[1, j]:5.1f}) -> minimum {basin[j]}, "
        "gdlearn agrees"
    )

# %%
fig, ax = plt.subplots(figsize=(6.5, 5.5))
colors = ["#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6"]
ax.imshow(
    basin.reshape(N, N),
    origin="lower",
    extent=(-5, 5, -5, 5),
    cmap=ListedColormap(colors),
    interpolation="nearest",
    alpha=0.9,
)
levels = np.geomspace(0.5, 800, 14)
ax.contour(
    GX,
    GY,
    f.value(np.stack([GX, GY])),
    levels=levels,
    colors="k",
    linewidths=0.5,
    alpha=0.6,
)
ax.plot(*minima.T, "*", color="crimson", ms=15, mec="k", label="minimum (f = 0)")
ax.plot(*np.array(kinds["saddle"]).T, "X", color="k", ms=9, label="saddle point")
ax.plot(*np.array(kinds["maximum"]).T, "^", color="k", ms=9, label="local maximum")
for i, m in enumerate(minima):
    ax.annotate(
        f"{np.sum(basin == i)} starts",
        m,
        textcoords="offset points",
        xytext=(-30, 12),
        fontsize=11,
    )
ax.contour(  # the borders between basins, so that no region is told apart by hue alone
    GX, GY, basin.reshape(N, N), levels=[0.5, 1.5, 2.5], colors="k", linewidths=2.5
)
ax.set_xlabel("$x$")
ax.set_ylabel("$y$")
ax.set_title("Himmelblau: which minimum gradient descent reaches from each start")
ax.legend(loc="lower left", framealpha=0.9)
plt.show()

# %% [markdown]
# *The figure shows the square from -5 to 5 in both coordinates divided by thick black borders into four
# shaded regions, one per minimum, with thin contour lines of Himmelblau's function on top. Red stars mark the four minima, one inside each region;
# black crosses mark the four saddle points, which sit on the borders between regions; a black triangle
# marks the local maximum near the centre, where all four regions meet. Each minimum is labelled with the
# number of grid starts that reached it.*
#
# The borders between basins run through the saddle points: a start exactly on a border would roll
# towards the saddle and stop there; a start just beside it goes to the minimum on its own side. Which
# minimum gradient descent finds is decided entirely by where it starts. On Himmelblau's function that is
# harmless, because every minimum is global. The next function is less kind.
#
# ## The six-hump camel: local minima that are not global
#
# The six-hump camel function
#
# $$
# f(x, y) = \Big(4 - 2.1x^2 + \frac{x^4}{3}\Big)x^2 + xy + (-4 + 4y^2)\,y^2
# $$
#
# has six minima: two global ones at $\pm(0.0898, -0.7127)$ with value $-1.0316$, and two pairs of local ones.
# We find all six by running gradient descent from 2,000 random starts in the box $[-2, 2]\times[-1, 1]$ and
# keeping the distinct end points.

# %%
camel = SixHumpCamel()


def camel_grad(P):
    """Gradient of the six-hump camel at every column of P."""
    x, y = P
    return np.stack([8 * x - 8.4 * x**3 + 2 * x**5 + y, x - 8 * y + 16 * y**3])


def camel_starts(m, rng):
    return np.stack([rng.uniform(-2, 2, m), rng.uniform(-1, 1, m)])


assert np.allclose(
    camel_grad(test_points / 3),
    np.stack([camel.grad(p) for p in (test_points / 3).T], axis=1),
)
rng = np.random.default_rng(SEED)
ends_c = gd_many(camel_grad, camel_starts(2000, rng), 0.01, 1000)
camel_minima = np.unique(np.round(ends_c.T, 6), axis=0)
camel_minima = camel_minima[
    np.lexsort((camel_minima[:, 0], np.round(camel.value(camel_minima.T), 6)))
]
for m in camel_minima:
    kind = "global" if np.isclose(camel.value(m), camel.min_value) else "local"
    print(f"({m[0]:7.4f}, {m[1]:7.4f})  f = {camel.value(m):8.4f}  {kind}")
assert len(camel_minima) == 6
assert np.allclose(
    camel_minima[:2], sorted(camel.minima, key=lambda m: m[0]), atol=1e-5
)
assert np.allclose(camel.value(camel_minima[:2].T), camel.min_value)

# %% [markdown]
# Now gradient descent from a few hand-picked starts, with `gdlearn`:

# %%
camel_runs = {}
for x0 in [(0.5, 0.0), (1.0, 1.0), (-1.5, 1.0), (1.9, -0.2), (1.5, 0.6), (-1.5, -0.6)]:
    res = minimize(camel, np.array(x0), SGD(lr=0.01), max_steps=2000, gtol=1e-8)
    camel_runs[x0] = res
    gap = res.fun - camel.min_value
    print(
        f"start {x0!s:12} -> ({res.x[0]:7.4f}, {res.x[1]:7.4f}), f = {res.fun:8.4f}, "
        f"{'global' if gap < 1e-8 else 'local '} ({res.status}, {res.n_steps} steps)"
    )
start11, end11 = np.array([1.0, 1.0]), camel_runs[(1.0, 1.0)].x
d_near = np.linalg.norm(camel_minima - start11, axis=1)
print(f"start (1, 1): nearest minimum {camel_minima[d_near.argmin()]} at distance "
      f"{d_near.min():.2f}; the path ends {np.linalg.norm(end11 - start11):.2f} away")

# %%
n_local = sum(r.fun - camel.min_value > 1e-3 for r in camel_runs.values())
assert all(r.converged for r in camel_runs.values()) and n_local == 4
assert np.linalg.norm(end11 - start11) > d_near.min() + 0.3  # not the nearest minimum

# %%
fig, ax = plt.subplots(figsize=(7, 5.5))
contour(camel, ax=ax, levels=25)
styles = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2))]
for i, (x0, res) in enumerate(camel_runs.items()):
    outcome = (
        "global" if res.fun - camel.min_value < 1e-8 else f"local, f = {res.fun:.3f}"
    )
    plot_path(
        ax,
        res.history.x,
        label=f"from {x0}: {outcome}",
        color=f"C{i}",
        ls=styles[i],
        marker="osD^vP"[i],
        markevery=10,
        linewidth=2,
    )
ax.set_xlabel("$x$")
ax.set_ylabel("$y$")
ax.set_title("Six-hump camel: gradient descent from six starts")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=10)
plt.show()

# %% [markdown]
# *The figure shows contour lines of the six-hump camel over x from -2 to 2 and y from -1.1 to 1.1, with the two global
# minima marked by red stars, and six gradient-descent paths, each with its own line style and marker.
# Each path runs downhill to the minimum whose basin holds its start, which is not always the nearest
# one: two reach a global minimum, the others stop in the local minima on the left and right of the
# picture, at values -0.2155 and 2.1043.*
#
# Each run reports `converged`: the gradient is below $10^{-8}$, and nothing in the run says that a lower
# point exists elsewhere. Gradient descent is a local method; it finds *a* minimum, the one whose basin
# contains the start. "Basin" means the basin of the gradient flow, the set of starts from which the
# path of steepest descent ends at that minimum; it need not contain the nearest minimum. The start
# $(1, 1)$ is 0.74 away from the local minimum at $(1.607, 0.569)$, yet its path ends at the global
# minimum $(-0.090, 0.713)$, 1.13 away. With small steps gradient descent follows the flow and stays in
# the basin; with large steps it can hop into a neighbouring one.
#
# ### Is the fixed learning rate to blame?
#
# A common explanation for getting stuck is the learning rate: "with a fixed step, gradient descent falls
# into local minima; tune the step or switch to Adam and it will not". The claim can be tested. From the
# start $(-1.5, 1.0)$, which lies in the basin of the local minimum at $(-1.7036, 0.7961)$, we try five
# fixed learning rates, a decaying one, Adam {cite:p}`kingma2015` at three learning rates and heavy-ball
# momentum:

# %%
x0 = np.array([-1.5, 1.0])
optimizers = {f"GD lr={lr}": SGD(lr=lr) for lr in [0.001, 0.005, 0.01, 0.02, 0.05]}
optimizers["GD lr=0.02/(1+0.01t)"] = SGD(lr=InverseTimeDecay(0.02, 0.01))
optimizers.update({f"Adam lr={lr}": Adam(lr=lr) for lr in [0.01, 0.1, 0.3]})
optimizers["heavy ball lr=0.01, beta=0.9"] = SGD(lr=0.01, momentum=0.9)
local_min = camel_minima[2]  # (-1.7036, 0.7961): x-sorted within its value
for name, opt in optimizers.items():
    res = minimize(camel, x0, opt, max_steps=20_000, gtol=1e-6)
    print(
        f"{name:30s} -> ({res.x[0]:7.4f}, {res.x[1]:7.4f}), f = {res.fun:7.4f}  "
        f"({res.n_steps} steps)"
    )
    assert np.linalg.norm(res.x - local_min) < 1e-4


# %% [markdown]
# Every one of the ten runs ends in the same local minimum with $f = -0.2155$; only the number of steps
# changes. The local minimum is a property of the function and the starting point, not of the step size:
# a smaller step follows the downhill path more faithfully, a decaying step does the same, and Adam
# rescales the step per coordinate but still walks downhill inside the same basin. (A step so large
# that it jumps out of the basin is not a cure either: where it lands is a matter of luck, and the same
# step size usually makes the run unstable.) Getting out of a basin needs something else: a different
# start, noise, or momentum that carries the walker over a low ridge.
#
# ## Saddle points: where gradient descent stalls
#
# Take
#
# $$
# f(x, y) = x^2 - y^2 + \tfrac14 y^4,
# \qquad \nabla f = \begin{pmatrix} 2x \\ -2y + y^3 \end{pmatrix}.
# $$
#
# It has two minima at $(0, \pm\sqrt2)$ with $f = -1$ and a saddle at the origin, where the Hessian is
# $\operatorname{diag}(2, -2)$. Gradient descent with step $\alpha$ multiplies $x$ by $1 - 2\alpha$ and, near
# the saddle, $y$ by $1 + 2\alpha$. On the line $y = 0$ (the saddle's **stable manifold**) $y$ stays exactly
# zero, so a start on that line slides straight into the saddle.


# %%
def saddle_f(p):
    return p[0] ** 2 - p[1] ** 2 + p[1] ** 4 / 4


def saddle_grad(p):
    return np.array([2 * p[0], -2 * p[1] + p[1] ** 3])


saddle = (saddle_f, saddle_grad)
ALPHA = 0.1
exact = minimize(saddle, np.array([1.0, 0.0]), SGD(lr=ALPHA), max_steps=2000, gtol=1e-6)
print(
    f"start (1, 0): {exact.status} after {exact.n_steps} steps; y stayed exactly 0: "
    f"{exact.x[1] == 0.0}, "
    f"|x| < 1e-6: {abs(exact.x[0]) < 1e-6}, |f| < 1e-10: {abs(exact.fun) < 1e-10}, "
    f"gradient norm <= gtol = 1e-6: {exact.history.grad_norm[-1] <= 1e-6}"
)
hess_end = np.diag([2.0, -2 + 3 * exact.x[1] ** 2])
print("Hessian eigenvalues there:", np.linalg.eigvalsh(hess_end))
assert exact.converged and np.linalg.norm(exact.x) < 1e-6 and abs(exact.fun) < 1e-10
assert np.all(exact.history.x[:, 1] == 0.0)

# %% [markdown]
# `minimize` reports `converged`: the gradient-norm test $\|\nabla f\| \le 10^{-6}$ passed. Yet the point
# is a saddle with $f = 0$, while the minima have $f = -1$. **A small gradient certifies a critical point,
# not a minimum**, let alone the global one. Only second-order information (a negative Hessian
# eigenvalue) exposes the saddle.
#
# The stable manifold has zero width, so a start off it by any amount, however tiny, escapes: its $y$
# grows by the factor $1 + 2\alpha$ per step. Starting from $|y_0|$, it takes about
#
# $$
# k \approx \frac{\ln(1/|y_0|)}{\ln(1 + 2\alpha)}
# $$
#
# steps to reach $|y| \approx 1$, after which the walker drops into a minimum. We add seeded Gaussian noise
# of standard deviation $10^{-8}$ to the start and count the steps until $f < -0.5$ (halfway down to a
# minimum):

# %%
rng = np.random.default_rng(SEED)
start_noisy = np.array([1.0, 0.0]) + rng.normal(scale=1e-8, size=2)
noisy = minimize(saddle, start_noisy, SGD(lr=ALPHA), max_steps=2000, gtol=1e-6)
escape = int(np.argmax(noisy.history.loss < -0.5))
predicted = np.log(1 / abs(start_noisy[1])) / np.log(1 + 2 * ALPHA)
print(
    f"y0 = {start_noisy[1] * 1e9:.2f} x 10^-9: f < -0.5 after {escape} steps (estimate "
    f"{predicted:.0f}); "
    f"ends at (0, {noisy.x[1]:.4f}) to 1e-10, f = {noisy.fun:.4f}, {noisy.status}"
)
assert (
    abs(escape - predicted) < 10
    and np.isclose(noisy.fun, -1.0)
    and abs(noisy.x[0]) < 1e-10
)

# %% [markdown]
# Noise of size $10^{-8}$ is enough: the run escapes after about a hundred steps, as estimated, and ends in
# the minimum $(0, -\sqrt2)$, on the side the noise happened to push it, with $f = -1$.
#
# The escape is slow, though, and that matters for the stopping rule. While the walker creeps past the
# saddle, $x$ has already shrunk and $y$ is still tiny, so the gradient is small for a while. With a
# looser tolerance the stopping rule is fooled even though the run would have escaped:

# %%
fooled = minimize(saddle, start_noisy, SGD(lr=ALPHA), max_steps=2000, gtol=1e-3)
print(
    f"gtol=1e-3: {fooled.status} after {fooled.n_steps} steps at f = {fooled.fun:.1e} "
    f"(the minimum is -1)"
)
dip = np.argmin(noisy.history.grad_norm[:escape])
print(
    "smallest gradient norm of the escaping run near the saddle: "
    f"{noisy.history.grad_norm[dip]:.1e} "
    f"at step {dip}"
)
assert fooled.converged and abs(fooled.fun) < 1e-3

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.semilogy(
    exact.history.grad_norm, label="start exactly on y = 0 (ends at the saddle)"
)
ax.semilogy(noisy.history.grad_norm, label=r"start with $10^{-8}$ noise (escapes)")
ax.axhline(
    1e-3, color="C3", ls="--", lw=1, label="gtol = 1e-3 (stops the noisy run early)"
)
ax.axhline(1e-6, color="gray", ls=":", lw=1, label="gtol = 1e-6")
ax.set_xlabel("step")
ax.set_ylabel(r"gradient norm $\|\nabla f\|$ (log scale)")
ax.set_title(r"Gradient descent near the saddle of $x^2 - y^2 + y^4/4$")
ax.legend()
plt.show()


# %% [markdown]
# *The figure shows the gradient norm against the step on a log axis for two runs. The run started exactly
# on y = 0 (solid) falls in a straight line to ten to the minus 6 and stops at the saddle. The run started
# with tiny noise (dashed) follows the same line down to about 4 times ten to the minus 5, then turns and
# climbs back to order one as it leaves the saddle, and finally falls again as it converges to a minimum.
# A horizontal dashed line at ten to the minus 3 crosses the dip, so a tolerance that loose would have
# stopped the second run at the saddle too.*
#
# ### Perturbed gradient descent
#
# The fix that theory suggests is simple. {cite:t}`ge2015` showed that noisy stochastic gradient descent
# escapes strict saddle points (those with a negative Hessian eigenvalue) in polynomial time, and
# {cite:t}`jin2017` that plain gradient descent with an occasional random kick does so with only a
# polylogarithmic dependence on the dimension: *whenever the gradient is small, add a small random perturbation
# and keep going*. If the point was a minimum, the walker returns to it; if it was a saddle, it leaves. A
# few lines implement it:


# %%
def perturbed_gd(grad, x, lr, steps, rng, gtol=1e-3, radius=1e-3, wait=50):
    """Gradient descent plus a random kick (uniform in a ball) at a small gradient."""
    last_kick, kicks = -wait, []
    for k in range(steps):
        if np.linalg.norm(grad(x)) <= gtol and k - last_kick >= wait:
            direction = rng.normal(size=x.shape)
            x = x + radius * rng.uniform() ** (1 / x.size) * direction / np.linalg.norm(
                direction
            )
            last_kick = k
            kicks.append(k)
        x = x - lr * grad(x)
    return x, kicks


x_pgd, kicks = perturbed_gd(
    saddle_grad, np.array([1.0, 0.0]), ALPHA, 400, np.random.default_rng(SEED)
)
print(
    f"perturbed GD from (1, 0): ends at (0, {x_pgd[1]:.4f}) to 1e-6, f = "
    f"{saddle_f(x_pgd):.4f}; "
    f"kicks at steps {kicks}"
)
assert np.isclose(saddle_f(x_pgd), -1.0, atol=1e-6) and abs(x_pgd[0]) < 1e-6


# %% [markdown]
# The first kick comes when the gradient first drops below $10^{-3}$, near the saddle; the walker leaves and
# reaches a minimum. Later kicks happen at the minimum, and the walker simply returns to it. In stochastic
# gradient descent the minibatch noise plays the role of the kicks for free.
#
# ## Momentum rolls over small bumps
#
# A ball rolling downhill does not stop at the first dip: its speed carries it over a low rim. Polyak's
# heavy-ball method {cite:p}`polyak1964` (see {doc}`../part3/momentum`) gives gradient descent that inertia.
# A one-dimensional test: a parabola with a small dip carved into its side,
#
# $$
# f(x) = \tfrac12 x^2 - 1.5\, e^{-(x-2)^2/0.18},
# $$
#
# whose global minimum is at $x \approx 0$ and whose dip makes a local minimum near $x = 1.88$. We start at
# $x = 5$, uphill of the dip, with step $\alpha = 0.05$ and momentum $\beta$ from 0 to 0.95.


# %%
def bump_f(x):
    return 0.5 * x[0] ** 2 - 1.5 * np.exp(-((x[0] - 2) ** 2) / 0.18)


def bump_grad(x):
    return np.array(
        [x[0] + 1.5 * (x[0] - 2) / 0.09 * np.exp(-((x[0] - 2) ** 2) / 0.18)]
    )


bump_runs = {}
for beta in [0.0, 0.5, 0.8, 0.9, 0.95]:
    res = minimize(
        (bump_f, bump_grad),
        np.array([5.0]),
        SGD(lr=0.05, momentum=beta),
        max_steps=3000,
        gtol=1e-8,
    )
    bump_runs[beta] = res
    where = "global minimum" if abs(res.x[0]) < 1e-3 else "local dip"
    print(
        f"beta = {beta:4.2f}: x = {res.x[0]:8.4f}, f = {res.fun:7.4f} -> {where} "
        f"({res.n_steps} steps)"
    )
assert abs(bump_runs[0.0].x[0] - 1.8776) < 1e-3  # plain GD stops in the dip
assert abs(bump_runs[0.9].x[0]) < 1e-3  # heavy ball goes through

# %%
fig, ax = plt.subplots(figsize=(7, 4))
xs = np.linspace(-2.5, 5.5, 400)
ax.plot(xs, [bump_f([x]) for x in xs], color="k", lw=1, label="f(x)")
for beta, color, marker, size in [(0.0, "C3", "s", 8), (0.9, "C0", ".", 5)]:
    path = bump_runs[beta].history.x[:120, 0]
    ax.plot(
        path,
        [bump_f([x]) for x in path],
        marker,
        color=color,
        mfc="none" if beta == 0 else color,  # open squares against small filled dots
        mew=1.5,
        ms=size,
        alpha=0.8,
        label=f"{'GD' if beta == 0 else 'heavy ball, beta = 0.9'}: first 120 iterates",
    )
ax.set_xlabel("x")
ax.set_ylabel("f(x)")
ax.set_title("A small dip stops gradient descent, not momentum")
ax.legend()
plt.show()


# %% [markdown]
# *The figure shows the curve f(x), a parabola with a small dip near x = 2, and two sets of iterates
# started at x = 5. Gradient descent (large open squares) slides down and piles up in the dip near x = 1.88.
# Heavy ball with momentum 0.9 (small dots) shoots through the dip, overshoots to negative x, and
# oscillates into the global minimum at x = 0.*
#
# With $\beta \le 0.5$ the walker stops in the dip; with $\beta \ge 0.8$ it reaches the global minimum. This is
# not a guarantee: the same momentum that crosses a shallow dip also crosses narrow *good* valleys, and a
# deep enough dip stops any momentum. (Earlier, heavy ball with $\beta = 0.9$ on the six-hump camel stayed
# in its local minimum.) Momentum helps with small bumps on the way down, not with large basins.
#
# ## Random restarts
#
# If one run finds the global minimum with probability $p$ (the fraction of starts, under the start
# distribution, that lie in a global basin), then $R$ independent runs, keeping the best, all miss it with
# probability $(1-p)^R$:
#
# $$
# P(\text{success with } R \text{ restarts}) = 1 - (1 - p)^R .
# $$
#
# We estimate $p$ for the six-hump camel from 10,000 uniform starts, then run 1,000 independent trials of
# $R = 1, \dots, 10$ restarts each (10,000 more starts) and compare the measured success rates with the formula.


# %%
def reached_global(P):
    """True for each start (column of P) from which GD ends at a global minimum."""
    return camel.value(gd_many(camel_grad, P, 0.01, 300)) - camel.min_value < 0.1


rng = np.random.default_rng(SEED)
p_hat = reached_global(camel_starts(10_000, rng)).mean()
TRIALS, KMAX = 1000, 10
hits = reached_global(camel_starts(TRIALS * KMAX, rng)).reshape(TRIALS, KMAX)
ks = np.arange(1, KMAX + 1)
measured = np.array([hits[:, :k].any(axis=1).mean() for k in ks])
formula = 1 - (1 - p_hat) ** ks
stderr = np.sqrt(formula * (1 - formula) / TRIALS)
print(f"p (one start reaches a global minimum) = {p_hat:.3f}")
print(" R | measured | 1-(1-p)^R")
for k, m, q in zip(ks, measured, formula, strict=True):
    print(f"{k:2d} | {m:8.3f} | {q:9.3f}")
assert np.all(np.abs(measured - formula) < 4 * stderr + 1e-3)

# %%
fig, ax = plt.subplots(figsize=(6, 4))
ax.errorbar(
    ks,
    measured,
    yerr=2 * stderr,
    fmt="o",
    capsize=3,
    label="measured (1,000 trials, ±2 s.e.)",
)
ax.plot(ks, formula, "-", label=f"$1-(1-p)^R$, p = {p_hat:.3f}")
ax.set_xlabel("number of restarts R")
ax.set_ylabel("P(best of R runs is a global minimum)")
ax.set_title("Random restarts on the six-hump camel")
ax.set_ylim(0, 1.05)
ax.legend(loc="lower right")
plt.show()

# %% [markdown]
# *The figure shows the success probability against the number of restarts, from 1 to 10: measured rates as
# dots with error bars lie on or near the curve one minus (1 - p) to the power R, which rises from about 0.6 at one restart to
# nearly 1 at six and more.*
#
# The formula fits because the restarts are independent. It also says what restarts cost: to succeed with
# probability $1 - \eta$ one needs $R \ge \ln\eta / \ln(1-p)$ runs, which is cheap when $p$ is a sizeable
# fraction and hopeless when $p$ is tiny. Rastrigin's function shows the second case.
#
# ### Rastrigin's egg box
#
# $f(\theta) = 10d + \sum_i \big(\theta_i^2 - 10\cos(2\pi \theta_i)\big)$ adds ripples to a bowl: every point near the integer
# lattice is a local minimum. In two dimensions on $[-5.12, 5.12]^2$ we run gradient descent from 2,000 random
# starts (step $0.002$, safely below $2/L$ with $L = 2 + 40\pi^2 \approx 397$) and count the distinct minima reached.

# %%
rastrigin = Rastrigin(2)


def rastrigin_grad(P):
    return 2 * P + 2 * np.pi * rastrigin.A * np.sin(2 * np.pi * P)


assert np.allclose(
    rastrigin_grad(test_points),
    np.stack([rastrigin.grad(p) for p in test_points.T], axis=1),
)
rng = np.random.default_rng(SEED)
ends_r = gd_many(rastrigin_grad, rng.uniform(-5.12, 5.12, size=(2, 2000)), 0.002, 300)
assert np.abs(rastrigin_grad(ends_r)).max() < 1e-8
cells, counts = np.unique(np.round(ends_r.T).astype(int), axis=0, return_counts=True)
values = rastrigin.value(ends_r)
p_rast = np.mean(values < 1e-8)
print(
    f"distinct local minima reached: {len(cells)} (lattice points in the box: 11 x 11 "
    "= 121)"
)
print(f"values at the end points: from {values.min():.4f} to {values.max():.2f}")
print(f"fraction of starts reaching the global minimum: {p_rast:.4f}")
print(
    f"restarts needed for 99% success: {np.log(0.01) / np.log(1 - p_rast):.0f} "
    f"(six-hump camel: {np.log(0.01) / np.log(1 - p_hat):.0f})"
)
assert len(cells) == 121 and 0 < p_rast < 0.02

# %% [markdown]
# Gradient descent found all 121 local minima in the box, and fewer than one start in a hundred reached the
# global one: each start simply rolls into the nearest cell of the egg box. Hundreds of restarts would be
# needed for a 99 % chance, against a handful for the camel. In more dimensions the count of cells grows
# like $11^d$, and restarts stop being a strategy.
#
# ## What is known about large networks
#
# The pictures above are two-dimensional, and intuition from two dimensions misleads in millions. Three
# lines of work changed how the field thinks about local minima in neural networks.
#
# - **Saddle points dominate.** {cite:t}`dauphin2014` argued, from random-matrix theory and from
#   measurements on small networks, that in high dimensions most critical points with high loss are
#   saddles, not local minima, and that the long plateaus seen in training are slow passages past saddles.
#   For a critical point to be a minimum *every* one of the $d$ Hessian eigenvalues must be positive; if
#   they behaved like those of a random symmetric matrix, that would be rarer than any exponential in
#   $d$: for Gaussian random matrices random-matrix theory gives a probability that falls like
#   $e^{-\text{const}\cdot d^2}$.
# - **Local minima are mostly good.** {cite:t}`choromanska2015` related the loss of a simplified deep
#   network to a spin-glass model and found that for large networks the local minima concentrate in a
#   narrow band of low loss, while poor minima are far more common in small networks.
# - **Noise escapes saddles.** {cite:t}`ge2015` and {cite:t}`jin2017` proved that gradient descent with noise or
#   occasional perturbations escapes strict saddles efficiently, as our two-dimensional saddle showed; in
#   Jin et al.'s bound the number of steps grows only polylogarithmically with the dimension (like a
#   power of $\ln d$).
#
# The random-matrix heuristic is easy to test. We draw 20,000 random symmetric matrices
# $(A + A^\top)/2$ with Gaussian $A$ for each size $d$ and measure how often all eigenvalues are positive,
# and the average fraction of negative ones (the index divided by $d$):

# %%
rng = np.random.default_rng(SEED)
print(" d | P(all eigenvalues > 0) | mean fraction negative")
p_min = []
for n in range(1, 7):
    A = rng.normal(size=(20_000, n, n))
    eig = np.linalg.eigvalsh((A + A.transpose(0, 2, 1)) / 2)
    p_min.append(np.mean(np.all(eig > 0, axis=1)))
    print(f"{n:2d} | {p_min[-1]:22.4f} | {np.mean(eig < 0):22.3f}")
factors = [p_min[i] / p_min[i + 1] for i in range(3)]
print(
    "probability lost per extra dimension, d = 1->2, 2->3, 3->4:", np.round(factors, 1)
)
assert factors[0] < factors[1] < factors[2] and p_min[-1] < 1e-3

# %% [markdown]
# Half the eigenvalues are negative on average, and the chance that all are positive collapses with the
# size: one in two for $d = 1$, about one in seven for $d = 2$, about one in four hundred for $d = 4$, and
# below one in a thousand from $d = 5$ on. Each extra dimension divides the probability by a *growing*
# factor, so the decay is faster than exponential, as the $e^{-\text{const}\cdot d^2}$ law says. Real Hessians are not random
# matrices, so this is an argument about *typical* critical points, not a proof; it is the intuition
# behind Dauphin et al.'s measurements.
#
# A small experiment in the spirit of Choromanska et al.: train a one-hidden-layer network on the spirals
# from six random initializations (Adam), once with 2 hidden units and once with 32. A final loss alone
# cannot tell a run that is stuck from one that is merely slow, so we also record the gradient norm, after
# 250 steps and at the end of the run: 2000 steps for the narrow network, and 500 for the wide one, whose
# verdict is clear sooner. (`gtol=None` keeps every run to its full length, so the records exist.)

# %%
X_sp, y_sp = make_spirals(50, np.random.default_rng(SEED), noise=0.1)
final, gnorm = {}, {}
K_END = {2: 2000, 32: 500}  # the wide network's verdict is clear after 500 steps
for width, k_end in K_END.items():
    net = MLP(X_sp, y_sp, hidden=(width,), activation="tanh", output="sigmoid")
    runs_w = [
        minimize(
            net,
            net.init(np.random.default_rng(seed)),
            Adam(lr=0.05),
            max_steps=k_end,
            gtol=None,
        )
        for seed in range(6)
    ]
    final[width] = {
        k: np.array([r.history.loss[k] for r in runs_w]) for k in (250, k_end)
    }
    gnorm[width] = {
        k: np.array([r.history.grad_norm[k] for r in runs_w]) for k in (250, k_end)
    }
    print(f"{width:2d} hidden units")
    print(
        f"   after  250 steps: losses {np.sort(final[width][250]).round(2)}, "
        f"every gradient norm above 1e-3: {bool(np.all(gnorm[width][250] > 1e-3))}"
    )
    high = final[width][k_end] > 0.1
    print(
        f"   after {k_end:4d} steps: {high.sum()} of 6 runs at a loss above 0.1, "
        f"{np.sum(final[width][k_end] < 0.01)} below 0.01; "
        f"every gradient norm below 1e-3: {bool(np.all(gnorm[width][k_end] < 1e-3))}"
    )
    if high.any():
        lo, hi = final[width][k_end][high].min(), final[width][k_end][high].max()
        print(f"   the runs above 0.1 end between {lo:.2f} and {hi:.2f}")

# %%
assert np.all(gnorm[2][250] > 1e-3) and np.all(gnorm[2][2000] < 1e-3)
stuck = final[2][2000] > 0.1
assert 0 < stuck.sum() < 6 and np.all(final[2][2000][~stuck] < 0.01)
assert np.all(final[32][500] < 0.01) and np.all(gnorm[32][500] < 1e-3)

# %% [markdown]
# After 250 steps nothing is decided: every gradient norm is still above $10^{-3}$, and the narrow
# network's losses spread from 0.05 to 0.24 because the runs are at different stages, not necessarily
# in different places. At the end of the runs the picture is clear. Every gradient norm is below
# $10^{-3}$. The wide network fits the spirals from all six starts within 500 steps. The narrow one
# splits: three runs fit them, and three sit at a loss near 0.18, a hundred times higher, where the
# gradient is already small. They are stuck at a poor local minimum or in a very flat region, which is
# what "poor local minima are common in small networks" means. The problem is tiny and the runs are few,
# so this illustrates the claim rather than proving it; the papers above give the theory and larger
# measurements. The practical summary agrees with experience: in large networks, poor local minima are
# rarely the obstacle; saddles, plateaus and bad conditioning are (Part IV,
# {doc}`../part4/ill_conditioning`).
#
# ## Key points
#
# - A **critical point** has zero gradient; the Hessian's eigenvalues tell a minimum (all positive), a maximum
#   (all negative) and a saddle (mixed) apart.
# - Gradient descent reaches the minimum whose **basin** contains the start. On Himmelblau's function the four
#   basins meet along curves through the saddles; on the six-hump camel a start in the wrong basin ends in a
#   local minimum, whatever the learning rate or optimizer.
# - **A small gradient does not mean a minimum.** Started on a saddle's stable manifold, gradient descent
#   converges to the saddle and the gradient-norm test reports success; a start $|y_0|$ off that manifold
#   escapes in about $\ln(1/|y_0|)/\ln(1 + \alpha|\lambda_{\min}|)$ steps, but a loose tolerance can stop the
#   run first.
# - **Momentum** can carry the iterate over a small dip on the way down, not out of a large basin.
# - $R$ **random restarts** succeed with probability $1 - (1-p)^R$; that is cheap when $p$ is large and
#   hopeless for egg-box functions such as Rastrigin's.
# - In high-dimensional losses saddles outnumber local minima, most local minima of large networks have
#   similar loss, and noise helps escape saddles.
#
# ## Exercises
#
# ```{exercise} Does momentum change the basins?
# :label: ex-lm-basins
# Repeat the Himmelblau basin count with heavy-ball momentum $\beta = 0.9$ and step $\alpha = 0.001$ (so that
# the long-run step $\alpha/(1-\beta) = 0.01$ matches plain gradient descent), vectorized over the grid. Do the
# four counts change? Do all starts still reach a minimum?
# ```
#
# ```{solution-start} ex-lm-basins
# :class: dropdown
# ```
#
# Heavy ball keeps a momentum buffer per start: $m \leftarrow \beta m + \nabla f$, then a step of $-\alpha m$
# (the form `SGD(momentum=0.9)` uses). With $\alpha = 0.01$ and $\beta = 0.9$ the effective step would be
# $0.1$, and starts in the steep corners of the square would diverge.

# %%
P, M = starts.copy(), np.zeros_like(starts)  # points and momentum buffers
for _ in range(1500):
    M = 0.9 * M + himmelblau_grad(P)
    P = P - 0.001 * M
dist_m = np.linalg.norm(P.T[:, None, :] - minima[None], axis=2)
basin_m = np.where(dist_m.min(axis=1) < 1e-6, dist_m.argmin(axis=1), -1)
for i in range(4):
    print(
        f"minimum {i}: {np.sum(basin == i):5d} starts without momentum, "
        f"{np.sum(basin_m == i):5d} with"
    )
changed = np.mean(basin_m != basin)
print(
    f"starts that end in a different minimum: {changed:.1%}; reaching none: "
    f"{np.sum(basin_m == -1)}"
)
assert np.all(basin_m >= 0) and 0 < changed < 0.5

# %% [markdown]
# All starts still reach a minimum, but a noticeable fraction ends in a different one: momentum lets
# iterates overshoot across a basin border, so its basins are not those of gradient descent. Since all four
# minima of Himmelblau's function are global, nothing is lost here; on a function with unequal minima the
# same shift changes which minimum you get, for better or worse.
#
# ```{solution-end}
# ```
#
# ```{exercise} Escape time against noise
# :label: ex-lm-escape
# On the saddle $x^2 - y^2 + y^4/4$ with $\alpha = 0.1$, start at $(1, y_0)$ for
# $y_0 = 10^{-4}, 10^{-8}, 10^{-12}$ and count the steps until $f < -0.5$. Compare with
# $\ln(1/y_0)/\ln(1.2)$.
# ```
#
# ```{solution-start} ex-lm-escape
# :class: dropdown
# ```

# %%
for y0 in [1e-4, 1e-8, 1e-12]:
    start = np.array([1.0, y0])  # gtol=None: the count must not stop at the saddle
    run = minimize(saddle, start, SGD(lr=ALPHA), max_steps=2000, gtol=None)
    steps = int(np.argmax(run.history.loss < -0.5))
    estimate = np.log(1 / y0) / np.log(1.2)
    print(f"y0 = {y0:.0e}: {steps:4d} steps, estimate {estimate:6.1f}")
    assert abs(steps - estimate) < 10

# %% [markdown]
# Each factor $10^{4}$ less offset costs about $\ln(10^4)/\ln 1.2 \approx 50$ more steps: escape time grows
# only logarithmically in the noise, which is why tiny perturbations suffice.
#
# ```{solution-end}
# ```
#
# ```{exercise} How many restarts?
# :label: ex-lm-restarts
# Using $p$ measured for the six-hump camel, how many restarts guarantee a 99.9 % chance of finding a global
# minimum? Check your number with 1,000 new seeded trials.
# ```
#
# ```{solution-start} ex-lm-restarts
# :class: dropdown
# ```

# %%
r_needed = int(np.ceil(np.log(1e-3) / np.log(1 - p_hat)))
trial_hits = reached_global(
    camel_starts(1000 * r_needed, np.random.default_rng(1))
).reshape(1000, r_needed)
rate = trial_hits.any(axis=1).mean()
print(
    f"R = {r_needed} restarts; predicted {1 - (1 - p_hat) ** r_needed:.4f}, measured "
    f"{rate:.3f}"
)
assert rate >= 0.99

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# Himmelblau's function comes from {cite:t}`himmelblau1972`. The view that saddle points, not local minima,
# are the main difficulty in high dimensions is due to {cite:t}`dauphin2014`; the spin-glass analysis of
# the loss of large networks to {cite:t}`choromanska2015`; the escape of saddles by noise and by perturbed
# gradient descent to {cite:t}`ge2015` and {cite:t}`jin2017`; the heavy-ball method to {cite:t}`polyak1964`,
# and Adam to {cite:t}`kingma2015`. The previous chapter, {doc}`../part3/initialization`, covers where to
# start. Full entries are in the {doc}`../appendix/bibliography`.
