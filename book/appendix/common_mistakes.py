# %% [markdown]
# # Common mistakes in gradient-descent code
#
# Gradient descent fits in five lines of numpy, and so do its bugs. The code listings in the five articles
# this book grew out of (numbered 000 to 004, as in the {doc}`../part5/faq`) fail in a handful of
# characteristic ways: an array that broadcasts where a matrix product was meant, a sum over the wrong
# axis, a gradient with the wrong sign, a gradient taken with respect to the predictions instead of the
# parameters, a variable that overwrites the function it calls, a stochastic gradient of the wrong form,
# a missing intercept. This appendix writes a fresh minimal example of each kind of mistake, names the
# article whose listing has it, adds three more mistakes that are just as common, runs each one, and
# shows three things:
#
# 1. the **symptom**: what the broken code actually does, often silently;
# 2. the **check** that catches it: the gradient checker `gdlearn.gradcheck.check_grad`, or a one-line
#    `assert` on shapes, finite values or a decreasing loss;
# 3. the **fix**, asserted correct against `np.linalg.lstsq` or another known answer.
#
# ```{admonition} Learning goals
# :class: tip
# After this appendix you can
# - recognise the ten mistakes from their symptoms: wrong shapes, one prediction for every example, a loss
#   that climbs, a gradient with one entry per example, an `UnboundLocalError` on the first call, SGD that
#   settles at the wrong point, a fit that misses the intercept, a run that diverges on raw features, a
#   loss that swings within every epoch, a history whose entries are all equal;
# - catch each one with a gradient check or a one-line `assert` before it costs you a training run;
# - fix each one and prove the fix with an exact reference answer.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np

from gdlearn.data import add_bias, make_logistic, standardize
from gdlearn.gradcheck import check_grad
from gdlearn.loop import fit, minimize
from gdlearn.models import LinearRegression, LogisticRegression
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style

use_book_style()

np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# Most examples share one small regression problem: $n = 50$ points with $y = 2 + 3x$ plus Gaussian noise
# of standard deviation 0.2, the
# model $\hat y = b + \theta_1 x$ with $\theta = (b, \theta_1)$ (intercept and slope) and the loss $f(\theta) = \frac{1}{2n}\|X\theta - y\|^2$ with
# gradient $\nabla f(\theta) = \frac1n X^\top(X\theta - y)$, where $X$ has a column of ones and a column of
# $x$ values. The reference answer is the least-squares solution from `np.linalg.lstsq`. The symbols
# follow the book's {doc}`../notation`.

# %%
n = 50
x = rng.uniform(0.0, 1.0, size=n)
y = 2.0 + 3.0 * x + rng.normal(scale=0.2, size=n)
X = add_bias(x[:, None])                      # shape (n, 2): columns [1, x]
theta_star = np.linalg.lstsq(X, y, rcond=None)[0]


def loss(theta):
    return 0.5 * np.mean((X @ theta - y) ** 2)


def grad(theta):
    return X.T @ (X @ theta - y) / n


print("X", X.shape, " y", y.shape, " least-squares theta*", theta_star,
      f" f(theta*) = {loss(theta_star):.4f}")
assert check_grad(loss, grad, rng.normal(size=2)).passed

# %% [markdown]
# ## Broadcasting: `*` where `@` was meant
#
# *In the listing of article 000, which multiplies an input column by a parameter column with `*`.*
#
# numpy's broadcasting {cite}`harris2020` lines up shapes from the right and stretches any axis of length 1.
# That is convenient and dangerous: a product between arrays of the wrong shapes either **crashes** or,
# worse, **silently** returns an array of a different shape. Here is the input stored as a column
# `x_col` of shape $(n, 1)$, multiplied elementwise (`*`) by a parameter vector instead of a matrix product:
#
# - with `theta` of shape $(2, 1)$, numpy compares $n$ with 2 and fails;
# - with `theta` of shape $(2,)$, it stretches both to $(n, 2)$ and returns a "prediction" with two columns;
# - and if `y` is a column $(n, 1)$ while the prediction is a flat $(n,)$, their difference is an $(n, n)$
#   matrix.

# %%
x_col, y_col = x[:, None], y[:, None]
try:
    x_col * np.zeros((2, 1))
except ValueError as err:
    print("theta of shape (2, 1):", type(err).__name__ + ":", err)
print("theta of shape (2,):   x_col * theta has shape", (x_col * np.zeros(2)).shape)
print("y_col - X @ theta has shape", (y_col - X @ np.zeros(2)).shape)

# %% [markdown]
# The silent version trains without complaint. With `theta` of shape $(2,)$ each column of `x_col * theta`
# is $x\,\theta_j$, so each $\theta_j$ is fitted on its own as the slope of a line through the origin; the
# loop converges, to the wrong model:

# %%
theta = np.zeros(2)
for _ in range(500):
    pred = x_col * theta                          # (n, 2), not (n,)
    theta = theta - 0.5 * np.mean(x_col * (pred - y_col), axis=0)
slope_through_origin = (x @ y) / (x @ x)
print("broken loop converged to", theta,
      f" (both = the slope through the origin, {slope_through_origin:.4f})")
print("least squares:          ", theta_star)
assert np.allclose(theta, slope_through_origin)
assert not np.allclose(theta, theta_star, atol=0.5)

# %% [markdown]
# **The check.** One line after computing the prediction catches every variant: the prediction must have
# the shape of the targets, and both must be flat. `gdlearn`'s models make the same check on their inputs:

# %%
try:
    assert pred.shape == y.shape, f"prediction has shape {pred.shape}, target {y.shape}"
except AssertionError as err:
    print("AssertionError:", err)
try:
    LinearRegression(X, y_col)
except ValueError as err:
    print("LinearRegression(X, y_col) -> ValueError:", err)

# %% [markdown]
# **The fix.** Keep `y` flat, put the column of ones into `X`, and use the matrix product `X @ theta`:

# %%
theta = np.zeros(2)
for _ in range(2000):
    pred = X @ theta
    assert pred.shape == y.shape
    theta = theta - 0.5 * X.T @ (pred - y) / n
print("fixed loop:", theta, " least squares:", theta_star)
assert np.allclose(theta, theta_star, atol=1e-6)


# %% [markdown]
# ## A sum over the wrong axis
#
# *In the listing of article 001, which predicts with `(theta[0] * X).sum(axis=0)`.*
#
# A prediction is a sum over the **features** of each example: $\hat y_i = \sum_j \theta_j x_{ij}$. Written
# with `*` and `.sum`, the features are axis 1 of an $(n, d)$ array. Summing over axis 0 adds up the
# **examples** instead and returns one number per feature. With a single feature that is an array of shape
# $(1,)$, which broadcasts against the $n$ targets without complaint. Here is a one-feature model
# $\hat y = \theta x$ (without an intercept, like the article's) trained with the gradient formula written
# for it:

# %%
def predict_wrong_axis(theta):
    return (theta * x_col).sum(axis=0)       # sums over the examples: shape (1,)


theta = np.zeros(1)
for _ in range(500):
    residual = predict_wrong_axis(theta) - y  # (1,) - (n,) broadcasts to (n,)
    theta = theta - 0.05 * x_col.T @ residual / n
pred = predict_wrong_axis(theta)
print("broken loop converged to theta =", theta, " prediction shape", pred.shape)
print(f"the model predicts {pred[0]:.4f} for every one of the {n} examples; "
      f"y ranges from {y.min():.2f} to {y.max():.2f}")

# %% [markdown]
# The loop converges, and the "model" predicts one constant for all examples. (It even needed a smaller
# rate than usual: with the sum over the examples, the effective curvature grows with $n$.)
#
# **The check** is the shape assertion of the previous section: the prediction must have the shape of the
# targets.

# %%
try:
    assert pred.shape == y.shape, f"prediction has shape {pred.shape}, target {y.shape}"
except AssertionError as err:
    print("AssertionError:", err)

# %% [markdown]
# **The fix.** Sum over the features, `axis=1` (or `axis=-1`), or better, write the matrix product
# `x_col @ theta`, which cannot sum over the wrong axis. The fixed loop reaches the least-squares slope
# of the line through the origin:

# %%
def predict(theta):
    return (theta * x_col).sum(axis=1)       # sums over the features: shape (n,)


theta = np.zeros(1)
for _ in range(500):
    theta = theta - 0.5 * x_col.T @ (predict(theta) - y) / n
print("fixed loop:", theta,
      f" least squares through the origin: {slope_through_origin:.4f}")

# %%
assert np.allclose(predict(theta), x_col @ theta) and predict(theta).shape == y.shape
assert np.allclose(theta, slope_through_origin, atol=1e-6)


# %% [markdown]
# ## A gradient with the wrong sign
#
# *In the listings of articles 001 and 002: both compute the gradient from $y - \hat y$ and subtract it.*
#
# The residual can be written $\hat y - y$ or $y - \hat y$; the gradient of $\frac{1}{2n}\|X\theta - y\|^2$
# uses the first. Writing the second and then *subtracting* the result, as the update rule says, walks
# uphill: every step multiplies the error by a factor larger than one, and the loss grows until it
# overflows. (Under `np.errstate` so that numpy's overflow warnings do not flood the output.)

# %%
def grad_wrong_sign(theta):
    return X.T @ (y - X @ theta) / n              # y - yhat: the sign is flipped


theta = np.zeros(2)
history = [loss(theta)]
with np.errstate(over="ignore", invalid="ignore"):
    for _ in range(1000):
        theta = theta - 0.5 * grad_wrong_sign(theta)
        history.append(loss(theta))
marks = (0, 10, 100, 500, 1000)
print("loss at steps", marks, ":", [f"{history[k]:.3g}" for k in marks])
first_bad = next(k for k, v in enumerate(history) if not np.isfinite(v))
print("first non-finite loss at step", first_bad)
assert history[10] > history[0] and not np.isfinite(history[-1])

# %% [markdown]
# `gdlearn.loop.minimize` does not wait for the NaN. After every step it applies three divergence
# checks, with the starting scale $s = \max(1, |f(\theta_0)|)$: a loss, gradient or point that is not
# finite (the *non-finite check*), a loss above $10^{12} s$ (the *blow-up check*), and a loss that has
# risen more than $1000 s$ above its start and sets a new high (the *rising-loss check*). The first that
# fires stops the run with status `"diverged"` and a message that names it.

# %%
res = minimize((loss, grad_wrong_sign), np.zeros(2), SGD(lr=0.5), max_steps=400)
print(res.status, "|", res.message.split(";")[0])  # the check, without the advice
print(f"last accepted point ({res.x[0]:.1f}, {res.x[1]:.1f}), best point {res.x_best}")
res_small = minimize((loss, grad_wrong_sign), np.zeros(2), SGD(lr=0.05), max_steps=2000)
print("ten times smaller rate:", res_small.status, "| before step 100:",
      res_small.n_steps < 100)

# %%
assert res.status == "diverged" and np.all(np.isfinite(res.x))
assert res.n_steps == 7 and "(rising-loss check)" in res.message
limit = res.history.loss[0] + 1e3 * max(1.0, res.history.loss[0])
assert res.history.loss[-2] < 0.5 * limit and res.fun > 1.05 * limit
assert np.all(res.x_best == 0.0) and res.fun_best == res.history.loss[0]
assert res_small.diverged and res.n_steps < res_small.n_steps < 100
assert 690 < first_bad - res.n_steps < 700

# %% [markdown]
# The rising-loss check fires at step 7, almost 700 steps before the hand-written loop above met its
# first `inf`. `res.x` is the last accepted point and `res.x_best` the best one, here the start. The
# message goes on to advise a smaller learning rate, the usual cure for divergence but not for this one:
# with a flipped sign every rate climbs, and a rate ten times smaller only delays the stop.

# %% [markdown]
# **The check.** A gradient checker compares the analytic gradient with centred differences of the loss
# {cite}`goodfellow2016`. A flipped sign gives a relative error of exactly 1, the largest possible value.
# A cheaper check inside any training loop: the first few losses must decrease.

# %%
report = check_grad(loss, grad_wrong_sign, np.array([0.5, -1.0]))
print(report)
assert not report.passed and abs(report.rel_error - 1.0) < 1e-6

# %% [markdown]
# **The fix.** Use $\hat y - y$ (or keep $y - \hat y$ and add the step). The corrected gradient passes the
# check and gradient descent reaches the least-squares answer:

# %%
good = check_grad(loss, grad, np.array([0.5, -1.0]))
print(f"correct gradient: check passed {good.passed}, "
      f"relative error below 1e-9: {good.rel_error < 1e-9}")
res = minimize((loss, grad), np.zeros(2), SGD(lr=0.5), max_steps=5000, gtol=1e-10)
print(res.status, "after", res.n_steps, "steps:", res.x)

# %%
assert good.passed and good.rel_error < 1e-9
assert np.all(np.diff(res.history.loss) <= 1e-15)
assert np.allclose(res.x, theta_star, atol=1e-8)


# %% [markdown]
# ## A gradient with respect to the predictions
#
# *In the listing of article 004, whose gradient function returns $2(y - \hat y)$, one number per example,
# and subtracts it from the parameters.*
#
# The loss depends on the parameters through the predictions $\hat y = X\theta$. Its derivative with
# respect to the predictions, $\partial f/\partial \hat y = \frac1n(\hat y - y)$, has one entry per
# **example**; the gradient with respect to the **parameters** needs one more factor from the chain rule,
# the derivative of $\hat y$ with respect to $\theta$, which is $X$:
#
# $$
# \nabla_\theta f = X^\top \frac{\partial f}{\partial \hat y} = \frac1n X^\top (X\theta - y).
# $$
#
# Forgetting the $X^\top$ gives a vector of length $n$ where one of length $d$ is needed. Usually the
# update then fails at once:

# %%
def grad_wrt_predictions(theta):
    return (X @ theta - y) / n                # d f / d yhat: shape (n,), not (d,)


print("gradient shape", grad_wrt_predictions(np.zeros(2)).shape,
      " parameter shape (2,)")
try:
    np.zeros(2) - 0.5 * grad_wrt_predictions(np.zeros(2))
except ValueError as err:
    print("update:", type(err).__name__ + ":", err)

# %% [markdown]
# It fails silently in two situations: when the vector is reduced to a number first (`np.mean(X @ theta -
# y)`, which is the missing input row of the per-sample section below), and when the parameter array can
# broadcast against it (a scalar parameter becomes an array of $n$ of them).
#
# **The check.** The gradient must have the shape of the parameters; `check_grad` tests that first:

# %%
g = grad_wrt_predictions(np.zeros(2))
print("gradient has the parameters' shape:", g.shape == (2,))
try:
    check_grad(loss, grad_wrt_predictions, np.array([0.5, -1.0]))
except ValueError as err:
    print("check_grad ->", type(err).__name__ + ":", err)

# %% [markdown]
# **The fix** is the chain rule's $X^\top$: the function `grad` defined at the top, which passes the check
# and whose descent reaches `lstsq` (both asserted in the previous section).

# %%
theta_test = np.array([0.5, -1.0])
chained = X.T @ grad_wrt_predictions(theta_test)
print("X.T @ (df / dyhat) has shape", chained.shape, "and equals grad:",
      np.allclose(chained, grad(theta_test)))
assert np.allclose(chained, grad(theta_test))


# %% [markdown]
# ## A variable that shadows its function
#
# *In the listing of article 004, whose gradient-descent function assigns `gradient = gradient(...)`.*
#
# Storing the gradient in a variable named like the function that computes it breaks the code. Inside a
# function body, where training loops usually live and where the article's loop lives, it fails on the
# very first call: an assignment anywhere in a body makes the name local to the whole body, so the
# right-hand side already refers to the local `gradient`, which has no value yet, and Python raises
# `UnboundLocalError`.

# %%
def gradient(theta):
    return X.T @ (X @ theta - y) / n


def train(theta):
    for _ in range(3):
        gradient = gradient(theta)  # noqa: F823
        theta = theta - 0.5 * gradient
    return theta


try:
    train(np.zeros(2))
except UnboundLocalError as err:
    # Python 3.11 changed the wording of err: print its class and a message of our own
    print(type(err).__name__ + ": local 'gradient' is used before it has a value")

# %% [markdown]
# **The check.** This variant is caught before the code ever runs: ruff and pyflakes report rule F823,
# "local variable referenced before assignment" (the `noqa` comment above silences it so the book can
# show the error).
#
# At the top level of a script or a notebook the same line behaves differently. The first iteration runs:
# the name `gradient` now refers to an array, and the second call fails.

# %% tags=["raises-exception"]
# NBVAL_RAISES_EXCEPTION
theta = np.zeros(2)
for step in range(3):
    print("step", step)
    gradient = gradient(theta)               # rebinds the name: the function is gone
    theta = theta - 0.5 * gradient

# %% [markdown]
# The traceback points at the right line, but in a notebook the damage outlives the error: the kernel now
# holds an array under the function's name, and every later cell that calls `gradient` fails too, until the
# `def` cell is run again.

# %%
print("gradient is now a", type(gradient).__name__, "with shape", gradient.shape)
assert not callable(gradient)


# %% [markdown]
# **The fix.** Call the value something else (`g`, `grad_value`):

# %%
def gradient(theta):
    return X.T @ (X @ theta - y) / n


theta = np.zeros(2)
for _ in range(2000):
    g = gradient(theta)
    theta = theta - 0.5 * g
print(theta, "callable(gradient):", callable(gradient))
assert callable(gradient) and np.allclose(theta, theta_star, atol=1e-6)


# %% [markdown]
# ## A per-sample gradient of the wrong form
#
# *In the stochastic-gradient listings of article 004, whose per-example update has no input row and an
# extra factor of one over the number of examples.*
#
# Stochastic gradient descent (SGD) updates with the gradient of one example's loss
# $\ell_i(\theta) = \tfrac12 (x_i^\top\theta - y_i)^2$, which is $(x_i^\top\theta - y_i)\,x_i$: the residual
# *times the input row*. Two wrong forms are common:
#
# - **the input row is missing**: the update subtracts the scalar residual from every parameter;
# - **an extra factor $1/n$** carried over from the full-batch formula, which shrinks every step $n$-fold.
#
# Both still "converge". All three versions below run 100 epochs of SGD over the shuffled data with the
# decaying rate $\alpha_k = 0.5 / (1 + k/n)$ at step $k$, as the Robbins–Monro conditions require
# {cite}`robbins1951`.

# %%
def sample_grad(theta, i):
    return (X[i] @ theta - y[i]) * X[i]


def sample_grad_no_x(theta, i):
    return (X[i] @ theta - y[i]) * np.ones(2)        # the input row is missing


def sample_grad_extra_n(theta, i):
    return (X[i] @ theta - y[i]) * X[i] / n          # an extra 1/n


def run_sgd(sample_gradient, epochs=100, lr0=0.5, seed=SEED):
    order_rng, theta, k = np.random.default_rng(seed), np.zeros(2), 0
    for _ in range(epochs):
        for i in order_rng.permutation(n):
            theta = theta - lr0 / (1 + k / n) * sample_gradient(theta, i)
            k += 1
    return theta


sample_grads = {"correct": sample_grad, "no input row": sample_grad_no_x,
                "extra 1/n": sample_grad_extra_n}
sgd_results = {name: run_sgd(fn) for name, fn in sample_grads.items()}
for name, theta in sgd_results.items():
    distance = np.linalg.norm(theta - theta_star)
    print(f"{name:<13} -> {theta}, distance to least squares {distance:.4f}")
print(f"{'lstsq':<13} -> {theta_star}")

# %% [markdown]
# The correct version lands within a few thousandths of the least-squares answer. Without the input row,
# both parameters receive the same update, so they stay equal forever, and the run settles where the
# residuals average to zero along that line: at $b = \theta_1 = \bar y / (1 + \bar x)$. With the
# extra $1/n$ the rate is effectively 50 times smaller and the run is still far from the answer.

# %%
predicted = y.mean() / (1 + x.mean())
print(f"no input row: predicted fixed point {predicted:.4f}, "
      f"reached {sgd_results['no input row']}")
assert np.linalg.norm(sgd_results["correct"] - theta_star) < 0.01
assert np.allclose(sgd_results["no input row"], predicted, atol=0.01)
assert np.linalg.norm(sgd_results["extra 1/n"] - theta_star) > 0.5

# %% [markdown]
# **The check.** Check the per-sample gradient against centred differences of the per-sample loss, at a
# random point, for one example. `gdlearn`'s `LinearRegression(X, y).value(theta, idx=[i])` is exactly
# $\ell_i$, so it serves as the loss to differentiate:

# %%
model = LinearRegression(X, y)
i, theta_test = 7, rng.normal(size=2)
loss_i = lambda th: model.value(th, idx=np.array([i]))  # noqa: E731
passed = {}
for name, fn in sample_grads.items():
    check = check_grad(loss_i, fn(theta_test, i), theta_test)
    passed[name] = check.passed
    error = "below 1e-9" if check.rel_error < 1e-9 else f"{check.rel_error:.2f}"
    print(f"{name:<13} passed: {check.passed!s:<5}  relative error {error}")

# %%
assert passed == {"correct": True, "no input row": False, "extra 1/n": False}
idx_i = np.array([i])
assert np.allclose(sample_grad(theta_test, i), model.grad(theta_test, idx=idx_i))

# %% [markdown]
# **The fix** is the correct form, $(x_i^\top\theta - y_i)\,x_i$, which is what `model.grad(theta, idx)`
# computes for a minibatch `idx`; its result above was asserted to lie within 0.01 of `lstsq`.
#
# ## The missing bias column
#
# *In the listing of article 001, which fits $y = 3x$ plus noise with mean $0.5$ by a single weight.*
#
# A model $\hat y = \theta_1 x$ without the intercept $b$ must pass through the origin. If the data do
# not, no amount of training helps: gradient descent converges, to the best line through the origin.

# %%
no_bias = LinearRegression(x[:, None], y)
with_bias = LinearRegression(X, y)
fit_no_bias = minimize(no_bias, np.zeros(1), SGD(lr=1.0), max_steps=1000, gtol=1e-10)
fit_bias = minimize(with_bias, np.zeros(2), SGD(lr=1.0), max_steps=1000, gtol=1e-10)
for name, res in (("without bias:", fit_no_bias), ("with bias:", fit_bias)):
    print(f"{name:<13} theta = {res.x}, loss {res.fun:.4f} ({res.status})")
assert fit_no_bias.converged and fit_no_bias.fun > 10 * fit_bias.fun

# %% [markdown]
# Both runs report `converged`: the optimizer did its job, the model was wrong. **The check** uses a fact of
# least squares: when the model has an intercept, the residuals at the optimum average exactly zero (that is
# the normal equation for $b$). A residual mean far from zero means the intercept is missing or
# unconverged:

# %%
for name, mdl, res in [("without bias", no_bias, fit_no_bias),
                       ("with bias", with_bias, fit_bias)]:
    print(f"{name:<13} |mean residual| = {abs(np.mean(mdl.predict(res.x) - y)):.3f}")
assert abs(np.mean(with_bias.predict(fit_bias.x) - y)) < 1e-6
assert abs(np.mean(no_bias.predict(fit_no_bias.x) - y)) > 0.1

# %% [markdown]
# **The fix** is `add_bias(X)` (a first column of ones), used above as `X`; the fit with bias equals `lstsq`:

# %%
assert np.allclose(fit_bias.x, theta_star, atol=1e-8)
print("with bias == lstsq:", np.allclose(fit_bias.x, theta_star, atol=1e-8))

# %% [markdown]
# ## Features left unscaled
#
# *Not in the articles' listings (their one feature lies between 0 and 1), but the most common way real
# data breaks a learning rate.*
#
# A learning rate is only safe below $2/L$, where $L$ is the largest curvature of the loss, here the largest
# eigenvalue of $X^\top X / n$. For standardized features $L$ is a small number; a raw feature measured in
# the thousands (a floor area in square feet, an income in dollars) makes $L$ about the square of its size.
# A rate that works well for standardized data then diverges within a few steps.

# %%
area = rng.normal(1500.0, 300.0, size=n)           # a feature in the thousands
rooms = rng.integers(1, 6, size=n).astype(float)
price = 50.0 + 0.1 * area + 20.0 * rooms + rng.normal(scale=10.0, size=n)
raw_features = np.column_stack([area, rooms])
X_raw = add_bias(raw_features)
Z, mean, std = standardize(raw_features)
X_std = add_bias(Z)
for name, A in (("raw", X_raw), ("standardized", X_std)):
    eig = np.linalg.eigvalsh(A.T @ A / n)
    print(f"{name:<13} L = {eig.max():.3g}, "
          f"condition number {eig.max() / eig.min():.3g}")
raw_run = minimize(LinearRegression(X_raw, price), np.zeros(3), SGD(lr=0.5),
                   max_steps=1000)
print("raw features, lr 0.5:", raw_run.status, "|", raw_run.message.split(";")[0])

# %%
assert raw_run.status == "diverged" and "(blow-up check)" in raw_run.message
assert raw_run.n_steps == 1 and raw_run.fun > 1e12 * raw_run.history.loss[0]
assert np.all(raw_run.x_best == 0.0) and len(raw_run.history.loss) == 2
assert np.all(np.isfinite(raw_run.x)) and raw_run.fun == raw_run.history.loss[1]

# %% [markdown]
# `minimize` stopped the run after the very first step, whose loss was more than $10^{12}$ times the
# starting loss (the blow-up check); `raw_run.x` holds that point, `raw_run.x_best` the start.
# **The check** in a hand-written loop is the cheapest of all: the loss must go down in the first steps. A
# run whose second loss exceeds its first has a learning rate too large for its features:

# %%
raw_model = LinearRegression(X_raw, price)
w = np.zeros(3)
first_losses = [raw_model.value(w)]
for _ in range(3):
    w = w - 0.5 * raw_model.grad(w)
    first_losses.append(raw_model.value(w))
print("first losses on raw features:", [f"{v:.3g}" for v in first_losses])
try:
    assert first_losses[1] < first_losses[0], "the loss went up: rate too large?"
except AssertionError as err:
    print("AssertionError:", err)

# %% [markdown]
# **The fix.** Standardize the features (mean 0, standard deviation 1), train, and convert the weights back
# to the raw units: a weight $\theta_j$ on the standardized feature $(x_j - \bar x_j)/s_j$, with $\bar x_j$ and
# $s_j$ the feature's mean and standard deviation, is the weight $\theta_j/s_j$ on $x_j$, and the intercept
# absorbs $-\sum_j \theta_j \bar x_j/s_j$.

# %%
std_run = minimize(LinearRegression(X_std, price), np.zeros(3), SGD(lr=0.5),
                   max_steps=1000, gtol=1e-8)
w_raw = std_run.x[1:] / std
b_raw = std_run.x[0] - np.sum(std_run.x[1:] * mean / std)
theta_raw = np.linalg.lstsq(X_raw, price, rcond=None)[0]
print(f"standardized, lr 0.5: {std_run.status} after {std_run.n_steps} steps")
print("back in raw units:", np.r_[b_raw, w_raw], " lstsq on raw data:", theta_raw)
assert std_run.converged and np.allclose(np.r_[b_raw, w_raw], theta_raw, rtol=1e-6)

# %% [markdown]
# ## Ordered data and no shuffling
#
# *Not in the articles' listings either; a classic of real data files.*
#
# Data files are often sorted: by date, by customer, by label. SGD that walks through them in file order sees
# long runs of similar examples, and the parameters drift toward whatever the most recent run prefers. On a
# label-sorted classification set, every epoch ends with a block of positive examples, so the model is
# biased toward predicting "positive" at exactly the moments you evaluate it. Logistic regression on 200
# label-sorted points, minibatches of 5, learning rate 0.5, 10 epochs, with and without reshuffling each
# epoch:

# %%
X_cls, y_cls, _ = make_logistic(200, 2, rng, scale=3.0)
order = np.argsort(y_cls, kind="stable")
X_cls, y_cls = add_bias(X_cls[order]), y_cls[order]
clf = LogisticRegression(X_cls, y_cls)
best = minimize(clf, np.zeros(3), SGD(lr=1.0), max_steps=2000, gtol=1e-8)
runs = {shuffle: fit(clf, np.zeros(3), SGD(lr=0.5), epochs=10, batch_size=5,
                     rng=np.random.default_rng(SEED), shuffle=shuffle, eval_every=4)
        for shuffle in (False, True)}
print(f"minimum loss {best.fun:.4f}, fraction of positive labels {y_cls.mean():.3f}")
for shuffle, r in runs.items():
    print(f"shuffle={shuffle!s:<5}: final loss {r.fun:.4f}, "
          f"intercept {r.x[0]:+.3f} (best {best.x[0]:+.3f}), "
          f"mean predicted probability {clf.predict_proba(r.x).mean():.3f}")

# %%
assert runs[False].fun - best.fun > 5 * (runs[True].fun - best.fun)
assert clf.predict_proba(runs[False].x).mean() > y_cls.mean() + 0.1

# %%
fig, ax = plt.subplots()
steps = 4 * np.arange(len(runs[False].history.loss))
ax.plot(steps, runs[False].history.loss, label="in file order (sorted by label)")
ax.plot(steps, runs[True].history.loss, label="reshuffled every epoch")
ax.axhline(best.fun, color="k", ls="--", lw=1, label="minimum")
ax.set_ylim(best.fun - 0.02, best.fun + 0.15)
ax.set_xlabel("update")
ax.set_ylabel("full-data loss")
ax.set_title("SGD on label-sorted data, with and without shuffling")
ax.legend()
plt.show()


# %% [markdown]
# *The figure shows the full-data loss against the update number for SGD on label-sorted data: the run in
# file order swings up and down twice per epoch of 40 updates, peaking after the block of negative examples
# and again after the block of positive ones, and never settles near the dashed minimum, while the
# reshuffled run stays close to it.*
#
# Evaluating only once per epoch hides the swing: every evaluation then lands at the same phase of it, here
# at a peak right after the block of positive examples, and the curve looks smooth, merely stuck above the
# minimum. **The check** is an assertion on the data before training (are the labels, or the inputs, in
# sorted order?), or a look at the loss *within* an epoch: a swing with the period of an epoch is the
# fingerprint of ordered data.

# %%
def is_sorted(a):
    return bool(np.all(np.diff(a) >= 0))


print("labels sorted:", is_sorted(y_cls))
last_epoch = {s: r.history.loss[-10:] for s, r in runs.items()}
for shuffle, losses in last_epoch.items():
    print(f"shuffle={shuffle!s:<5}: loss within the last epoch "
          f"from {losses.min():.4f} to {losses.max():.4f}")
sorted_losses = runs[False].history.loss
epoch_ends = sorted_losses[10::10]     # 10 evaluations (40 updates) per epoch
epoch_peaks = np.array([sorted_losses[10 * e - 9: 10 * e + 1].max()
                        for e in range(1, 11)])
print("sorted run, loss at the end of each epoch:", [f"{v:.3f}" for v in epoch_ends])
print("sorted run, highest loss within each epoch:", [f"{v:.3f}" for v in epoch_peaks])

# %%
assert is_sorted(y_cls)
assert np.ptp(last_epoch[False]) > 5 * np.ptp(last_epoch[True])
assert np.all(epoch_ends[1:] >= epoch_peaks[1:] - 0.01)

# %% [markdown]
# **The fix** is to reshuffle every epoch (`fit(..., shuffle=True)`, the default, or
# `gdlearn.data.minibatches(n, batch_size, rng)`), as asserted above: the shuffled run ends far closer to the
# minimum. See {doc}`../part3/batch_sgd_minibatch`.
#
# ## An array updated in place and stored by reference
#
# *Not in the articles' listings; a classic of numpy code that records its history.*
#
# `theta -= alpha * g` changes the array `theta` in place, and `history.append(theta)` stores a *reference*
# to that one array, not a copy of its current values. Every entry of the history is the same object, so
# after the loop they all show the final point:

# %%
theta = np.zeros(2)
history = []
for _ in range(5):
    theta -= 0.5 * grad(theta)                    # in place
    history.append(theta)                         # a reference, not a copy
print(np.array(history))
print("all entries are the same object:", all(h is theta for h in history))
assert all(h is theta for h in history)
assert np.ptp(np.array(history), axis=0).max() == 0.0

# %% [markdown]
# The run itself is correct; only its record is wrong, which makes this bug hard to spot: a loss curve
# computed from such a history is flat. **The check**: assert that the recorded losses decrease.

# %%
recorded = [loss(h) for h in history]
print("losses computed from the history:", [f"{v:.4f}" for v in recorded])
print("the recorded loss decreases:", recorded[-1] < recorded[0])
assert recorded[-1] == recorded[0]

# %% [markdown]
# **The fix**: append a copy (`history.append(theta.copy())`), or write the update as `theta = theta - ...`,
# which creates a new array each step. The fixed history equals the points that `minimize` records (it copies
# every point):

# %%
theta = np.zeros(2)
history = []
for _ in range(5):
    theta = theta - 0.5 * grad(theta)             # a new array each step
    history.append(theta)
reference = minimize((loss, grad), np.zeros(2), SGD(lr=0.5), max_steps=5).history.x[1:]
print(np.array(history))
recorded = [loss(h) for h in history]
assert np.all(np.diff(recorded) < 0) and np.allclose(np.array(history), reference)


# %% [markdown]
# ## Key points
#
# - Shape bugs are the most common and the most silent: assert `pred.shape == y.shape` after every
#   prediction and `g.shape == theta.shape` for every gradient, keep targets flat, and use `@` for matrix
#   products, which cannot sum over the wrong axis.
# - The gradient is taken with respect to the parameters: the chain rule puts $X^\top$ in front of the
#   derivative with respect to the predictions.
# - Check every hand-written gradient, including per-sample ones, with `check_grad` at a random point: a
#   flipped sign gives relative error 1, a missing factor or term an error far above the tolerance.
# - A loss that climbs in the first steps means a wrong sign or a learning rate too large for the features;
#   standardize features and convert the weights back afterwards.
# - A run that "converges" is not necessarily right: the missing bias column and the wrong SGD gradient
#   both converge, to the wrong point. Compare with an exact answer (`lstsq`) whenever one exists.
# - Shuffle every epoch; never name a value like the function that computes it; copy arrays you store.
#
# ## Exercises
#
# ```{exercise} A missing factor 2
# :label: ex-mis-factor
# Someone minimizes $\frac1n\|X\theta - y\|^2$ (without the $\tfrac12$) with the gradient
# $\frac1n X^\top(X\theta - y)$. What relative error does `check_grad` report? Does gradient descent still
# reach the least-squares answer?
# ```
#
# ```{solution-start} ex-mis-factor
# :class: dropdown
# ```
#
# The true gradient is twice the one supplied. `check_grad` compares the supplied gradient
# $g_{\mathrm{a}} = \tfrac12\nabla f$ with centred differences $g_{\mathrm{num}} \approx \nabla f$, so its
# relative error is
#
# $$
# \frac{\|g_{\mathrm{a}} - g_{\mathrm{num}}\|}{\|g_{\mathrm{a}}\| + \|g_{\mathrm{num}}\|}
#   = \frac{1/2}{3/2} = \frac13 .
# $$
#
# The direction is right, so gradient descent still
# converges to the same minimizer, only with a step half as long as intended: the gradient check catches a
# bug that the final answer does not reveal.

# %%
def loss_no_half(theta):
    return np.mean((X @ theta - y) ** 2)


check = check_grad(loss_no_half, grad, np.array([0.5, -1.0]))
res = minimize((loss_no_half, grad), np.zeros(2), SGD(lr=0.5), max_steps=5000,
               gtol=1e-10)
print(f"relative error {check.rel_error:.4f}; gradient descent ends at {res.x}")
assert abs(check.rel_error - 1 / 3) < 1e-6 and np.allclose(res.x, theta_star, atol=1e-8)


# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The caller's array changes
# :label: ex-mis-inplace
# A helper `def step(theta, g): theta -= 0.5 * g; return theta` is called as
# `new = step(theta0, grad(theta0))`. What happens to `theta0`? Write a version that leaves it alone.
# ```
#
# ```{solution-start} ex-mis-inplace
# :class: dropdown
# ```
#
# `theta -= ...` modifies the array the caller passed in, so `theta0` changes too and `new is theta0`.
# Writing `theta - 0.5 * g` returns a new array (this is why `gdlearn`'s optimizers never modify their
# inputs).

# %%
def step_in_place(theta, g):
    theta -= 0.5 * g
    return theta


def step_new(theta, g):
    return theta - 0.5 * g


theta0 = np.ones(2)
new = step_in_place(theta0, grad(theta0))
print("in place:  theta0 =", theta0, " new is theta0:", new is theta0)
theta0 = np.ones(2)
new = step_new(theta0, grad(theta0))
print("new array: theta0 =", theta0, " new is theta0:", new is theta0)
assert np.all(theta0 == 1.0) and new is not theta0

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# Gradient checking and the practical advice on shuffling and learning rates follow {cite:t}`goodfellow2016`
# (Chapters 8 and 11) and the survey of {cite:t}`ruder2016`; the SGD step-size conditions are those of
# {cite:t}`robbins1951`, discussed in {cite:t}`bottou2018`; the broadcasting rules are numpy's
# {cite:p}`harris2020`. The chapters that go deeper are {doc}`../part2/derivatives_and_gradients` (gradient
# checking), {doc}`../part3/gd_from_scratch` (the bias column and feature scaling),
# {doc}`../part3/batch_sgd_minibatch` (per-sample gradients and shuffling) and
# {doc}`../part4/ill_conditioning` (why scaling matters).
