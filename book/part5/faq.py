# %% [markdown]
# # Frequently asked questions
#
# Each of the five articles this book grew out of ends with a section of frequently asked questions.
# Together they ask 21 questions. Four pairs ask the same thing, which leaves the 17 below, in roughly
# the order a learner meets them: first the learning rate and speed, then local minima and non-convex
# losses, then what goes wrong in practice, and last generalization and learning to learn. One more
# entry explains a phrase that one article uses without defining it, "diamond-shaped convergence".
#
# Each answer opens with the question as the articles ask it, in Chinese, with an English rendering and
# the number of the article it comes from. The symbols follow the book's {doc}`../notation`.
#
# | article | topic |
# | --- | --- |
# | 000 | initialization strategies for gradient descent |
# | 001 | the gradient descent algorithm, with a Python implementation |
# | 002 | the mathematics of neural-network optimization |
# | 003 | keeping gradient descent out of local minima |
# | 004 | efficient gradient descent for minimizing a loss function |
#
# Some of the articles' answers are right, some are half right, and a few are wrong. Every answer here is
# short and is backed by a small experiment whose printed numbers you can check (and an `assert` where
# the answer states a fact). Where an article's answer is misleading, the section says so and shows what
# actually happens. Each answer links to the chapter that goes deeper.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - answer the common questions about gradient descent with an experiment instead of a slogan;
# - tell which common answers are wrong: local minima come from non-convexity, not from a fixed learning
#   rate; gradient descent is not limited to convex problems; regularization does not cure underfitting;
# - diagnose a slow, stuck or NaN-producing run and pick the remedy that addresses its actual cause.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from gdlearn import (
    MLP,
    SGD,
    SGDHD,
    Adam,
    ArmijoGD,
    LinearRegression,
    LogisticRegression,
    Newton,
    Quadratic,
    RMSProp,
    SixHumpCamel,
    minimize,
)
from gdlearn.data import add_bias, make_moons, standardize
from gdlearn.plot import contour, plot_path, use_book_style
from gdlearn.schedules import InverseTimeDecay, join

use_book_style()

np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## Why does gradient descent get stuck in local minima?
#
# ```{admonition} As the articles ask it
# :class: note
# - <span lang="zh">为什么梯度下降法会遇到局部最小化问题？</span>
#   "Why does gradient descent run into the problem of local minima?" (article 000, question 1)
# - <span lang="zh">为什么梯度下降法会陷入局部最小？</span>
#   "Why does gradient descent get trapped in a local minimum?" (article 003, question 1)
# ```
#
# *Asked twice.* One article answers correctly that the loss may be **non-convex**; another blames the
# **fixed learning rate**. The second answer is wrong: a fixed rate does not create local minima, and
# no choice of rate is a way of finding the global one. The minima are features of the loss. Each one
# has a **basin**: the starting points from which the *gradient flow*, the path that gradient descent
# follows in the limit of infinitely small steps, runs into it ({numref}`fig-local-minima-1` in the
# local-minima chapter draws the four basins of Himmelblau's function). So the start decides where a run with
# small enough steps ends, whether the step is fixed, decaying or chosen by a line search. Large steps
# do not follow the flow: a step that is long compared with the width of a basin can jump over the ridge
# into another basin, a better one or a worse one. On a convex function there is only one basin, so any
# start and any stable learning rate reach the same minimum.
#
# The experiment: on a convex quadratic bowl, five random starts all end at the minimum. On the six-hump
# camel function, which has six local minima, three fixed learning rates and a backtracking line search
# (a step that changes every iteration) all start at $(1.5, 0.9)$ and all end in the same local minimum,
# far above the global one. Then one large first step of 0.12 from the same start, followed by steps
# of 0.04.

# %%
bowl = Quadratic([1.0, 10.0], rotation=0.4, center=[1.0, -1.0])
ends = [
    minimize(bowl, rng.uniform(-5, 5, size=2), SGD(lr=0.1), max_steps=500, gtol=1e-8).x
    for _ in range(5)
]
print("convex bowl, 5 random starts, end points:", np.round(ends, 4).tolist())

camel = SixHumpCamel()
start = np.array([1.5, 0.9])
runs = {
    f"fixed lr {lr}": minimize(camel, start, SGD(lr=lr), max_steps=600, gtol=1e-6)
    for lr in (0.01, 0.02, 0.04)
}
runs["line search"] = minimize(
    camel, start, ArmijoGD(alpha0=0.1), max_steps=600, gtol=1e-6
)
for name, res in runs.items():
    print(f"six-hump camel, {name:<12}: end {res.x}, f = {res.fun:.4f} "
          f"({res.n_steps} steps)")
print(f"global minimum value: {camel.min_value:.4f}")

one_big_step = SGD(lr=join([0.12, 0.04], [1]))  # 0.12 for one step, then 0.04
hop = minimize(camel, start, one_big_step, max_steps=600, gtol=1e-6)
curvature = np.linalg.eigvalsh(camel.hess(hop.x)).max()
print(f"first step 0.12, then 0.04: the first step lands at {hop.history.x[1]}, "
      f"the run ends at {hop.x}, f = {hop.fun:.4f}")
print(f"largest curvature at that minimum {curvature:.1f}, so 2/L there = "
      f"{2 / curvature:.3f}")

# %%
assert all(np.allclose(e, bowl.center, atol=1e-6) for e in ends)
assert all(np.allclose(r.x, runs["line search"].x, atol=1e-4) for r in runs.values())
assert runs["line search"].fun > camel.min_value + 3
assert hop.converged and np.linalg.norm(hop.x - runs["line search"].x) > 1
# the first step alone decides it: tiny steps from there end at the same minimum
flow = minimize(camel, hop.history.x[1], SGD(lr=0.005), max_steps=20000, gtol=1e-8)
assert np.allclose(flow.x, hop.x, atol=1e-4) and 2 / curvature < 0.12

# %% [markdown]
# Small and moderate rates changed how many steps the run took, not where it ended. One large step was
# enough to change the minimum: from $(1.5, 0.9)$ a step of 0.12 lands at about $(1.53, 0.18)$, across the
# ridge, where the gradient flow leads to the minimum at $(1.70, -0.80)$. That minimum happens to be lower,
# but nothing made it so. A rate of 0.12 kept for the whole run would not settle there either, since the
# curvature there reaches about 22.7 and $2/22.7 \approx 0.088$ is below 0.12; hence the switch to 0.04.
# Momentum and Adam with a large rate change the final minimum in the same way (see the answer on Adam and
# RMSProp below). Chapter
# {doc}`../part3/local_minima` looks at local minima and saddle points in depth, and
# {doc}`../part2/convergence_rates` shows which guarantees convexity buys.
#
# ## What happens if the learning rate is too large or too small?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">为什么梯度下降算法需要选择合适的学习率？</span>
# "Why does gradient descent need a well-chosen learning rate?" (article 002, question 1)
# ```
#
# One article says that a too large learning rate "skips over the optimum and converges to a wrong local
# minimum". On a smooth loss the usual outcome is simpler and worse: with curvature at most $L$ the loss is
# guaranteed to decrease only for $\alpha < 2/L$, and on a quadratic any rate above $2/L$ makes the error in
# the steepest direction grow by the factor $|1 - \alpha L| > 1$ at every step, so the run **diverges**. A
# too small rate is safe but slow: the error in a direction of curvature $\lambda$ shrinks by
# $1 - \alpha\lambda$ per step. Here is a bowl with curvatures 1 and 10, so $2/L = 0.2$, and four rates, each
# run for 150 steps. (`minimize` would normally stop a run once the gradient norm falls to its default
# tolerance `gtol=1e-5`; `gtol=None` switches that off, so that every converging run draws its full loss
# curve.)

# %%
bowl10 = Quadratic([1.0, 10.0])
x0 = np.array([1.0, 1.0])
lr_runs = {
    lr: minimize(bowl10, x0, SGD(lr=lr), max_steps=150, gtol=None)
    for lr in (0.01, 0.1, 0.19, 0.21)
}
print(f"2/L = {2 / bowl10.L:.2f}")
for lr, res in lr_runs.items():
    shown = f"{res.fun:.2e}" if res.fun > 1e-6 else "below 1e-10"
    print(f"lr = {lr:4.2f}: {res.status:<9} after {res.n_steps:3d} steps, loss {shown}")

# %%
assert lr_runs[0.21].status == "diverged"
assert all(lr_runs[lr].status == "max_steps" for lr in (0.01, 0.1, 0.19))
assert lr_runs[0.01].fun > 1e-2 and max(lr_runs[lr].fun for lr in (0.1, 0.19)) < 1e-10
# without gtol=None the default tolerance would have ended the good runs early
assert minimize(bowl10, x0, SGD(lr=0.1), max_steps=150).status == "converged"
# the divergent run: stopped at step 37 by the rising-loss check, clear of its threshold
blown = lr_runs[0.21]
f0 = blown.history.loss[0]
rise_limit = f0 + 1e3 * max(1.0, f0)
assert blown.n_steps == 37 and "(rising-loss check)" in blown.message
assert blown.history.loss[-2] < 0.9 * rise_limit and blown.fun > 1.02 * rise_limit
assert 5.7e3 < blown.fun < 5.9e3 and blown.fun_best == f0

# %%
fig, ax = plt.subplots()
for lr, res in lr_runs.items():
    ax.semilogy(res.history.loss, label=f"lr = {lr} ({res.status})")
ax.set_xlabel("step")
ax.set_ylabel("loss (log scale)")
ax.set_title("Too small, good, nearly too large, too large (2/L = 0.2)")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the loss on a log scale against the step for four learning rates on a bowl with
# curvatures 1 and 10: lr 0.01 creeps down slowly, lr 0.1 and 0.19 fall in straight lines to about ten to
# the minus thirteen, and lr 0.21 climbs steadily for 37 steps, to a loss of about 5,800, where the run
# is stopped as diverged.*
#
# The rate 0.19 is just below $2/L$ and still converges (its steep component flips sign every step but
# shrinks); 0.21 is just above and the loss grows geometrically, by the factor $1.1^2 = 1.21$ per step. Left
# alone it would grow until it overflows to `inf`; `minimize` stops it long before: at step 37 the loss has
# risen more than 1000 times its starting scale $\max(1, |f(\theta_0)|)$ above its start and is still
# climbing (the *rising-loss check*, one of the divergence checks listed in the answer on NaN below). On a
# non-convex loss an overshooting step can also land in a different basin, but on the common, locally
# quadratic loss the failure you see is divergence. See {doc}`../part2/update_rule`.
#
# ## How do I choose the learning rate?
#
# ```{admonition} As the articles ask it
# :class: note
# - <span lang="zh">如何选择合适的学习率？</span> "How do I choose a suitable learning rate?" (article 000, question 2)
# - <span lang="zh">如何选择合适的学习率？</span> "How do I choose a suitable learning rate?" (article 003, question 2)
# ```
#
# *Asked twice.* The articles suggest trial and error, and a learning rate that decays over time. Both are
# part of the answer, and there is more structure to it:
#
# 1. If you know the largest curvature $L$ (a bound is enough), $\alpha = 1/L$ is safe.
# 2. Otherwise run a short **range test**: a few steps with rates spaced by factors of 10, and keep the
#    largest rate that still lowers the loss well. The best rate usually sits just below the first one that
#    fails.
# 3. Or let a **line search** pick each step from the loss itself.
# 4. With stochastic gradients, **decay** the rate so the noise averages out
#    ({doc}`../part3/batch_sgd_minibatch`).
#
# Logistic regression on the breast-cancer data {cite}`street1993` shows steps 1 to 3. The loss has
# curvature at most $L \le \lambda_{\max}(X^\top X)/(4n)$ because $\sigma' \le 1/4$.

# %%
cancer = load_breast_cancer()
Xc = add_bias(standardize(cancer.data)[0])
logreg = LogisticRegression(Xc, cancer.target)
L_bound = np.linalg.eigvalsh(Xc.T @ Xc / len(Xc)).max() / 4
w0 = np.zeros(Xc.shape[1])
print(f"curvature bound L = {L_bound:.3f}, safe rate 1/L = {1 / L_bound:.3f}")
safe = minimize(logreg, w0, SGD(lr=1 / L_bound), max_steps=50)
print(f"  lr = {'1/L':<6}: loss after 50 steps {safe.fun:.4f}")
range_test = {
    lr: minimize(logreg, w0, SGD(lr=lr), max_steps=50).fun
    for lr in (0.01, 0.1, 1.0, 10.0, 100.0)
}
for lr, loss in range_test.items():
    print(f"  lr = {lr:<6}: loss after 50 steps {loss:.4f}")
armijo = ArmijoGD(alpha0=1.0)
searched = minimize(logreg, w0, armijo, max_steps=50)
print(f"  line search: loss after 50 steps {searched.fun:.4f}, "
      f"with {armijo.n_evals} extra loss evaluations")
best_lr = min(range_test, key=range_test.get)
print("best rate of the range test:", best_lr)

# %%
assert best_lr == 1.0 and range_test[1.0] < safe.fun < range_test[100.0]
assert searched.fun <= range_test[1.0] + 1e-6

# %% [markdown]
# The safe rate $1/L$ works but is cautious: the bound on the curvature is pessimistic, and the range test
# finds that a rate about three times larger does better, while 100 is far too large. The backtracking
# line search reaches the range test's best loss without any sweep. Chapter
# {doc}`../part3/schedules_linesearch` covers the range test {cite}`smith2017`, schedules and line search
# {cite}`armijo1966`.
#
# ## How does plain gradient descent differ from momentum, RMSProp and Adam?
#
# ```{admonition} As the articles ask it
# :class: note
# - <span lang="zh">梯度下降法与其他优化算法的区别？</span>
#   "How does gradient descent differ from other optimization algorithms?" (article 000, question 3)
# - <span lang="zh">梯度下降算法有哪些变种？</span>
#   "Which variants of gradient descent are there?" (article 002, question 3)
# ```
#
# *Asked twice, once as "which variants exist?".* The articles list the variants (stochastic gradient
# descent, momentum, AdaGrad, RMSProp, Adam) and say they "perform better on large data sets". The size of
# the data set is not what separates them. They differ in the **update direction and step**:
#
# - **gradient descent** steps along $-\nabla f$ with one rate for every coordinate;
# - **momentum** {cite}`polyak1964` adds a fraction of the previous step, which builds up speed along a
#   narrow valley and damps the zig-zag across it;
# - **AdaGrad, RMSProp and Adam** {cite}`duchi2011,tieleman2012,kingma2015` divide each coordinate's step by
#   a running size of its gradients, a per-coordinate rate (Adam adds momentum on top).
#
# Stochastic gradient descent is a different axis: it changes how the gradient is *estimated* (from a
# sample), and any of the rules above can use it. None of them is best on every problem. On an
# ill-conditioned bowl ($\kappa = 50$), here are the steps to reach a loss of $10^{-6}$, once with the
# bowl's axes along the coordinates and once rotated by 30 degrees:

# %%
L, mu = 50.0, 1.0
hb_lr = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2
hb_momentum = ((np.sqrt(L) - np.sqrt(mu)) / (np.sqrt(L) + np.sqrt(mu))) ** 2
methods = {
    "gradient descent (1/L)": lambda: SGD(lr=1 / L),
    "heavy-ball momentum": lambda: SGD(lr=hb_lr, momentum=hb_momentum),
    "RMSProp (lr 0.01)": lambda: RMSProp(lr=0.01),
    "Adam (lr 0.05)": lambda: Adam(lr=0.05),
}


def steps_to(objective, optimizer, x0, target=1e-6, max_steps=1500):
    """Steps until the loss falls below target (None if it never does)."""
    res = minimize(objective, x0, optimizer, max_steps=max_steps, gtol=None,
                   callback=lambda k, x, f, g: f < target)
    if res.status != "callback":
        return None
    # round-off cannot change the count: the crossing is clear by a relative 1e-6
    loss = res.history.loss
    assert loss[-1] < target * (1 - 1e-6)
    assert len(loss) == 1 or loss[-2] > target * (1 + 1e-6)
    return res.n_steps


x0 = np.array([1.0, -0.5])
angles = (0.0, np.pi / 6)
table = {name: [steps_to(Quadratic([mu, L], rotation=a), make(), x0) for a in angles]
         for name, make in methods.items()}
print(f"{'method':<24}{'axis-aligned':>14}{'rotated':>10}")
for name, (aligned, rotated) in table.items():
    print(f"{name:<24}{aligned:>14}{rotated:>10}")

# %%
gd_steps, hb_steps = table["gradient descent (1/L)"], table["heavy-ball momentum"]
adam_steps, rms_steps = table["Adam (lr 0.05)"], table["RMSProp (lr 0.01)"]
others = [steps for name, steps in table.items() if name != "heavy-ball momentum"]
assert all(hb_steps[i] < min(steps[i] for steps in others) for i in (0, 1))
assert adam_steps[0] < gd_steps[0] and adam_steps[1] > gd_steps[1]
assert rms_steps[0] < gd_steps[0] and rms_steps[1] > gd_steps[1]

# %% [markdown]
# Momentum is the fastest here on both versions of the bowl. Adam and RMSProp beat plain gradient descent
# when the bowl's axes line up with the coordinates, because their per-coordinate rates then undo the bad
# scaling, and lose to it once the bowl is rotated, because a per-coordinate rate cannot undo a scaling
# along a diagonal. Their strength is robustness to badly scaled, noisy gradients with little tuning, not
# speed everywhere {cite}`wilson2017`. See {doc}`../part3/momentum` and {doc}`../part3/adaptive_methods`.
#
# ## Why does gradient descent converge slowly, and how can I speed it up?
#
# ```{admonition} As the articles ask it
# :class: note
# - <span lang="zh">梯度下降算法收敛速度慢。</span> "Gradient descent converges slowly." (article 001, question 1)
# - <span lang="zh">收敛速度慢</span> "Slow convergence" (article 004, question 2)
# ```
#
# *Asked twice.* The articles suggest tuning the learning rate, using optimizers with adaptive rates, and
# "higher-order gradient descent". The most common cause of slowness is **ill-conditioning**: the loss is
# much more curved in some directions than in others, the rate must be small enough for the steepest
# direction ($\alpha < 2/L$), and progress along the flattest direction then crawls. So the remedies, in
# the order to try them, are: rescale the features (free, and often enough), add momentum, or use curvature
# information (Newton's method, which is what "higher order" means: second derivatives).
#
# A linear regression with one feature around 100 (standard deviation 10) and one around 0:

# %%
n = 200
x_small, x_large = rng.normal(size=n), rng.normal(100.0, 10.0, size=n)
X_raw = np.column_stack([x_small, x_large])
y_lin = 2.0 * x_small + 0.05 * x_large + rng.normal(scale=0.1, size=n)
raw = LinearRegression(add_bias(X_raw), y_lin)
scaled = LinearRegression(add_bias(standardize(X_raw)[0]), y_lin)
f_star = raw.value(raw.solve())
for name, model in (("raw", raw), ("standardized", scaled)):
    eig = np.linalg.eigvalsh(model.hess())
    print(f"{name:<13} condition number {eig.max() / eig.min():.3g}")
close = lambda k, w, f, g: f - f_star < 1e-8  # noqa: E731
lr_raw = 1 / np.linalg.eigvalsh(raw.hess()).max()
lr_scaled = 1 / np.linalg.eigvalsh(scaled.hess()).max()
slow = minimize(raw, np.zeros(3), SGD(lr=lr_raw), max_steps=300)
fast = minimize(scaled, np.zeros(3), SGD(lr=lr_scaled), max_steps=300, callback=close)
newton = minimize(raw, np.zeros(3), Newton(), max_steps=5, callback=close)
print(f"raw features, GD       : after {slow.n_steps} steps the loss is still "
      f"{slow.fun - f_star:.3f} above the minimum")
print(f"standardized, GD       : within 1e-8 of the minimum after {fast.n_steps} steps")
print(f"raw features, Newton   : within 1e-8 of the minimum after {newton.n_steps} "
      "step")

# %%
assert slow.fun - f_star > 1.0 and newton.n_steps == 1
assert fast.status == "callback" and fast.n_steps < 10
gap = fast.history.loss - f_star  # the count of 4 steps is clear of round-off
assert gap[-1] < 0.99e-8 and gap[-2] > 1.01e-8

# %% [markdown]
# Standardizing the features takes the condition number from about a million down to about 1, and
# gradient descent goes from hopeless to a handful of steps. Newton's method solves a quadratic in one step
# whatever the scaling, at the price of forming and solving with the Hessian. See
# {doc}`../part4/ill_conditioning` and {doc}`../part3/newton`.
#
# ## What is "diamond-shaped convergence"?
#
# ```{admonition} As the article says it
# :class: note
# <span lang="zh">慢收敛或者钻石状收敛等问题</span> "problems such as slow convergence or diamond-shaped
# convergence" (article 004, background); <span lang="zh">收敛性问题，如钻石状收敛、梯度消失等</span>
# "convergence problems, such as diamond-shaped convergence and vanishing gradients" (article 004,
# challenges)
# ```
#
# The article names the problem twice and never says what it is, and the term is not standard. The most
# likely meaning is the **zig-zag** of gradient descent in a narrow valley: the path bounces from one wall
# of the valley to the other, and its segments draw a chain of diamonds (rhombi) along the valley floor.
# It is the visible sign of **ill-conditioning**. The rate has to stay below $2/L$ for the steepest
# direction; any rate above $1/L$ overshoots that direction, so the steep coordinate flips sign at every
# step, while along the flat floor of the valley each step covers only a small fraction of the distance.
#
# The zig-zag itself is not what makes the run slow. On a valley with curvatures 1 and 25 ($\kappa = 25$),
# from $(-8, 1)$, the steps to a loss below $10^{-6}$ and the number of sign changes of the steep
# coordinate $\theta_2$ in the first 30 steps:

# %%
valley = Quadratic([1.0, 25.0])
theta_start = np.array([-8.0, 1.0])
kappa_v = valley.L / valley.mu
hb = {"lr": 4 / (np.sqrt(valley.L) + np.sqrt(valley.mu)) ** 2,
      "momentum": ((np.sqrt(kappa_v) - 1) / (np.sqrt(kappa_v) + 1)) ** 2}
zigzag_methods = {
    "gradient descent, lr 0.07": lambda: SGD(lr=0.07),
    "gradient descent, lr 1/L = 0.04": lambda: SGD(lr=1 / valley.L),
    "heavy-ball momentum": lambda: SGD(**hb),
}
zigzag = {}
print(f"{'method':<32}{'steps to 1e-6':>14}{'sign changes':>14}")
for name, make in zigzag_methods.items():
    path = minimize(valley, theta_start, make(), max_steps=30).history.x
    steep = np.where(np.abs(path[:, 1]) > 1e-9, path[:, 1], 0.0)  # exact 0 stays 0
    flips = int(np.sum(steep[1:] * steep[:-1] < 0))
    zigzag[name] = (steps_to(valley, make(), theta_start, max_steps=2000), flips, path)
    print(f"{name:<32}{zigzag[name][0]:>14}{flips:>14}")
rescaled = Quadratic([1.0, 1.0])        # the same valley after rescaling theta_2 by 5
print(f"{'gradient descent, rescaled':<32}"
      f"{steps_to(rescaled, SGD(lr=1.0), theta_start * [1, 5]):>14}")

# %%
gd_zz, gd_flat, hb_zz = (zigzag[name] for name in zigzag_methods)
assert gd_zz[1] == 30 and gd_flat[1] == 0 and hb_zz[1] >= 20
assert hb_zz[0] < gd_zz[0] < gd_flat[0]

# %%
fig, ax = plt.subplots()
contour(valley, ax=ax, xlim=(-9, 1.5), ylim=(-2, 2), levels=15)
for (name, (_, _, path)), marker in zip(zigzag.items(), ("o", "s", "^"), strict=True):
    plot_path(ax, path, label=name, marker=marker, markersize=3)
ax.set_aspect("equal")
ax.set_xlabel(r"$\theta_1$ (flat direction, curvature 1)")
ax.set_ylabel(r"$\theta_2$ (steep)")
ax.set_title("The first 30 steps in a valley with condition number 25")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
plt.show()

# %% [markdown]
# *The figure shows the first 30 steps of three runs on the contours of a long, narrow valley. Gradient
# descent with rate 0.07 zig-zags across the valley floor in a chain of shrinking diamonds; with rate
# 0.04, one over the largest curvature, it drops to the floor in one step and then creeps along it without
# zig-zag; heavy-ball momentum swings across the valley in still wider zig-zags but is the only run that
# reaches the minimum within the 30 steps.*
#
# The run without zig-zag (rate $1/L$) is the slowest, and momentum, which swings across the valley even
# more, is the fastest. So the cure is not a smaller rate that hides the zig-zag, but a better condition
# number seen by the optimizer: momentum, which turns $\kappa$ into about $\sqrt\kappa$ in the step count
# ({doc}`../part3/momentum`), or rescaling the coordinates (feature scaling, preconditioning), after which
# the valley is a round bowl that gradient descent crosses in one step ({doc}`../part4/ill_conditioning`).
#
# ## Why does gradient descent need so many iterations?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">为什么梯度下降算法需要迭代多次？</span>
# "Why does gradient descent need many iterations?" (article 002, question 2)
# ```
#
# One article explains that "each iteration only finds the minimum for the current step size". That is not
# what happens. Gradient descent knows only the slope at the current point, so it must take steps small
# enough for the most curved direction; with $\alpha = 1/L$ the error along the flattest direction (curvature
# $\mu$) shrinks by the factor $1 - \mu/L = 1 - 1/\kappa$ per step. Reducing the error by a factor
# $\mathrm{tol}$ then takes
#
# $$
# K = \left\lceil \frac{\ln \mathrm{tol}}{\ln(1 - 1/\kappa)} \right\rceil
#   \approx \kappa \ln\frac{1}{\mathrm{tol}}
# $$
#
# steps: the count grows with the condition number $\kappa$, and only logarithmically with the accuracy.

# %%
tol = 1e-3
print(f"{'kappa':>6}{'measured':>10}{'formula':>9}")
for kappa in (1.0, 10.0, 100.0):
    measured = steps_to(Quadratic([1.0, kappa]), SGD(lr=1 / kappa),
                        np.array([1.0, 1.0]), target=0.5 * tol**2, max_steps=2000)
    formula = 1 if kappa == 1 else int(np.ceil(np.log(tol) / np.log(1 - 1 / kappa)))
    print(f"{kappa:6.0f}{measured:10d}{formula:9d}")
    assert measured == formula

# %% [markdown]
# (The loss target $\tfrac12\mathrm{tol}^2$ is the loss when the flat coordinate, of curvature 1, has
# shrunk to $\mathrm{tol}$.) The measured counts equal the formula. {doc}`../part2/convergence_rates`
# derives it, and momentum ({doc}`../part3/momentum`) replaces $\kappa$ by $\sqrt\kappa$.
#
# ## Does stochastic gradient descent get out of local minima?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">梯度下降算法陷入局部最优。</span>
# "Gradient descent gets stuck in a local optimum." (article 001, question 2)
# ```
#
# One article recommends stochastic gradient descent (SGD) for runs stuck in a local optimum. The honest
# answer is **partly**. A stochastic gradient is the true gradient plus noise, and the noise can push a run
# over a low ridge into another basin, where plain gradient descent, whose gradient is exactly zero at the
# local minimum, can never leave. But nothing steers the noise toward the *better* basin: it only makes
# basins that are hard to leave (deep or wide) more likely final homes.
#
# A loss of one parameter $\theta$, of the form $f(\theta) = \frac1n\sum_i \ell_i(\theta)$ with
# $\ell_i(\theta) = \tfrac14 \theta^4 - \tfrac12 \theta^2 + a_i \theta$ and $n = 50$ terms whose $a_i$
# average $0.2$, has a deep minimum near $\theta = -1.09$ and a shallow one near $\theta = 0.88$. SGD with
# one term per step and rate 0.1 for 200 steps, then 0.002 for 200 more to settle, from each minimum, 200
# runs each:

# %%
n_terms = 50
a = rng.normal(size=n_terms)
a = a - a.mean() + 0.2
full_grad = lambda x: x**3 - x + a.mean()  # noqa: E731
roots = np.sort(np.roots([1.0, 0.0, -1.0, a.mean()]).real)
deep, ridge, shallow = roots
f_full = lambda x: x**4 / 4 - x**2 / 2 + a.mean() * x  # noqa: E731
print(f"deep minimum theta = {deep:.3f} (f = {f_full(deep):.3f}), "
      f"ridge theta = {ridge:.3f}, "
      f"shallow minimum theta = {shallow:.3f} (f = {f_full(shallow):.3f})")

double_well = (lambda x: float(f_full(x[0])), lambda x: full_grad(x))
gd = minimize(double_well, np.array([shallow]), SGD(lr=0.1), max_steps=400)
print(f"gradient descent from the shallow minimum: {gd.status} at step {gd.n_steps}, "
      f"theta = {gd.x[0]:.3f}")


def sgd_runs(x_start, n_runs=200, lr=0.1, batch=1):
    x = np.full(n_runs, x_start)
    for t in range(400):
        idx = rng.integers(n_terms, size=(n_runs, batch))
        step = lr if t < 200 else 0.002
        x = x - step * (x**3 - x + a[idx].mean(axis=1))
    return x


escaped = np.mean(sgd_runs(shallow) < ridge)
left = np.mean(sgd_runs(deep) > ridge)
print(f"SGD from the shallow minimum: {escaped:.0%} of runs end in the deep basin")
print(f"SGD from the deep minimum:    {left:.0%} of runs end in the shallow basin")

# %%
assert gd.converged and gd.n_steps == 0 and gd.history.grad_norm[0] < 1e-10
assert abs(gd.x[0] - shallow) < 1e-12
gd_400 = minimize(double_well, np.array([shallow]), SGD(lr=0.1), max_steps=400,
                  gtol=None)
assert gd_400.n_steps == 400 and abs(gd_400.x[0] - shallow) < 1e-12
assert 0.1 < escaped < 0.9 and left == 0

# %% [markdown]
# Gradient descent never moves: its gradient at the shallow minimum is zero up to round-off, far below
# the default tolerance `gtol=1e-5` of `minimize`, which therefore reports `converged` before the first
# step (forced to take all 400 steps with `gtol=None`, it stays put just the same). SGD gets some runs out
# of the shallow minimum, not all of them, and none of the runs started in the deep minimum leaves it: the
# same noise that frees runs from the shallow basin is too weak to climb out of the deep one. Less noise
# (a smaller rate, a larger batch) means fewer escapes (see the exercises). In large networks the noise of
# SGD is also thought to steer toward wide minima that generalize well {cite}`keskar2017`; see
# {doc}`../part3/batch_sgd_minibatch` and {doc}`../part3/local_minima`.
#
# ## Do Adam and RMSProp avoid local minima?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">如何避免梯度下降陷入局部最小的其他方法？</span>
# "What other ways are there to keep gradient descent out of local minima?" (article 003, question 4)
# ```
#
# One article suggests Adam or RMSProp as "other ways" to avoid local minima. They were designed to make
# progress on badly scaled and noisy gradients, not to search for a global minimum: from a start in a
# basin they usually end in a local minimum too. Which one can change with the method and its rate,
# because larger or differently shaped steps can cross a ridge, but in either direction and not by design.
# From the start $(1.5, 0.9)$ on the six-hump camel function:

# %%
finishers = {
    "gradient descent (0.02)": SGD(lr=0.02),
    "momentum 0.9 (0.02)": SGD(lr=0.02, momentum=0.9),
    "RMSProp (0.05)": RMSProp(lr=0.05),
    "Adam (0.1)": Adam(lr=0.1),
    "Adam (0.3)": Adam(lr=0.3),
}
finals = {}
for name, opt in finishers.items():
    res = minimize(camel, start, opt, max_steps=600, gtol=1e-5)
    finals[name] = res.fun
    print(f"{name:<24} ends at {res.x}, f = {res.fun:7.4f}")
print(f"global minimum value {camel.min_value:.4f}")

# %%
assert all(f > camel.min_value + 0.5 for f in finals.values())
assert len({round(f, 3) for f in finals.values()}) >= 2

# %% [markdown]
# Every method ends in a local minimum that is not the global one, and different methods (and different
# rates for Adam) end in different ones. See {doc}`../part3/adaptive_methods`.
#
# ## How should I handle a non-convex loss?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">如何处理非凸问题？</span> "How do I deal with non-convex problems?" (article 002, question 6)
# ```
#
# One article answers: random initialization, SGD or momentum will find the global minimum. No method
# guarantees the global minimum of a general non-convex function; that problem is NP-hard in general.
# What helps in practice:
#
# - **restarts**: run from several random starting points and keep the best result, which is cheap when each
#   run is cheap;
# - **noise** (SGD) and **momentum** can carry a run across small ridges (previous two questions);
# - in large neural networks, bad local minima are less of a problem than once feared: most critical points
#   with high loss are **saddle points** {cite}`dauphin2014`, and many local minima have a loss close to the
#   global one {cite}`choromanska2015`.
#
# Ten random starts on the six-hump camel function:

# %%
lows = np.array([camel.xlim[0], camel.ylim[0]])
highs = np.array([camel.xlim[1], camel.ylim[1]])
restarts = [minimize(camel, rng.uniform(lows, highs), SGD(lr=0.02), max_steps=600,
                     gtol=1e-5) for _ in range(10)]
tally = {}
for res in restarts:
    key = f"f = {res.fun:7.4f} at {np.round(res.x, 2)}"
    tally[key] = tally.get(key, 0) + 1
for key, count in sorted(tally.items()):
    print(f"{count:2d} run{'s' if count > 1 else ' '} ended with {key}")
best = min(restarts, key=lambda r: r.fun)
print(f"best of 10 restarts: f = {best.fun:.4f} (global minimum {camel.min_value:.4f})")
assert abs(best.fun - camel.min_value) < 1e-6 and len(tally) >= 3

# %% [markdown]
# Single runs end in several different minima; the best of ten finds the global value. Restarts give no
# guarantee either (in many dimensions the number of basins can be astronomical), but they turn "stuck" into
# a probability you can measure. See {doc}`../part3/local_minima`.
#
# ## Does gradient descent only work on convex problems?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">梯度下降法适用于哪种类型的优化问题？</span>
# "What kind of optimization problem is gradient descent suited to?" (article 003, question 3)
# ```
#
# One article states that gradient descent "mainly applies to convex problems" and does poorly on
# non-convex ones. It is the other way round in practice: nearly every neural network is trained by
# gradient descent on a non-convex loss. What convexity buys is the **guarantee**. On a convex function
# every point with zero gradient is a global minimum; on a smooth non-convex function gradient descent with
# $\alpha \le 1/L$ still drives the gradient to zero (the smallest gradient norm after $k$ steps falls like
# $1/\sqrt{k}$ {cite}`bottou2018`), but a point with zero gradient may be a local minimum or even a saddle
# point.
#
# Both halves, measured: a small network on the two-moons data (a non-convex loss) trains well; and on
# $f(\theta) = \tfrac12 \theta_1^2 + \tfrac14 \theta_2^4 - \tfrac12 \theta_2^2$, a start exactly on the
# line $\theta_2 = 0$ converges to the saddle point at the origin, while a start $10^{-8}$ off it reaches a
# minimum.

# %%
X_moons, y_moons = make_moons(100, rng, noise=0.1)
net = MLP(X_moons, y_moons, hidden=(8,), activation="tanh", output="sigmoid")
p_xavier = net.init(np.random.default_rng(SEED), scheme="xavier_normal")
trained = minimize(net, p_xavier, Adam(lr=0.05), max_steps=200)
print(f"two moons, 2-8-1 network: loss {net.value(p_xavier):.3f} -> {trained.fun:.3f}, "
      f"training accuracy {net.score(trained.x):.2f}, "
      f"final gradient norm {trained.history.grad_norm[-1]:.3f}")

saddle_f = lambda p: float(0.5 * p[0]**2 + 0.25 * p[1]**4 - 0.5 * p[1]**2)  # noqa: E731
saddle_g = lambda p: np.array([p[0], p[1] ** 3 - p[1]])  # noqa: E731
saddle_runs = {}
for y_start in (0.0, 1e-8):
    res = minimize((saddle_f, saddle_g), np.array([1.0, y_start]), SGD(lr=0.5),
                   max_steps=500, gtol=1e-8)
    saddle_runs[y_start] = res
    print(f"start (1, {y_start:g}): {res.status} after {res.n_steps} steps at {res.x}, "
          f"f = {res.fun:.4f}")

# %%
assert trained.fun < 0.1 * net.value(p_xavier) and net.score(trained.x) == 1.0
on_line, off_line = saddle_runs[0.0], saddle_runs[1e-8]
assert on_line.converged and np.allclose(on_line.x, 0.0) and abs(on_line.fun) < 1e-12
assert off_line.converged and np.allclose(off_line.x, [0.0, 1.0])
assert off_line.fun < -0.24

# %% [markdown]
# Both runs stopped with status `converged` (small gradient), but only the second reached a minimum. The
# Hessian at the origin has eigenvalues $1$ and $-1$, a saddle; the smallest nudge off the line
# $\theta_2 = 0$ is amplified by the factor $1 + \alpha = 1.5$ per step until the run falls into the
# minimum at $(0, 1)$. See {doc}`../part2/convergence_rates` and {doc}`../part3/local_minima`.
#
# ## Why do I get NaN or inf, and does gradient clipping fix it?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">梯度下降算法计算梯度时可能出现NaN或Infinity的问题。</span>
# "Computing the gradient can produce NaN or Infinity." (article 001, question 3)
# ```
#
# One article says to use gradient clipping. **Sometimes** that is the fix; often the cause lies elsewhere,
# and clipping only hides it. Three typical causes:
#
# 1. **The learning rate is too large.** The loss grows geometrically and, left alone, overflows. Clipping
#    bounds each step, so the run no longer overflows, but it does not converge either; the fix is a
#    smaller rate.
# 2. **A steep region far from the minimum.** Near a "wall" the gradient is huge and one step throws the
#    run far away, even though the rate suits the region near the minimum. Here clipping is the right fix.
# 3. **An unstable formula.** Computing $-\log(1 - \sigma(z))$ literally gives $\log 0 = -\infty$ once
#    $\sigma(z)$ rounds to 1, even though the gradient $\sigma(z) - y$ is perfectly finite. Clipping acts on
#    the gradient and cannot help; the stable formula $\log(1 + e^{z}) - yz$ (`np.logaddexp`) can.
#
# In the first two cases `minimize` does not wait for the NaN. After every step it applies three
# divergence checks, with the starting scale $s = \max(1, |f(\theta_0)|)$:
#
# - the *non-finite check*: the loss, the gradient or the new point is `inf` or `nan` (that point is
#   rejected);
# - the *blow-up check*: the loss exceeds $10^{12} s$;
# - the *rising-loss check*: the loss has risen more than $1000 s$ above its start and sets a new high.
#
# The first check that fires stops the run with status `"diverged"`. The message names the check (printed
# below) and then suggests a smaller learning rate; `x` is the last accepted point and `x_best` the best one seen. In the
# third case the loss itself is already infinite at the first evaluation.

# %%
# 1. too large a learning rate (2/L = 0.2)
too_big = minimize(bowl10, x0, SGD(lr=0.25), max_steps=300)
clipped = minimize(bowl10, x0, SGD(lr=0.25), max_steps=300, clip_norm=1.0)
smaller = minimize(bowl10, x0, SGD(lr=0.1), max_steps=300, gtol=1e-8)
print(f"1. lr 0.25           : {too_big.status}, {too_big.message.split(';')[0]}")
print(f"   lr 0.25, clipped  : {clipped.status}, "
      f"loss after 300 steps {clipped.fun:.3f}")
print(f"   lr 0.1            : {smaller.status} after {smaller.n_steps} steps")

# 2. a steep wall: f(x) = x^4/4 + x^2/2 from x = 5
wall = (lambda x: float(x[0] ** 4 / 4 + x[0] ** 2 / 2), lambda x: x**3 + x)
unclipped = minimize(wall, np.array([5.0]), SGD(lr=0.1), max_steps=300, gtol=1e-8)
with_clip = minimize(wall, np.array([5.0]), SGD(lr=0.1), max_steps=300, gtol=1e-8,
                     clip_norm=1.0)
wall_check = unclipped.message.split(";")[0]  # the check, without the advice
print(f"2. steep wall        : {unclipped.status}, {wall_check}")
print(f"   clipped to norm 1 : {with_clip.status} after {with_clip.n_steps} steps, "
      f"|x| below 1e-8: {abs(with_clip.x[0]) < 1e-8}")

# 3. an unstable formula: the cross-entropy of a confidently wrong prediction
z, label = 40.0, 0.0
sigma = 1.0 / (1.0 + np.exp(-z))
with np.errstate(divide="ignore"):
    naive = -(label * np.log(sigma) + (1 - label) * np.log(1 - sigma))
stable = np.logaddexp(0.0, z) - label * z
print(f"3. sigma(40) rounds to {sigma:.1f}; naive loss {naive}, "
      f"gradient {sigma - label:.1f}, stable loss {stable:.1f}")

# %%
assert too_big.status == "diverged" and smaller.converged
assert clipped.status == "max_steps" and clipped.fun > 1e-2
assert unclipped.status == "diverged" and with_clip.converged
# both divergent runs: stopped early by the rising-loss check, best point = the start
for run, k in ((too_big, 9), (unclipped, 2)):
    f_start = run.history.loss[0]
    limit = f_start + 1e3 * max(1.0, f_start)
    assert run.n_steps == k and "(rising-loss check)" in run.message
    assert run.history.loss[-2] < 0.9 * limit and run.fun > 1.02 * limit
    assert run.fun_best == f_start and np.isfinite(run.x).all()
assert 1.8e3 < too_big.fun < 1.9e3 and 9.3e5 < unclipped.fun < 9.4e5
assert abs(with_clip.x[0]) < 1e-8
assert np.isinf(naive) and np.isfinite(sigma - label) and stable == 40.0

# %% [markdown]
# Both divergent runs were stopped by the rising-loss check, long before an overflow: the loss of case 1
# climbed from 1.75 to about 1,850 in 9 steps, that of case 2 from 169 to about 938,000 in 2 steps. In
# case 1 clipping turned this blow-up into a run that neither diverges nor converges; in case 2 it turned
# a divergent run into a convergent one; in case 3 the gradient was fine all along. Before clipping, find
# out which case you are in: print the loss and the gradient norm of the first steps. See
# {doc}`../part4/vanishing_exploding` and {doc}`../part2/loss_functions`.
#
# ## How should I initialize the parameters?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">如何选择合适的初始化策略？</span>
# "How do I choose a suitable initialization strategy?" (article 002, question 4)
# ```
#
# One article lists zero initialization, random initialization and Xavier initialization as equally good
# options. They are not:
#
# - for a **strictly convex** loss, which has a single minimizer (linear regression with linearly
#   independent features, logistic regression with an $L_2$ penalty), the start does not change the
#   answer, and zeros are fine (the first question showed five random starts on a convex bowl reaching
#   the same point). Convexity alone is not enough: with more features than examples, least squares has
#   infinitely many minimizers and gradient descent returns the one nearest to its start, the
#   minimum-norm solution when it starts from zero ({doc}`../part4/regularization` shows this, and why it
#   matters); logistic regression on separable data has no minimizer at all;
# - for a **network**, all-zero weights make every weight gradient zero (with tanh), and any constant
#   initialization makes all hidden units of a layer compute the same function and receive the same update
#   forever: the **symmetry** is never broken and the layer acts like a single unit;
# - random weights must have the right **scale**: Xavier/Glorot {cite}`glorot2010` for tanh or sigmoid, He
#   {cite}`he2015` for ReLU, so that signals neither shrink nor grow from layer to layer.
#
# First the convex case that is not strictly convex: least squares with 5 examples and 10 features, from
# zero and from a random start (a generator of its own keeps the rest of the chapter's draws unchanged).

# %%
wide_rng = np.random.default_rng(SEED + 1)
A_wide, b_wide = wide_rng.normal(size=(5, 10)), wide_rng.normal(size=5)
wide = LinearRegression(A_wide, b_wide)
lr_wide = 1 / np.linalg.eigvalsh(wide.hess()).max()
wide_runs = {name: minimize(wide, w_start, SGD(lr=lr_wide), max_steps=20000, gtol=1e-12)
             for name, w_start in (("from zero", np.zeros(10)),
                                   ("from a random start", wide_rng.normal(size=10)))}
w_min_norm = np.linalg.pinv(A_wide) @ b_wide
for name, res in wide_runs.items():
    print(f"{name:<20}: training loss below 1e-12: {res.fun < 1e-12}, "
          f"norm of the answer {np.linalg.norm(res.x):.3f}")
print(f"minimum-norm solution: norm {np.linalg.norm(w_min_norm):.3f}")

# %%
zero_run, random_run = wide_runs["from zero"], wide_runs["from a random start"]
assert all(res.converged and res.fun < 1e-12 for res in wide_runs.values())
assert np.allclose(zero_run.x, w_min_norm, atol=1e-8)
assert np.linalg.norm(random_run.x - zero_run.x) > 0.5

# %% [markdown]
# Both runs fit the five examples exactly and return different weights; the run from zero returns the
# minimum-norm solution. Now the two-moons network from above, started three ways:

# %%
p_zero = net.init(np.random.default_rng(SEED), scheme="zeros")
grad_norms = {k: float(np.linalg.norm(v)) for k, v in net.grad(p_zero).items()}
shown = {k: "0" if v == 0 else "< 1e-15" for k, v in grad_norms.items()}
stuck = minimize(net, p_zero, Adam(lr=0.05), max_steps=200, gtol=1e-12)
print("zeros       : gradient norms", shown,
      f"-> {stuck.status} at step {stuck.n_steps}, loss {stuck.fun:.4f}")

constant = lambda shape, rng: np.full(shape, 0.3)  # noqa: E731
p_const = net.init(np.random.default_rng(SEED), scheme=constant)
sym = minimize(net, p_const, Adam(lr=0.05), max_steps=200)
spread = float(np.ptp(sym.x["W1"], axis=1).max())
print(f"constant 0.3: loss {sym.fun:.4f}, accuracy {net.score(sym.x):.2f}, "
      f"hidden units' weights equal to 1e-12: {spread < 1e-12}")
print(f"Xavier      : loss {trained.fun:.4f}, accuracy {net.score(trained.x):.2f}")

# %%
assert all(v < 1e-15 for v in grad_norms.values()) and stuck.n_steps == 0
assert spread < 1e-12 and sym.fun > 10 * trained.fun

# %% [markdown]
# With zeros, gradient descent does not move at all: the start is a stationary point, and `minimize` reports
# it as `converged` at step 0. With a constant, the eight hidden units stay exact copies of each other after
# 200 steps, so the network computes what a single hidden unit could, and it misclassifies about one point
# in eight. Random Xavier weights break the symmetry and the same network fits all the training points.
# See {doc}`../part3/initialization`.
#
# ## How do I deal with vanishing and exploding gradients?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">如何处理梯度消失和梯度爆炸问题？</span>
# "How do I deal with vanishing and exploding gradients?" (article 002, question 5)
# ```
#
# The gradient of an early layer is a product of one factor per later layer, so it shrinks or grows
# geometrically with depth. The article's remedies need some nuance:
#
# - **clipping** (the article says "weight clipping"; it means the gradient) caps exploding gradients and
#   does nothing for vanishing ones, which are far below any clipping threshold {cite}`pascanu2013`;
# - **initialization** with the right scale, and activations that do not saturate (tanh or ReLU instead of
#   sigmoid), keep the factors near 1 at the start of training {cite}`glorot2010,he2015`;
# - **batch normalization** {cite}`ioffe2015` re-centres and rescales each layer's inputs during training,
#   which helps keep them out of saturation, but it is not a guarantee against either problem; and
#   **dropout** {cite}`srivastava2014`, sometimes mentioned in the same breath, is a regularizer and does
#   nothing for vanishing gradients.
#
# The norm of the weight gradient of the first and the last of nine layers, in a network with eight hidden
# layers of width 16:

# %%
X_deep, y_deep = rng.normal(size=(64, 4)), rng.normal(size=64)
setups = {
    "sigmoid, N(0, 0.01^2)": ("sigmoid", "normal"),
    "tanh, Xavier": ("tanh", "xavier_normal"),
    "identity, N(0, 0.5^2)": ("identity", lambda shape, rng: rng.normal(0, 0.5, shape)),
}
print(f"{'activation, initialization':<28}{'first layer':>12}{'last layer':>12}")
norms = {}
for name, (activation, scheme) in setups.items():
    deep_net = MLP(X_deep, y_deep, hidden=(16,) * 8, activation=activation)
    p_deep = deep_net.init(np.random.default_rng(SEED), scheme=scheme)
    norms[name] = deep_net.layer_grad_norms(p_deep)
    shown = [f"{v:.2e}" if v > 1e-6 else "< 1e-14" for v in norms[name][[0, -1]]]
    print(f"{name:<28}{shown[0]:>12}{shown[1]:>12}")

# %%
assert norms["sigmoid, N(0, 0.01^2)"][0] < 1e-14
assert norms["sigmoid, N(0, 0.01^2)"][-1] > 1e-2
assert 0.1 < norms["tanh, Xavier"][0] / norms["tanh, Xavier"][-1] < 10
assert min(norms["identity, N(0, 0.5^2)"][[0, -1]]) > 1e5
assert max(norms[k].max() for k in ("sigmoid, N(0, 0.01^2)", "tanh, Xavier")) < 1

# %% [markdown]
# With sigmoid units and tiny weights the first layer's gradient norm is below $10^{-14}$ while the last
# layer's is above $10^{-2}$, more than $10^{12}$ times smaller: the first layer would not learn. Xavier
# weights with tanh keep the two within a factor of two. Weights that are too large make every gradient
# enormous: with the identity activation each layer multiplies the size of the signal by about
# $0.5\sqrt{16} = 2$, forward and backward, and the first and last gradient norms come out above
# $10^5$, where the other two networks stay below 1 in every layer. See
# {doc}`../part4/vanishing_exploding` and {doc}`../part3/initialization`.
#
# ## What if the gradient does not exist?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">梯度不存在</span> "The gradient does not exist" (article 004, question 1)
# ```
#
# One article answers this question with remedies for vanishing and exploding gradients (regularization,
# SGD). That mixes up two different things. A vanishing gradient exists and is tiny. A gradient **does not
# exist** at a kink: $|\theta|$ at 0, a ReLU at 0, an L1 penalty, the hinge loss. There one uses a
# **subgradient** (any slope between the left and right derivatives; for $|\theta|$,
# $\operatorname{sign}(\theta)$, with 0 at 0). Subgradient descent works but needs a **decaying** rate: with
# a constant rate it bounces around the kink forever, because the subgradient has size 1 right up to the
# minimum. For the same reason a stopping rule on the gradient norm never fires there.

# %%
absolute = (lambda x: float(abs(x[0])), lambda x: np.sign(x))
x_start = np.array([0.35])
constant_rate = minimize(absolute, x_start, SGD(lr=0.1), max_steps=300, gtol=1e-3)
decaying = SGD(lr=InverseTimeDecay(0.1, decay_rate=1.0))
decaying_rate = minimize(absolute, x_start, decaying, max_steps=301, gtol=1e-3)
dist = np.abs(decaying_rate.history.x[:, 0])      # |theta_k| for k = 0, ..., 301
print(f"constant rate 0.1     : {constant_rate.status}, "
      f"last iterates {constant_rate.history.x[-4:, 0]}")
print(f"rate 0.1 / (1 + k)    : {decaying_rate.status}; after K steps, |theta_K| and "
      "the last step length 0.1/K:")
for K in (299, 300, 301):
    print(f"    K = {K}: |theta_K| = {dist[K]:.1e} <= {0.1 / K:.1e}")

# %%
assert constant_rate.status == decaying_rate.status == "max_steps"
assert np.allclose(np.abs(constant_rate.history.x[-10:, 0]), 0.05)
# the bound holds at every step after the first crossing of 0 (by step 30 here)
first_cross = int(np.argmax(decaying_rate.history.x[:, 0] < 0))
assert 0 < first_cross < 30
assert all(dist[K] <= 0.1 / K * (1 + 1e-12) for K in range(first_cross, 302))
assert 0.05 / (0.1 / 300) == 150


# %% [markdown]
# The constant-rate run settles into a two-cycle $\pm 0.05$, half a step from the minimum. The decaying
# rate does better, by an amount you can state: once an iterate has crossed the kink, each later one lies
# within the last step length of it, $|\theta_K| \le \alpha_{K-1} = 0.1/K$. (If
# $|\theta_k| \le \alpha_{k-1}$, the next step of length $\alpha_k$ goes towards 0 and ends at most
# $\max(\alpha_k, \alpha_{k-1} - \alpha_k) = \alpha_k$ from it, since $\alpha_{k-1} \le 2\alpha_k$.) After
# 300 steps that is $3.3 \times 10^{-4}$, 150 times closer than the constant rate. A single iterate can
# be much closer, like $\theta_{300}$ here, but that is luck: one step earlier or later the distance is
# back near the bound. Neither run ever satisfies the gradient test. Alternatives are to smooth the kink
# (the Huber loss replaces $|r|$ near 0 by a parabola) or to use a proximal method. See
# {doc}`../part2/derivatives_and_gradients` and {doc}`../part2/loss_functions`.
#
# ## What helps against overfitting?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">模型过拟合</span> "The model overfits" (article 004, question 3)
# ```
#
# The article's answer, regularization or dropout, is right as far as it goes. **Overfitting** means the
# model fits the noise of the training data: low training loss, much higher loss on new data. Remedies:
# more data; a penalty on large weights ($L_2$ regularization, also called weight decay); **early
# stopping**, which halts gradient descent before it fits the noise {cite}`prechelt1998`; and for networks,
# dropout {cite}`srivastava2014`. A degree-9 polynomial fitted to 12 noisy points of a sine, with an $L_2$
# penalty of weight $\nu$ (the penalty $\tfrac\nu2\|\theta\|^2$ added to the loss):


# %%
def poly_features(x, degree=9):
    return np.column_stack([x**k for k in range(1, degree + 1)])


x_train = rng.uniform(-1, 1, 12)
x_test = rng.uniform(-1, 1, 200)
y_train = np.sin(np.pi * x_train) + rng.normal(scale=0.2, size=12)
y_test = np.sin(np.pi * x_test) + rng.normal(scale=0.2, size=200)
P_train, p_mean, p_std = standardize(poly_features(x_train))
P_train = add_bias(P_train)
P_test = add_bias(standardize(poly_features(x_test), p_mean, p_std)[0])
train_loss, test_loss = {}, {}
for nu in (0.0, 1e-3, 1e-1):
    w = LinearRegression(P_train, y_train, l2=nu).solve()
    train_loss[nu] = LinearRegression(P_train, y_train).value(w)
    test_loss[nu] = LinearRegression(P_test, y_test).value(w)
    print(f"nu = {nu:<6}: training loss {train_loss[nu]:.4f}, "
          f"test loss {test_loss[nu]:.4f}")

# %%
assert test_loss[1e-3] < 0.5 * test_loss[0.0] and train_loss[1e-3] > train_loss[0.0]
assert test_loss[1e-1] > test_loss[1e-3]

# %% [markdown]
# Without the penalty the training loss is almost zero and the test loss is many times larger: overfitting.
# A small penalty gives up a little training loss and cuts the test loss by a large factor; too large a
# penalty makes the fit too stiff. See {doc}`../part4/regularization`.
#
# ## Does regularization help when a model underfits?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">模型欠拟合</span> "The model underfits" (article 004, question 4)
# ```
#
# One article recommends regularization against **underfitting**. That is backwards. Underfitting means the
# model cannot even fit the training data: its training loss is high. Regularization restricts the model
# further and makes it worse. The remedies are more capacity (better features, a larger model), less
# regularization, and training longer if the optimizer has not yet converged. A straight line fitted to
# points on a parabola:

# %%
x_u = rng.uniform(-2, 2, 100)
y_u = x_u**2 + rng.normal(scale=0.3, size=100)
designs = {
    "straight line": (add_bias(x_u[:, None]), 0.0),
    "straight line, l2 = 1": (add_bias(x_u[:, None]), 1.0),
    "line + x^2 feature": (add_bias(np.column_stack([x_u, x_u**2])), 0.0),
}
fit_loss = {}
for name, (X_u, nu) in designs.items():
    w = LinearRegression(X_u, y_u, l2=nu).solve()
    fit_loss[name] = LinearRegression(X_u, y_u).value(w)
    print(f"{name:<23}: training loss {fit_loss[name]:.4f}")
assert fit_loss["straight line, l2 = 1"] > fit_loss["straight line"]
assert fit_loss["straight line"] > 5 * fit_loss["line + x^2 feature"]

# %% [markdown]
# The penalty raised the training loss of the underfitting line; the missing feature brought it down to the
# noise level ($\tfrac12 \cdot 0.3^2 = 0.045$). See {doc}`../part4/regularization`.
#
# ## How can meta-learning help gradient descent?
#
# ```{admonition} As the articles ask it
# :class: note
# <span lang="zh">元学习如何帮助梯度下降法？</span>
# "How does meta-learning help gradient descent?" (article 003, question 5)
# ```
#
# **Meta-learning** means learning how to learn: using the experience of training to improve the training
# procedure itself. For gradient descent that can mean learning the learning rate, all hyper-parameters, or
# even the update rule {cite}`maclaurin2015,andrychowicz2016`. The simplest instance is **hypergradient
# descent** {cite}`baydin2018`: the loss after a step depends on the learning rate used, its derivative with
# respect to that rate is $-g_k \cdot g_{k-1}$ (with $g_k = \nabla f(\theta_k)$), and SGD-HD takes a
# gradient step on the rate with it before every parameter step. On the breast-cancer logistic regression,
# started with a rate 1000 times too small:

# %%
plain = minimize(logreg, w0, SGD(lr=0.001), max_steps=100)
print(f"SGD, lr 0.001          : loss after 100 steps {plain.fun:.4f}")
for hyper_lr in (0.01, 0.1):
    hd = SGDHD(lr=0.001, hyper_lr=hyper_lr)
    learned = minimize(logreg, w0, hd, max_steps=100)
    print(f"SGD-HD, hyper_lr {hyper_lr:<5}: loss after 100 steps {learned.fun:.4f}, "
          f"learned lr {hd.alpha:.3f}")
assert learned.fun < 0.2 * plain.fun and hd.alpha > 100 * 0.001

# %% [markdown]
# The hypergradient raised the rate from 0.001 to a useful value on its own, and the loss after 100 steps
# is several times lower than with the rate left where it started. The catch: the hypergradient learning
# rate $\psi$ (`hyper_lr`) is a new hyper-parameter, and not a forgiving one. The rate moves by
# $\psi\, g_k \cdot g_{k-1}$, which scales with the squared size of the gradients, so a good value depends on
# the problem: {doc}`../part4/hypergradient` needs $10^{-6}$ on a quadratic bowl and $3$ on a logistic
# regression, and on the bowl only values within a factor of about ten of each other work from both a too
# small and a too large starting rate. Hypergradient descent replaces the search for a learning rate by
# a search for $\psi$, which is easier only when the scale of the gradients is known.
#
# ## Key points
#
# - Local minima come from a **non-convex** loss; the starting point picks the basin, unless steps large
#   compared with the basin jump out of it. A fixed learning rate is not the cause, and no common optimizer
#   (SGD, momentum, Adam) is designed to find the global minimum.
# - A learning rate above $2/L$ makes gradient descent **diverge**; a tiny one makes it crawl. Pick it from
#   a curvature bound, a short range test or a line search.
# - Slow convergence usually means **ill-conditioning**: rescale the features first, then consider momentum
#   or curvature information. The number of steps grows like $\kappa \ln(1/\mathrm{tol})$.
# - Gradient descent is used on non-convex problems all the time; without convexity its guarantee is only a
#   small gradient, which may be a saddle point.
# - NaN and inf come from too large a rate, a steep region or an unstable formula; gradient clipping fixes
#   only the second.
# - Initialize networks randomly at the right scale: constant starts never break the symmetry.
# - Regularization fights overfitting and worsens underfitting. Meta-learning, in its simplest form, learns
#   the learning rate by gradient descent.
#
# ## Exercises
#
# ```{exercise} The edge of stability
# :label: ex-faq-edge
# For the bowl `Quadratic([1.0, 40.0])`, predict the largest learning rate for which gradient descent
# converges. Check the prediction by running up to 200 steps with rates 2% below and 2% above it. At which
# step does `minimize` stop the run above the limit, and why?
# ```
#
# ```{solution-start} ex-faq-edge
# :class: dropdown
# ```
#
# The largest curvature is $L = 40$, so the limit is $2/L = 0.05$. Just below it the steep component flips
# sign and shrinks by the factor $|1 - 0.049 \cdot 40| = 0.96$ per step; just above it, it grows by $1.04$.
#
# From $\theta_0 = (1, 1)$ the loss starts at $f_0 = \tfrac12(1 + 40) = 20.5$, of which the steep
# component contributes 20. Above the limit that part grows by $1.04^2 \approx 1.08$ per step, while the
# flat part only shrinks, so the rising-loss check of `minimize` (a loss more than $1000 \max(1, f_0)$
# above $f_0$ and still climbing) fires at the first $k$ with $20 \cdot 1.04^{2k} > 20.5 + 20500$, which
# is $k = 89$. (`gtol=None` lets the run below the limit take all 200 steps whatever its gradient norm.)

# %%
bowl40 = Quadratic([1.0, 40.0])
below = minimize(bowl40, np.array([1.0, 1.0]), SGD(lr=0.049), max_steps=200, gtol=None)
above = minimize(bowl40, np.array([1.0, 1.0]), SGD(lr=0.051), max_steps=200, gtol=None)
predicted_stop = int(np.ceil(np.log((20.5 + 20500) / 20) / (2 * np.log(1.04))))
print(f"lr 0.049: {below.status} after {below.n_steps} steps, "
      f"loss {below.history.loss[0]:.2f} -> {below.fun:.2e}")
print(f"lr 0.051: {above.status} at step {above.n_steps} (predicted {predicted_stop}), "
      f"loss {above.history.loss[0]:.2f} -> {above.fun:.2e}")

# %%
assert below.status == "max_steps" and below.fun < below.history.loss[0] < above.fun
assert above.diverged and "(rising-loss check)" in above.message
assert above.n_steps == predicted_stop == 89
limit = 20.5 + 1e3 * 20.5
assert above.history.loss[-2] < 0.98 * limit and above.fun > 1.02 * limit

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Less noise, fewer escapes
# :label: ex-faq-batch
# Repeat the SGD experiment on the double-well loss with minibatches of 10 terms instead of 1. Do more or
# fewer runs escape the shallow minimum? Why?
# ```
#
# ```{solution-start} ex-faq-batch
# :class: dropdown
# ```
#
# A minibatch of 10 averages 10 of the $a_i$, so the noise in the gradient has about $1/\sqrt{10}$ of its
# standard deviation with one term. With less noise, fewer runs are kicked over the ridge.

# %%
escaped10 = np.mean(sgd_runs(shallow, batch=10) < ridge)
print(f"batch 1: {escaped:.0%} escape; batch 10: {escaped10:.0%} escape")
assert escaped10 < escaped

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The answers follow the standard accounts in {cite:t}`goodfellow2016` (Chapter 8) and the survey of
# gradient-descent variants by {cite:t}`ruder2016`, with the convergence theory of {cite:t}`bottou2018`.
# The individual methods and findings are cited where they appear: momentum {cite:p}`polyak1964`, adaptive
# methods {cite:p}`duchi2011,tieleman2012,kingma2015,wilson2017`, saddle points and local minima in networks
# {cite:p}`dauphin2014,choromanska2015`, initialization {cite:p}`glorot2010,he2015`, exploding gradients
# {cite:p}`pascanu2013`, batch normalization and dropout {cite:p}`ioffe2015,srivastava2014`, early stopping
# {cite:p}`prechelt1998`, learning-rate search {cite:p}`smith2017,armijo1966` and learning to learn
# {cite:p}`baydin2018,maclaurin2015,andrychowicz2016`. The breast-cancer data come from
# {cite:t}`street1993`.
