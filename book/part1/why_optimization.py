# %% [markdown]
# # Why optimization: from a model's error to a landscape
#
# A model is a formula with knobs. Training it means turning the knobs until the formula
# agrees with the data. This chapter makes that sentence precise on a real data set: the
# error of a model becomes a function of its parameters, that function becomes a
# landscape we can draw, and training becomes a walk downhill on it. The rest of the
# book is about walking well.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write a model's error on a data set as a loss function $f(\theta)$ of its
#   parameters;
# - draw a loss as a curve (one parameter) and as a contour map (two parameters) and
#   read its minimum off the picture;
# - explain why we search for the minimum step by step instead of solving for it;
# - take the first steps of gradient descent by hand and check them against `gdlearn`.
# ```
#
# The symbols follow the book's {doc}`../notation`: $\theta$ for the parameters,
# $f(\theta)$ for the loss, $\alpha$ for the learning rate, and $x_i, y_i$ for the data.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

import gdlearn
from gdlearn.data import add_bias, standardize
from gdlearn.models import LinearRegression
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## A model and its error
#
# scikit-learn ships a small medical data set {cite}`efron2004`: for 442 diabetes
# patients, ten baseline measurements and a number that says how far the disease
# progressed one year later. We start with one measurement, the body-mass index (BMI),
# and the simplest model that could work, a straight line
#
# $$
# \hat y = w\,x + b ,
# $$
#
# with two knobs: the slope $w$ and the intercept (bias) $b$. Together they are the
# parameters, $\theta = (b, w)$ in the book's notation; in this chapter we call the two
# coordinates by their names. We standardize BMI (mean 0, standard deviation 1) so
# that $w$ reads as "progression per standard deviation of BMI".

# %%
data = load_diabetes()
bmi = data.data[:, [data.feature_names.index("bmi")]]
y = data.target
x, bmi_mean, bmi_sd = standardize(bmi)
x = x[:, 0]
print(f"patients: {len(y)}, target from {y.min():.0f} to {y.max():.0f}, "
      f"mean {y.mean():.1f}")


# %% [markdown]
# How wrong is a given line? For each patient the line predicts $\hat y_i = w x_i + b$
# and misses by the residual $\hat y_i - y_i$. Squaring the residuals makes every miss
# count as positive and big misses count more; averaging them gives one number,
# the **loss**
#
# $$
# f(w, b) = \frac{1}{2n} \sum_{i=1}^{n} \left(w x_i + b - y_i\right)^2 .
# $$
#
# (The factor $\tfrac12$ only tidies the derivative; it does not move the minimum.) The
# loss is a function of the *parameters*: the data are fixed, the knobs move. Here are
# three guesses.

# %%
def loss(w, b):
    """Half the mean squared error of the line w*x + b on the diabetes BMI data."""
    return 0.5 * np.mean((w * x + b - y) ** 2)


for w, b in [(0.0, 0.0), (0.0, y.mean()), (40.0, y.mean())]:
    print(f"w = {w:5.1f}, b = {b:6.1f}  ->  f = {loss(w, b):9.1f}")

# %% [markdown]
# A flat line at zero is terrible; a flat line at the mean of $y$ is much better;
# tilting it upwards with BMI is better still. Each guess is a point in the $(w, b)$
# plane and each has a height $f$. Training is the search for the lowest point.
#
# ## The landscape in one dimension
#
# Fix the intercept at the mean of $y$ and vary only the slope. The loss becomes a
# function of one number, and we can plot it. Because $f$ is a sum of squares of
# expressions linear in $w$, the curve is a parabola.

# %%
b0 = y.mean()
ws = np.linspace(-40, 120, 401)
Js = np.array([loss(w, b0) for w in ws])
w_best_1d = ws[np.argmin(Js)]

fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(ws, Js, label=r"$f(w, \bar y)$")
ax.axvline(w_best_1d, color="C1", ls="--", label=f"lowest point, w = {w_best_1d:.1f}")
ax.set_xlabel("slope w (progression per SD of BMI)")
ax.set_ylabel("loss f")
ax.set_title("The loss as a function of one parameter")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows a parabola of the loss against the slope w, with the intercept fixed
# at the mean target; a dashed vertical line marks its lowest point, near w = 45.*
#
# The slope of this curve tells us which way is down. Where the curve rises to the right
# (positive derivative), smaller $w$ is better; where it falls, larger $w$ is better. At
# the bottom the derivative is zero. For our loss the derivative is
#
# $$
# \frac{\partial f}{\partial w} = \frac{1}{n}\sum_{i=1}^n \left(w x_i + b - y_i\right)
# x_i .
# $$
#
# Setting it to zero with $b = \bar y$ and standardized $x$ (so $\sum x_i = 0$ and $\sum
# x_i^2 = n$) gives $w^\star = \frac1n \sum x_i y_i$. The grid search above agrees with
# it to the grid's resolution:

# %%
w_star_1d = np.mean(x * y)
print(f"grid minimum  w = {w_best_1d:.2f}")
print(f"formula       w = {w_star_1d:.2f}")
assert abs(w_best_1d - w_star_1d) <= (ws[1] - ws[0]) / 2

# %% [markdown]
# ## The landscape in two dimensions
#
# Now let both knobs move. The loss is a surface over the $(w, b)$ plane; we draw it as
# a contour map, where each closed curve joins points of equal loss, like the height
# lines of a hiking map. The lowest point is the least-squares line, which numpy can
# compute directly (`np.linalg.lstsq`). `gdlearn` has the same loss as a ready-made
# object: `LinearRegression(X, y)` with a column of ones in `X` for the intercept.

# %%
X = add_bias(x[:, None])            # columns: [1, x]  so theta = (b, w)
model = LinearRegression(X, y)
theta_star = model.solve()
b_star, w_star = theta_star
print(f"least squares: b = {b_star:.2f}, w = {w_star:.2f}, "
      f"f = {model.value(theta_star):.2f}")

# %%
assert np.isclose(model.value(np.array([b0, 40.0])), loss(40.0, b0))
assert np.allclose(theta_star, np.linalg.lstsq(X, y, rcond=None)[0])

# %%
Ws, Bs = np.meshgrid(np.linspace(-100, 190, 200), np.linspace(-10, 280, 200))
Z = 0.5 * np.mean((Ws[..., None] * x + Bs[..., None] - y) ** 2, axis=-1)

fig, ax = plt.subplots(figsize=(7, 6.5))
cs = ax.contour(Ws, Bs, Z, levels=np.geomspace(Z.min(), Z.max(), 15), cmap="viridis")
ax.plot(w_star, b_star, "k*", ms=16, label="least-squares minimum")
ax.set_aspect("equal")
ax.set_xlabel("slope w")
ax.set_ylabel("intercept b")
ax.set_title("Contours of the loss f(w, b)")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# *The figure shows the contour lines of the loss over slope (horizontal) and intercept
# (vertical), drawn with equal scales on both axes: they are concentric circles around a
# black star at the least-squares minimum.*
#
# For a loss that is quadratic in $(w, b)$ the contours are ellipses in general; their
# shape carries information. Here they are **exactly circles**, because we standardized
# BMI: with $\sum_i x_i = 0$ and $\sum_i x_i^2 = n$, expanding the square gives
#
# $$
# \begin{aligned}
# f(w, b) = f(w^\star, b^\star) &+ \tfrac12 (w - w^\star)^2 \\
# &+ \tfrac12 (b - b^\star)^2 ,
# \end{aligned}
# $$
#
# half the squared distance to the minimum plus a constant. We check that identity at a
# few random points. Part IV shows how badly stretched ellipses slow gradient descent
# down.

# %%
rng = np.random.default_rng(0)
f_star = model.value(theta_star)
same = []
for w, b in rng.uniform([-100, -10], [190, 280], size=(5, 2)):
    circle = f_star + 0.5 * (w - w_star) ** 2 + 0.5 * (b - b_star) ** 2
    same.append(np.isclose(loss(w, b), circle, rtol=1e-10))
print("f = f* + half the squared distance to the minimum, 5 random points:", all(same))
assert all(same)

# %% [markdown]
# ## Why search, when we can solve?
#
# For this model the minimum has a formula, and we just used it. Why does the rest of
# the book walk downhill instead? Three reasons.
#
# 1. **Most losses have no formula for their minimum.** Swap the straight line for a
#    logistic model or a neural network and setting the gradient to zero gives equations
#    nobody can solve in closed form.
# 2. **Formulas get expensive.** Solving the normal equations for $d$ parameters costs
#    about $n d^2 + d^3$ operations and needs all the data at once. A gradient step
#    costs about $n d$, and a stochastic step only $d$ per example.
# 3. **A good-enough point is often all we need.** Training stops when the model is
#    useful, not when the last digit of the minimum is known.
#
# ## First steps downhill
#
# Gradient descent, proposed by Cauchy in 1847 {cite}`cauchy1847`, turns "walk downhill"
# into arithmetic: from the current point, take a small step against the gradient,
#
# $$
# \theta_{k+1} = \theta_k - \alpha\, \nabla f(\theta_k),
# $$
#
# where the **learning rate** $\alpha > 0$ sets the step length. For our loss the
# gradient with respect to $\theta = (b, w)$ is $\nabla f(\theta) = \frac1n X^\top
# (X\theta - y)$. Here are the first five steps by hand, from the flat line at zero,
# with $\alpha = 0.5$:

# %%
alpha = 0.5
theta = np.zeros(2)
dist = [np.linalg.norm(theta - theta_star)]
print(f"step 0: b = {theta[0]:7.2f}, w = {theta[1]:6.2f}, "
      f"f = {model.value(theta):9.2f}")
for k in range(1, 6):
    grad = X.T @ (X @ theta - y) / len(y)
    theta = theta - alpha * grad
    dist.append(np.linalg.norm(theta - theta_star))
    print(f"step {k}: b = {theta[0]:7.2f}, w = {theta[1]:6.2f}, "
          f"f = {model.value(theta):9.2f}, "
          f"distance to minimum x {dist[-1] / dist[-2]:.3f}")

# %%
assert np.allclose(np.array(dist[1:]) / np.array(dist[:-1]), 0.5)

# %% [markdown]
# Each step lowers the loss, and the distance to the minimum halves each time. (That is
# no accident: with standardized $x$ this loss has curvature 1 in both directions, so a
# step of $0.5$ removes half the remaining error. Part II explains the general rule.)
#
# The same walk with `gdlearn`: the `SGD` optimizer with no momentum is exactly this
# update, and `minimize` runs the loop, records the history and stops when the gradient
# is small. (The name `SGD`, stochastic gradient descent, follows `torch.optim`: the
# class applies $\theta \leftarrow \theta - \alpha g$ to whatever gradient $g$ it is
# handed. Handed the exact full-batch gradient, as here, it does plain, deterministic
# gradient descent; Part III hands it gradients of random minibatches, and then it is
# stochastic.)

# %%
from gdlearn.loop import minimize
from gdlearn.optim import SGD

result = minimize(model, np.zeros(2), SGD(lr=alpha), max_steps=200, gtol=1e-6)
print(result.status, "after", result.n_steps, "steps")
print("first five iterates equal the hand-written loop:",
      np.allclose(result.history.x[5], theta))
print(f"final point b = {result.x[0]:.4f}, w = {result.x[1]:.4f}")

# %%
assert np.allclose(result.history.x[5], theta)
assert np.allclose(result.x, theta_star, atol=1e-4)

# %%
fig, ax = plt.subplots(figsize=(7, 6.5))
ax.contour(Ws, Bs, Z, levels=np.geomspace(Z.min(), Z.max(), 15), cmap="viridis")
path = result.history.x
ax.plot(path[:12, 1], path[:12, 0], "o-", color="C1",
        label="gradient descent, first 11 steps")
ax.plot(w_star, b_star, "k*", ms=16, label="least-squares minimum")
ax.set_aspect("equal")
ax.set_xlabel("slope w")
ax.set_ylabel("intercept b")
ax.set_title("Gradient descent walks down the loss landscape")
ax.legend(loc="upper left")
plt.show()

# %% [markdown]
# *The figure shows the same circular contour map with dots joined by a solid line: the
# iterates of gradient descent, starting at (0, 0) in the lower left and running
# straight towards the black star at the minimum, each step half as long as the one
# before and crossing the contours at right angles.*
#
# ## More knobs
#
# Nothing above depended on there being two parameters. With all ten measurements the
# landscape lives in eleven dimensions and no longer fits on a page, but the loss, its
# gradient and the update rule are the same three lines of numpy.
#
# One thing changes: a step of $0.5$ is no longer safe, and we need to know how large a
# step can be. That is set by how sharply the loss curves. The matrix of all second
# derivatives of the loss, the **Hessian** $\nabla^2 f$, measures how fast the gradient
# changes as the parameters move (for this loss it is $X^\top X / n$, the same at every
# point, and `model10.hess` returns it). Its largest eigenvalue $L$ is the steepest
# curvature along any direction, and a step of $1/L$ is safe. The Hessian, its
# eigenvalues and what they say about a landscape are defined and checked in
# {doc}`../part2/derivatives_and_gradients` (sections {ref}`dg-hessian` and
# {ref}`dg-eigen`); why $1/L$ is safe is in {doc}`../part2/update_rule`. Gradient descent
# with that step finds the same answer as the closed form:

# %%
X10, _, _ = standardize(data.data)
X10 = add_bias(X10)
model10 = LinearRegression(X10, y)
L10 = np.linalg.eigvalsh(model10.hess(np.zeros(11))).max()
res10 = minimize(model10, np.zeros(11), SGD(lr=1 / L10), max_steps=20_000,
                 gtol=1e-6)
theta10 = model10.solve()
print(f"largest curvature L = {L10:.3f}, step 1/L = {1 / L10:.3f}")
print(res10.status, f"after about {round(res10.n_steps, -2):,} steps")
print(f"loss with BMI only:         {model.value(theta_star):8.2f}")
print(f"loss with all ten features: {model10.value(res10.x):8.2f}")
gain = 1 - model10.value(res10.x) / model.value(theta_star)
print(f"the extra features remove {gain:.0%} of the loss")
print("max |GD - lstsq| over the 11 parameters < 1e-3:",
      bool(np.max(np.abs(res10.x - theta10)) < 1e-3))

# %%
assert 0.5 > 2 / L10           # the step 0.5 of the BMI-only walk would diverge here
assert res10.converged and res10.n_steps > 100 * result.n_steps
assert np.allclose(res10.x, theta10, atol=1e-3)

# %% [markdown]
# Using all ten measurements lowers the loss by about a quarter, and it took hundreds of
# times more steps to get there than with BMI alone. Why the step count grew, and how to
# predict it, is the subject of Part II.
#
# ## Optimization versus generalization
#
# The loss we minimize is computed on the patients we have. What we want is a model that
# predicts well for the *next* patient. The training loss is a means to that end, not
# the goal, and driving it all the way down can hurt. To see it, hold patients out:
# train on 50 patients chosen at random, and measure the same loss on the other 392,
# which the optimizer never sees. Give the model many knobs: the ten measurements, their
# squares and their pairwise products, 65 features plus an intercept, so 66 parameters
# for 50 patients, enough to fit the training set exactly.

# %%
from gdlearn.data import train_test_split

Z10 = standardize(data.data)[0]
i, j = np.triu_indices(10)
F = np.hstack([Z10, Z10[:, i] * Z10[:, j]])   # 10 measurements, 55 squares and products
F_tr, F_te, y_tr, y_te = train_test_split(F, y, np.random.default_rng(0), test_size=392)
F_tr, f_mean, f_sd = standardize(F_tr)
train = LinearRegression(add_bias(F_tr), y_tr)
held_out = LinearRegression(add_bias((F_te - f_mean) / f_sd), y_te)
L_tr = np.linalg.eigvalsh(train.hess(np.zeros(66))).max()
run = minimize(train, np.zeros(66), SGD(lr=1 / L_tr), max_steps=10_000, gtol=1e-12)
loss_tr = np.array([train.value(p) for p in run.history.x])
loss_te = np.array([held_out.value(p) for p in run.history.x])
k_best = int(np.argmin(loss_te))
print(f"{'step':>6} {'training loss':>14} {'held-out loss':>14}")
for k in [0, 10, k_best, 100, 1000, 10_000]:
    note = "  <- lowest held-out loss" if k == k_best else ""
    print(f"{k:6d} {loss_tr[k]:14.1f} {loss_te[k]:14.0f}{note}")

# %%
assert run.n_steps == 10_000 and np.all(np.diff(loss_tr) < 0)  # training loss falls
assert 10 < k_best < 100 and loss_te[-1] > 10 * loss_te[k_best]  # held-out loss rises
assert loss_tr[-1] < 0.02 * loss_tr[k_best]

# %%
steps = np.arange(1, len(loss_tr) + 1)
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(steps, loss_tr, label="training loss (50 patients)")
ax.loglog(steps, loss_te, label="held-out loss (392 patients)")
ax.plot(k_best + 1, loss_te[k_best], "ko", ms=8, label="lowest held-out loss")
ax.set_xlabel("gradient-descent step + 1")
ax.set_ylabel("loss f")
ax.set_title("Training loss keeps falling; held-out loss turns up")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows, on log–log axes, the training loss (solid line) and the held-out
# loss (dashed line) of the 66-parameter model against the step of gradient descent.
# Both fall together at first; a black dot marks where the held-out loss is lowest,
# about twenty steps in. After it the training loss keeps falling, to about one percent
# of its value at the dot, while the held-out loss climbs to more than ten times its
# lowest value.*
#
# The optimizer did its job: the training loss falls at every step. But after about
# twenty steps the extra knobs are spent fitting the noise in 50 patients, and the
# predictions for everyone else get worse. A better optimizer would only get there
# faster. What the reader of this book should take away: gradient descent is judged by
# how well it minimizes the loss it is given, while the model is judged on data it has
# not seen. Held-out data, early stopping and penalties on the parameters keep the two
# aligned; Part IV ({doc}`../part4/regularization`) treats them.
#
# ## Key points
#
# - A **loss function** turns "how wrong is the model on this data" into a number
#   $f(\theta)$ that depends on the parameters $\theta$; training means minimizing it.
# - With one or two parameters the loss can be drawn as a curve or a contour map; its
#   minimum is where the slope is zero.
# - The **gradient** points uphill; **gradient descent** steps against it: $\theta
#   \leftarrow \theta - \alpha \nabla f$.
# - A closed-form minimum exists only for special losses; gradient descent needs only
#   the gradient, so it works for almost any differentiable model, at a cost of about
#   $nd$ per step.
# - The code is checked: the hand-written loop and `gdlearn` give the same iterates, and
#   both reach the least-squares answer.
# - The training loss is a means, not the goal: a flexible model can drive it towards
#   zero while its loss on held-out data rises.
#
# ## Exercises
#
# ```{exercise} The derivative by hand
# :label: ex-why-derivative
# At the point $w = 40$, $b = \bar y$, compute $\partial f / \partial w$ from the
# formula in this chapter, then estimate it from the loss alone with a centred
# difference $\frac{f(w+h) - f(w-h)}{2h}$. Do they agree?
# ```
#
# ```{solution-start} ex-why-derivative
# :class: dropdown
# ```
#
# With $b = \bar y$ and standardized $x$, the formula gives $\partial f/\partial w = w -
# \frac1n\sum x_i y_i$, a negative number at $w = 40$ (the minimum is to the right).

# %%
w, h = 40.0, 1e-4
analytic = np.mean((w * x + b0 - y) * x)
numeric = (loss(w + h, b0) - loss(w - h, b0)) / (2 * h)
print(f"analytic {analytic:.6f}, centred difference {numeric:.6f}")
assert abs(analytic - numeric) < 1e-6

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Too big a step
# :label: ex-why-divergence
# Repeat the five hand-written steps with $\alpha = 2.5$. What happens to the loss, and
# why?
# ```
#
# ```{solution-start} ex-why-divergence
# :class: dropdown
# ```
#
# With $\alpha = 2.5$ every step overshoots the minimum by more than it started from:
# the error is multiplied by $1 - 2.5 = -1.5$ each step, so it flips sign and grows by
# half. The loss climbs.

# %%
theta = np.zeros(2)
losses = [model.value(theta)]
for _ in range(5):
    theta = theta - 2.5 * X.T @ (X @ theta - y) / len(y)
    losses.append(model.value(theta))
print(" -> ".join(f"{v:.0f}" for v in losses))
assert np.all(np.diff(losses) > 0)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Another measurement
# :label: ex-why-feature
# Replace BMI with blood pressure (`"bp"`). Is the best loss higher or lower than with
# BMI? What does that say about which measurement predicts progression better?
# ```
#
# ```{solution-start} ex-why-feature
# :class: dropdown
# ```

# %%
bp, _, _ = standardize(data.data[:, [data.feature_names.index("bp")]])
model_bp = LinearRegression(add_bias(bp), y)
print(f"best loss with BMI: {model.value(model.solve()):.1f}, "
      f"with blood pressure: {model_bp.value(model_bp.solve()):.1f}")
assert model_bp.value(model_bp.solve()) > model.value(model.solve())

# %% [markdown]
# The best line on blood pressure leaves a larger loss: BMI alone explains more of the
# variation in disease progression than blood pressure alone does.
#
# ```{solution-end}
# ```
#
# ## References
#
# This chapter drew on Cauchy's note that introduced the method {cite:p}`cauchy1847`,
# the paper behind the diabetes data {cite:p}`efron2004`, and the optimization chapter
# of {cite:t}`goodfellow2016`. Full entries are in the {doc}`../appendix/bibliography`.
