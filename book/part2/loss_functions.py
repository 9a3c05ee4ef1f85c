# %% [markdown]
# # Loss functions and their gradients
#
# A loss function turns "how wrong is the model" into one number, and gradient descent sees the data only
# through the loss's gradient. So the choice of loss decides what the model learns (a mean, a median, or
# something in between; a probability) and how the optimizer behaves (convex or not, bounded gradients or
# not, finite numbers or `nan`). This chapter derives the gradients of the standard losses, checks each
# one numerically, fits them to real data, and shows how the textbook formulas for cross-entropy break
# on a computer and how to write them so they never do.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write the mean squared, mean absolute and Huber losses and their derivatives with respect to the residual,
#   and predict how each reacts to an outlier;
# - derive that the gradient of binary and softmax cross-entropy with respect to the logits is $p - y$;
# - evaluate cross-entropy stably with `logaddexp` and log-sum-exp, and recognise the `inf`/`nan` that the
#   naive formulas produce;
# - say which losses are convex in the parameters of a linear model, and exhibit one that is not.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linprog
from scipy.special import logsumexp as scipy_logsumexp
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits, load_iris

import gdlearn
from gdlearn.data import add_bias, standardize
from gdlearn.gradcheck import check_grad
from gdlearn.loop import minimize
from gdlearn.models import LogisticRegression, SoftmaxRegression, logsumexp, sigmoid
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style
from gdlearn.schedules import InverseTimeDecay

use_book_style()
SEED = 0
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)


# %% [markdown]
# ## Three losses for regression
#
# A regression model predicts $\hat y_i$ for a target $y_i$; the **residual** is $r_i = \hat y_i - y_i$. A
# regression loss, the objective $f$, is the mean of a per-example penalty $\ell(r_i)$ over the $n$ data
# points (symbols as on the {doc}`../notation` page), and by the chain rule its gradient with respect to the
# parameters $\theta$ is
#
# $$
# \begin{aligned}
# f(\theta) &= \frac1n \sum_{i=1}^{n} \ell(r_i), \\
# \nabla f(\theta) &= \frac1n \sum_{i=1}^{n} \ell'(r_i)\, \nabla_\theta \hat y_i .
# \end{aligned}
# $$
#
# Everything specific to the loss sits in $\ell'(r)$: it says how hard each data point pulls on the
# parameters. For a linear model $\hat y = X\theta$ the gradient is $\frac1n X^\top \ell'(r)$. Three choices:
#
# | loss | $\ell(r)$ | $\ell'(r)$ |
# | --- | --- | --- |
# | squared (MSE) | $\tfrac12 r^2$ | $r$ |
# | absolute (MAE) | $\lvert r\rvert$ | $\operatorname{sign}(r)$ (any value in $[-1, 1]$ at $r = 0$) |
# | Huber, threshold $\delta$ | $\tfrac12 r^2$ if $\lvert r\rvert \le \delta$, else $\delta\,(\lvert r\rvert - \tfrac12\delta)$ | $\operatorname{clip}(r, -\delta, \delta)$ |
#
# The squared loss pulls in proportion to the residual, so one point far from the line pulls as hard as
# many close ones. The absolute loss pulls every point with the same force, however far. Huber's loss
# {cite}`huber1964` is quadratic near zero and linear in the tails: its pull grows with the residual up to
# $\delta$ and then stays there. The absolute loss has a kink at $r = 0$, where it has no derivative, only
# a *subgradient*; Huber's loss is differentiable everywhere. (Its threshold is called $\delta$ here, as in
# `torch.nn.HuberLoss(delta=...)`; in this book $\delta$ means nothing else.) We write the three penalties
# and their derivatives and check the derivatives against centred differences at points away from the kink:

# %%
def mse(r):
    return 0.5 * r**2


def mse_grad(r):
    return r


def mae(r):
    return np.abs(r)


def mae_grad(r):
    return np.sign(r)


def huber(r, delta=1.0):
    a = np.abs(r)
    return np.where(a <= delta, 0.5 * r**2, delta * (a - 0.5 * delta))


def huber_grad(r, delta=1.0):
    return np.clip(r, -delta, delta)


LOSSES = {"MSE": (mse, mse_grad), "MAE": (mae, mae_grad), "Huber": (huber, huber_grad)}
r_test = rng.uniform(-3, 3, size=50)
r_test = r_test[np.abs(r_test) > 1e-3]          # stay away from the kink of |r| at 0
for name, (loss, grad) in LOSSES.items():
    c = check_grad(lambda r, loss=loss: np.sum(loss(r)), grad, r_test)
    print(f"{name:5}: gradient check passed, relative error below 1e-6:",
          c.passed and c.rel_error < 1e-6)
    assert c.passed and c.rel_error < 1e-6

# %%
r = np.linspace(-4, 4, 801)
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7.5))
for name, (loss, grad) in LOSSES.items():
    ax1.plot(r, loss(r), label=name + (r" ($\delta = 1$)" if name == "Huber" else ""))
    ax2.plot(r, grad(r), label=name)
ax1.set_title("Losses against the residual")
ax1.set_xlabel(r"residual $r = \hat y - y$")
ax1.set_ylabel(r"loss $\ell(r)$")
ax1.set_ylim(0, 5)
ax1.legend()
ax2.set_title("Their derivatives: the pull of one data point")
ax2.set_xlabel(r"residual $r = \hat y - y$")
ax2.set_ylabel(r"derivative $\ell'(r)$")
ax2.legend()
plt.show()

# %% [markdown]
# *The figure shows two panels, one above the other, over residuals from −4 to 4. Top: the squared
# loss (solid) is a parabola, the absolute loss (dashed) a V, and the Huber loss (dash-dotted) follows
# the parabola between −1 and 1 and then grows along straight lines. Bottom: the derivatives; the
# squared loss's is the diagonal line through the origin, the absolute loss's is a step from −1 to 1
# at zero, and Huber's follows the diagonal between −1 and 1 and is flat at plus or minus 1 outside.*
#
# ## One bad record: fitting a line with each loss
#
# The diabetes data {cite}`efron2004` relate a measure of disease progression to ten baseline measurements of
# 442 patients. We fit a straight line to progression against body-mass index (both standardized), once
# on the clean data and once after corrupting a single record: the patient with the highest BMI gets
# progression ten times the true value, as if a digit had been typed twice. That record sits at the edge
# of the data, where it has the most leverage on the slope.
#
# Each line is fitted by gradient descent with `gdlearn` on the loss $\frac1n\sum \ell(\theta_0 + \theta_1
# x_i - y_i)$. MSE and Huber are differentiable and convex, and their gradients are $L$-Lipschitz with
# $L = \lambda_{\max}(X^\top X/n)$ (Huber's $\ell'' \le 1$; the Hessian and its eigenvalues are introduced in
# {ref}`dg-hessian` and {ref}`dg-eigen`). The BMI column is standardized, so $L = 1$ and the fixed step $\alpha = 1$
# is below $2/L$, the condition under which every step lowers the loss ({doc}`update_rule`). For MSE the
# smallest eigenvalue is 1 as well: the loss is strongly convex with $\mu = 1$, and a gradient norm below
# $10^{-8}$ certifies that the fit is within $10^{-8}/\mu$ of the minimizer. Huber's loss is *not* strongly
# convex: where a residual is beyond $\delta$ its penalty is linear, with zero curvature, and a loss that is
# flat in some direction can have a tiny gradient far from its minimizer. The same certificate holds for
# Huber only because, at the fit, most residuals lie inside $\delta$, where the penalty is quadratic: near
# the fit the loss curves up at least as fast as $\mu_\delta = \lambda_{\min}(X_\delta^\top X_\delta / n)$,
# with $X_\delta$ the rows whose residual is inside $\delta$ (printed below). MAE has a kink, so we use its
# subgradient with a decreasing step $\alpha_k = 1/(1 + 0.01\,k)$, and compare the result with the exact
# least-absolute-deviations line, computed as a linear program.

# %%
diabetes = load_diabetes()
bmi = standardize(diabetes.data[:, [diabetes.feature_names.index("bmi")]])[0][:, 0]
target = diabetes.target
y_clean = (target - target.mean()) / target.std()
worst = np.argmax(bmi)
y_bad = y_clean.copy()
y_bad[worst] = (10 * target[worst] - target.mean()) / target.std()
X_line = add_bias(bmi[:, None])
print(f"corrupted patient: BMI {bmi[worst]:.2f} SD, "
      f"progression {y_clean[worst]:.2f} SD -> {y_bad[worst]:.2f} SD")


def fit_line(name, y):
    """Fit intercept and slope by (sub)gradient descent on the mean penalty."""
    loss, grad = LOSSES[name]
    objective = (lambda t: np.mean(loss(X_line @ t - y)),
                 lambda t: X_line.T @ grad(X_line @ t - y) / len(y))
    if name == "MAE":
        decaying = SGD(lr=InverseTimeDecay(1.0, 0.01))
        return minimize(objective, np.zeros(2), decaying, max_steps=2000, gtol=None)
    return minimize(objective, np.zeros(2), SGD(lr=1.0), max_steps=4000, gtol=1e-8)


def lad_line(y):
    """Exact least-absolute-deviations line: the linear program
    min sum(u + v) subject to X t + u - v = y, u, v >= 0."""
    n = len(y)
    c = np.r_[0.0, 0.0, np.ones(2 * n)]
    A = np.hstack([X_line, np.eye(n), -np.eye(n)])
    bounds = [(None, None)] * 2 + [(0, None)] * (2 * n)
    return linprog(c, A_eq=A, b_eq=y, bounds=bounds, method="highs").x[:2]


fits, slopes = {}, {}
print(f"{'loss':6} {'slope, clean':>13} {'slope, 1 bad record':>20} "
      f"{'change':>8} {'relative':>9}")
for name in LOSSES:
    fits[name] = [fit_line(name, y) for y in (y_clean, y_bad)]
    slopes[name] = [res.x[1] for res in fits[name]]
    diff = slopes[name][1] - slopes[name][0]
    print(f"{name:6} {slopes[name][0]:13.3f} {slopes[name][1]:20.3f} "
          f"{diff:+8.3f} {diff / slopes[name][0]:+9.0%}")
exact = [lad_line(y)[1] for y in (y_clean, y_bad)]
print(f"exact least-absolute-deviations slopes (linear program): "
      f"{exact[0]:.3f}, {exact[1]:.3f}")

resid = X_line @ fits["MSE"][1].x - y_bad
typical = np.median(np.abs(np.delete(resid, worst)))
print(f"under the MSE fit: residual of the corrupted record {resid[worst]:.1f}, "
      f"median |residual| of the others {typical:.2f}, "
      f"ratio {abs(resid[worst]) / typical:.0f}")
eig_line = np.linalg.eigvalsh(X_line.T @ X_line / len(y_bad))
inside = np.abs(X_line @ fits["Huber"][1].x - y_bad) <= 1.0
mu_delta = np.linalg.eigvalsh(X_line[inside].T @ X_line[inside] / len(y_bad))[0]
print(f"L = {eig_line[-1]:.3f} and mu = {eig_line[0]:.3f} for MSE; Huber fit: "
      f"{inside.sum()} of {len(inside)} residuals inside delta, "
      f"mu_delta = {mu_delta:.3f}")

# %%
assert all(res.converged for name in ("MSE", "Huber") for res in fits[name])
assert np.allclose(slopes["MAE"], exact, atol=2e-3)
change = {name: abs(s[1] - s[0]) for name, s in slopes.items()}
assert change["MSE"] > 5 * change["Huber"] and change["MSE"] > 5 * change["MAE"]
assert abs(resid[worst]) / typical > 30
assert 1 < 2 / eig_line[-1] and eig_line[0] > 0.9 and mu_delta > 0.5

# %% [markdown]
# One record out of 442 moves the least-squares slope by almost 40 percent, while the Huber and
# absolute-loss slopes move by 3 to 4 percent. The reason is the bottom panel of the first figure: under
# MSE a point pulls in proportion to its residual, and the corrupted record's residual is about 50 times
# that of a typical patient, so it pulls like 50 of them; under Huber and MAE its pull is capped at 1, the
# same as any point whose residual exceeds $\delta$. The price of robustness is visible in the clean column
# too: the three losses estimate different things (a conditional mean, a conditional median, and a
# compromise), so they disagree a little even without outliers.

# %%
fig, ax = plt.subplots(figsize=(7, 5))
ax.scatter(np.delete(bmi, worst), np.delete(y_bad, worst), s=8, color="0.6",
           label="patients")
ax.annotate(f"corrupted record\n(progression {y_bad[worst]:.0f},\noff the chart)",
            xy=(bmi[worst], 4.9), xytext=(1.6, 2.6), arrowprops={"arrowstyle": "->"})
grid = np.linspace(bmi.min(), bmi.max(), 9)
styles = {"MSE": ("-", "o"), "MAE": ("--", "s"), "Huber": (":", "^")}
for name, (ls, marker) in styles.items():
    res = fits[name][1]
    ax.plot(grid, res.x[0] + res.x[1] * grid, ls=ls, marker=marker, ms=7,
            label=f"{name} fit, slope {res.x[1]:.2f}")
ax.set_xlabel("body-mass index (standardized)")
ax.set_ylabel("disease progression (standardized)")
ax.set_ylim(-2.5, 5)
ax.set_title("One corrupted record tilts only the least-squares line")
ax.legend(loc="upper left")
plt.show()


# %% [markdown]
# *The figure shows the diabetes patients as grey dots, progression against BMI, with an arrow at the
# right edge pointing up to the corrupted record, which lies far above the chart at about 29. Three
# fitted lines: the least-squares (MSE) line, solid with circles, is visibly steeper than the MAE line
# (dashed, squares) and the Huber line (dotted, triangles), which nearly coincide and follow the bulk
# of the data.*
#
# ## Cross-entropy for classification
#
# A classifier outputs **logits**, unbounded scores $z$, that a link function turns into probabilities.
#
# **Binary.** With one logit $z$, the probability of class 1 is the sigmoid $p = \sigma(z) = 1/(1 + e^{-z})$.
# The loss is the negative log-likelihood of the observed label $y \in \{0, 1\}$, the binary cross-entropy
#
# $$
# \ell(z, y) = -y \log p - (1 - y)\log(1 - p).
# $$
#
# Substitute $\log p = -\log(1 + e^{-z}) = z - \log(1 + e^{z})$ and $\log(1 - p) = -\log(1 + e^{z})$:
#
# $$
# \ell(z, y) = \log(1 + e^{z}) - y z .
# $$
#
# Differentiate: $\dfrac{d}{dz}\log(1 + e^z) = \dfrac{e^z}{1 + e^z} = \sigma(z)$, so
#
# $$
# \frac{\partial \ell}{\partial z} = \sigma(z) - y = p - y .
# $$
#
# **Softmax.** With $C$ classes the model outputs a vector of logits $z \in \mathbb{R}^C$ and the
# probabilities $p_j = e^{z_j} / \sum_l e^{z_l}$. For the true class $y$ (one-hot vector $\mathbf{y}$) the
# cross-entropy is
#
# $$
# \begin{aligned}
# \ell(z, y) &= -\log p_y = \log\sum_{l} e^{z_l} - z_y , \\
# \frac{\partial \ell}{\partial z_j} &= \frac{e^{z_j}}{\sum_l e^{z_l}} - [j = y]
#   = p_j - \mathbf{y}_j .
# \end{aligned}
# $$
#
# Both gradients are "prediction minus target", the same form as the squared loss's $\hat y - y$. For a
# linear model $z = X\theta$ (or $Z = X\Theta$, one column of weights per class) the chain rule then gives $\nabla f = \frac1n X^\top (p - y)$, the
# formula `gdlearn`'s `LogisticRegression` and `SoftmaxRegression` implement {cite}`goodfellow2016`. We check
# both derivations numerically at random logits and labels:

# %%
def bce(z, y):
    """Binary cross-entropy from the logit, stable for any z."""
    return np.logaddexp(0.0, z) - y * z


def softmax_ce(Z, y):
    """Softmax cross-entropy of each row of logits Z with integer label y."""
    return logsumexp(Z, axis=1) - Z[np.arange(len(y)), y]


z = rng.normal(scale=3.0, size=8)
yb = rng.integers(0, 2, size=8).astype(float)
c_bin = check_grad(lambda v: np.sum(bce(v, yb)), sigmoid(z) - yb, z)

Z = rng.normal(scale=3.0, size=(8, 5))
yk = rng.integers(0, 5, size=8)
P = np.exp(Z - scipy_logsumexp(Z, axis=1, keepdims=True))
c_soft = check_grad(lambda V: np.sum(softmax_ce(V, yk)), P - np.eye(5)[yk], Z)
print("binary cross-entropy,  p - y vs centred differences, relative error below 1e-6:",
      c_bin.rel_error < 1e-6)
print("softmax cross-entropy, p - y vs centred differences, relative error below 1e-6:",
      c_soft.rel_error < 1e-6)
assert c_bin.passed and c_soft.passed and max(c_bin.rel_error, c_soft.rel_error) < 1e-6


# %% [markdown]
# ## What goes wrong with the naive formulas
#
# Written as on paper, with `np.exp` and `np.log`, cross-entropy breaks for large logits, and large logits
# are common: a confident model, a large learning rate or unscaled features produce them within a few
# steps. `np.exp(z)` overflows to `inf` once $z > 709$; $\sigma(z)$ rounds to exactly 1.0 for $z \ge 37$, so
# $\log(1 - \sigma(z))$ becomes $\log 0 = -\infty$; and the softmax of large logits becomes
# $\infty/\infty$ = `nan`. We run the naive formulas under `np.errstate(all="ignore")`, so that the overflow
# warnings do not flood the output, and print what they return:

# %%
def bce_naive(z, y):
    p = 1.0 / (1.0 + np.exp(-z))
    return -y * np.log(p) - (1 - y) * np.log(1 - p)


def softmax_naive(z):
    e = np.exp(z)
    return e / np.sum(e)


with np.errstate(all="ignore"):
    print(f"np.exp(1000.0)                 = {np.exp(1000.0)}")
    print(f"np.log(0.0)                    = {np.log(0.0)}")
    print(f"np.exp(709.0), np.exp(710.0)   = {np.exp(709.0):.3e}, {np.exp(710.0)}")
    sig36, sig37 = 1 / (1 + np.exp(-36.0)), 1 / (1 + np.exp(-37.0))
    print(f"sigmoid(36) == 1.0: {sig36 == 1.0},  sigmoid(37) == 1.0: {sig37 == 1.0}")
    print(f"{'case':30} {'naive':>10} {'stable':>10}")
    cases = [(1000.0, 1.0), (-1000.0, 1.0), (40.0, 0.0), (-40.0, 1.0), (2.0, 1.0)]
    for zc, yc in cases:
        naive, stable = bce_naive(zc, yc), bce(zc, yc)
        case = f"BCE, z = {zc:g}, y = {yc:g}"
        print(f"{case:30} {naive:10.4g} {stable:10.4g}")
    big = np.array([1000.0, 0.0, -1000.0])
    print(f"naive softmax([1000, 0, -1000]) = {softmax_naive(big)}")
    lse_naive = np.log(np.sum(np.exp([1000.0, 1000.0])))
    print(f"naive log-sum-exp([1000, 1000]) = {lse_naive}")

# %%
with np.errstate(all="ignore"):
    assert np.isfinite(np.exp(709.0)) and np.isinf(np.exp(710.0))
    assert sig36 < 1.0 == sig37
    assert np.isnan(bce_naive(1000.0, 1.0)) and np.isinf(bce_naive(-1000.0, 1.0))
    assert np.isinf(bce_naive(40.0, 0.0)) and np.isnan(softmax_naive(big)).any()


# %% [markdown]
# Four different failures: `nan` for a *correct* confident prediction ($0 \cdot \log 0$), `inf` instead of
# 1000 for a confidently wrong one, `inf` instead of 40 because $\sigma(40)$ rounded to 1, and a `nan`
# softmax. The naive formula survives only where every exponential stays finite and no probability rounds
# to 0 or 1 ($z = 2$, and $z = -40$ with $y = 1$). One `nan` in a loss or a gradient then spreads to
# every parameter in the next update.
#
# The stable forms avoid every large exponential {cite}`higham2002`:
#
# - $\log(1 + e^z)$ is `np.logaddexp(0, z)`, which computes $\max(z, 0) + \log(1 + e^{-|z|})$: the
#   exponent is never positive;
# - $\log\sum_j e^{z_j} = z_{\max} + \log\sum_j e^{z_j - z_{\max}}$ with $z_{\max} = \max_j z_j$ (the
#   *log-sum-exp trick*):
#   the largest term becomes $e^0 = 1$, so nothing overflows and the sum is at least 1, so the log is
#   finite;
# - the softmax is computed from $z - z_{\max}$ for the same reason, and $\sigma$ from $e^{-|z|}$.
#
# Here is the log-sum-exp trick in two lines, compared with `gdlearn`'s and SciPy's versions on logits
# that overflow the naive formula:

# %%
def my_logsumexp(Z):
    m = np.max(Z, axis=1, keepdims=True)
    return m[:, 0] + np.log(np.sum(np.exp(Z - m), axis=1))


Z_big = np.array([[1000.0, 1000.0, 0.0], [-1000.0, -999.0, -1001.0], [0.5, -0.3, 2.0]])
print("ours:   ", my_logsumexp(Z_big))
print("gdlearn:", logsumexp(Z_big, axis=1))
print("scipy:  ", scipy_logsumexp(Z_big, axis=1))
assert np.allclose(my_logsumexp(Z_big), logsumexp(Z_big, axis=1))
assert np.allclose(my_logsumexp(Z_big), scipy_logsumexp(Z_big, axis=1))

# %% [markdown]
# `gdlearn`'s models use these forms. To see it, we blow the weights of a logistic-regression model on
# the breast-cancer data {cite}`street1993` up by a factor of 1000, so that the logits reach the
# thousands, and compare the model's loss with the stable formula and with the naive one:

# %%
cancer = load_breast_cancer()
Xc = add_bias(standardize(cancer.data)[0])
yc_all = cancer.target.astype(float)
clf = LogisticRegression(Xc, yc_all)
w_big = 1000 * rng.normal(scale=0.1, size=Xc.shape[1])
z_big = Xc @ w_big
with np.errstate(all="ignore"):
    naive_value = np.mean(bce_naive(z_big, yc_all))
print(f"largest |logit|: {np.abs(z_big).max():.0f}")
print(f"naive mean BCE:  {naive_value}")
print(f"stable mean BCE: {np.mean(bce(z_big, yc_all)):.4f}")
print(f"gdlearn value:   {clf.value(w_big):.4f}")

# %%
assert not np.isfinite(naive_value)
assert np.isclose(clf.value(w_big), np.mean(bce(z_big, yc_all)))
assert np.allclose(clf.grad(w_big), Xc.T @ (sigmoid(z_big) - yc_all) / len(yc_all))
assert np.all(np.isfinite(clf.grad(w_big)))

# %% [markdown]
# The same holds for the softmax model on the handwritten digits (8×8 images, ten classes, pixel values
# scaled to $[0, 1]$):

# %%
digits = load_digits()
Xd = add_bias(digits.data / 16.0)
yd = digits.target
soft = SoftmaxRegression(Xd, yd)
W_big = 1000 * rng.normal(scale=0.1, size=soft.shape)
Z_d = Xd @ W_big
with np.errstate(all="ignore"):
    E = np.exp(Z_d)
    naive_soft = np.mean(-np.log(E[np.arange(len(yd)), yd] / E.sum(axis=1)))
print(f"largest |logit|: {np.abs(Z_d).max():.0f}")
print(f"naive mean cross-entropy:  {naive_soft}")
print(f"stable mean cross-entropy: {np.mean(softmax_ce(Z_d, yd)):.4f}")
print(f"gdlearn value:             {soft.value(W_big):.4f}")
assert not np.isfinite(naive_soft)
assert np.isclose(soft.value(W_big), np.mean(softmax_ce(Z_d, yd)))


# %% [markdown]
# ## Which losses are convex?
#
# A function is **convex** when every chord lies on or above its graph,
# $f(t \theta + (1-t) \theta') \le t f(\theta) + (1-t) f(\theta')$ for all $\theta, \theta'$ and $t \in [0, 1]$;
# for a twice-differentiable function of one
# variable, when $f'' \ge 0$ everywhere. Convexity matters because every local minimum of a convex function
# is global, so gradient descent cannot get stuck {cite}`boyd2004`.
#
# - $\tfrac12 r^2$ ($\ell'' = 1$), $|r|$ (a V) and Huber's loss ($\ell'' \in \{0, 1\}$) are convex in $r$.
# - Binary cross-entropy in the logit: $\ell''(z) = \sigma(z)(1 - \sigma(z)) > 0$. Softmax cross-entropy:
#   its Hessian in $z$ is $\operatorname{diag}(p) - pp^\top$, which is positive semidefinite because
#   $u^\top(\operatorname{diag}(p) - pp^\top)u = \sum_j p_j u_j^2 - (\sum_j p_j u_j)^2$ is a variance.
# - A convex function of an affine function is convex. The residual $x^\top\theta - y$ and the logits
#   $X\theta$ are affine in the weights, so **all of these losses are convex in the weights of a linear
#   model**: linear, logistic and softmax regression have no spurious local minima.
#
# A numerical test of the definition: draw 20,000 random pairs of points and count the midpoints that lie
# above their chord. For the softmax loss and for the logistic model's weights we also print the smallest
# eigenvalue of the Hessian, which must not be negative (the Hessian and its eigenvalues are introduced in
# {ref}`dg-hessian` and {ref}`dg-eigen` of {doc}`derivatives_and_gradients`).

# %%
def sigmoid_mse(z):
    """Squared error of a sigmoid output against the label 1: not convex in z."""
    return 0.5 * (sigmoid(z) - 1.0) ** 2


scalar_losses = {"MSE": mse, "MAE": mae, "Huber": huber,
                 "BCE (y = 1)": lambda z: bce(z, 1.0), "sigmoid + MSE": sigmoid_mse}
a, b = rng.uniform(-8, 8, size=(2, 20_000))
violations = {}
for name, fun in scalar_losses.items():
    gap = fun((a + b) / 2) - (fun(a) + fun(b)) / 2
    violations[name] = int(np.sum(gap > 1e-12))
    print(f"{name:14} midpoints above the chord: {violations[name]:5d} of 20000")
assert all(v == 0 for k, v in violations.items() if k != "sigmoid + MSE")
assert violations["sigmoid + MSE"] > 0

Zs = rng.normal(scale=3.0, size=(200, 5))
Ps = np.exp(Zs - scipy_logsumexp(Zs, axis=1, keepdims=True))
eigs_soft = np.array([np.linalg.eigvalsh(np.diag(p) - np.outer(p, p)) for p in Ps])
n_negative = int(np.sum(eigs_soft < -1e-12))
flat_dir = bool(np.all(np.abs(eigs_soft[:, 0]) < 1e-12))
print(f"softmax Hessians diag(p) - pp^T at 200 random logit vectors: "
      f"{n_negative} negative eigenvalues")
print(f"smallest |eigenvalue| below 1e-12 in all 200 (the direction (1, ..., 1)): "
      f"{flat_dir}")
H = clf.hess(rng.normal(size=Xc.shape[1]))
eig_H = np.linalg.eigvalsh(H)
print(f"logistic-regression Hessian at a random θ: eigenvalues from {eig_H[0]:.1e} "
      f"to {eig_H[-1]:.2f}")
assert n_negative == 0 and flat_dir and eig_H[0] > 0

# %% [markdown]
# The one failure is deliberate. Putting a squared error on top of a sigmoid, $h(z) = \tfrac12(\sigma(z) - 1)^2$
# for a positive example, is a natural-looking loss that is **not convex**. Its derivatives are
#
# $$
# \begin{aligned}
# h'(z) &= -\sigma(z)\,(1 - \sigma(z))^2, \\
# h''(z) &= -\sigma(z)\,(1 - \sigma(z))^2\,\big(1 - 3\sigma(z)\big),
# \end{aligned}
# $$
#
# so $h''$ changes sign where $\sigma(z) = \tfrac13$, at $z = -\ln 2 \approx -0.693$. We locate the sign
# change from second differences of $h$ alone:

# %%
zg = np.linspace(-6, 6, 1201)
step = zg[1] - zg[0]
h2 = (sigmoid_mse(zg + step) - 2 * sigmoid_mse(zg) + sigmoid_mse(zg - step)) / step**2
flip = np.nonzero(np.sign(h2[:-1]) != np.sign(h2[1:]))[0]
at = {z0: h2[np.argmin(np.abs(zg - z0))] for z0 in (-4, 2)}
print(f"h'' at z = -4: {at[-4]:+.4f}   h'' at z = 2: {at[2]:+.4f}")
print(f"h'' changes sign between z = {zg[flip[0]]:.2f} and z = {zg[flip[0] + 1]:.2f}; "
      f"-ln 2 = {-np.log(2):.4f}")
assert len(flip) == 1 and zg[flip[0]] <= -np.log(2) <= zg[flip[0] + 1]

# %% [markdown]
# For very negative $z$, a confidently wrong prediction, $h$ is concave and almost flat: its gradient
# $-\sigma(1-\sigma)^2 \approx -e^{z}$ vanishes, so gradient descent barely moves exactly when the model is
# most wrong. Cross-entropy's gradient there is $\sigma(z) - 1 \approx -1$: the worse the prediction, the
# stronger the pull. That is the practical reason classifiers are trained with cross-entropy.

# %%
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7.5))
ax1.plot(zg, bce(zg, 1.0), label=r"cross-entropy $\log(1+e^{z}) - z$")
ax1.plot(zg, sigmoid_mse(zg), label=r"squared error $\frac{1}{2}(\sigma(z)-1)^2$")
ax1.set_title("Two losses for a positive example (y = 1)")
ax1.set_xlabel("logit z")
ax1.set_ylabel("loss")
ax1.legend()
ax2.plot(zg, sigmoid(zg) * (1 - sigmoid(zg)),
         label=r"cross-entropy: $\sigma(1-\sigma)$")
ax2.plot(zg, h2, label="squared error (second differences)")
ax2.axhline(0, color="k", lw=0.8)
ax2.axvline(-np.log(2), color="0.3", ls=":", label=r"$z = -\ln 2$")
ax2.set_title("Second derivatives: only the squared error goes negative")
ax2.set_xlabel("logit z")
ax2.set_ylabel("second derivative")
ax2.legend(loc="upper left")
plt.show()

# %% [markdown]
# *The figure shows two panels, one above the other, over logits from −6 to 6 for a positive example.
# Top: cross-entropy (solid) grows like a straight line for negative logits and decays to zero for
# positive ones, while the squared error of the sigmoid output (dashed) levels off at 0.5 for negative
# logits. Bottom: the second derivative of cross-entropy is a positive bump; that of the squared error
# is negative to the left of the dotted vertical line at minus the natural logarithm of 2 (about
# −0.69) and positive to the right.*
#
# ## Training with cross-entropy on real data
#
# Convexity and $p - y$ in action: gradient descent on the breast-cancer data (binary cross-entropy, 31
# weights) and on Fisher's iris flowers {cite}`fisher1936` (softmax cross-entropy; 4 standardized measurements plus an
# intercept, 3 species, so 5 × 3 weights), both starting from zero, where every probability is $1/C$ and
# the loss is $\ln C$.

# %%
iris = load_iris()
Xi = add_bias(standardize(iris.data)[0])
yi = iris.target
flowers = SoftmaxRegression(Xi, yi)
res_bin = minimize(clf, np.zeros(Xc.shape[1]), SGD(lr=0.5), max_steps=500, gtol=None)
res_soft = minimize(flowers, np.zeros(flowers.shape), SGD(lr=0.5), max_steps=300,
                    gtol=None)
runs = [("breast cancer", clf, res_bin, 2, Xc.shape[1]),
        ("iris", flowers, res_soft, 3, flowers.shape)]
for name, model, res, k, shape in runs:
    start = model.value(np.zeros(shape))
    print(f"{name:13}: loss {start:.4f} (ln {k} = {np.log(k):.4f}) -> {res.fun:.4f} "
          f"after {res.n_steps} steps, training accuracy {model.score(res.x):.3f}")

# %%
assert np.isclose(clf.value(np.zeros(Xc.shape[1])), np.log(2))
assert np.isclose(flowers.value(np.zeros(flowers.shape)), np.log(3))
assert np.all(np.diff(res_bin.history.loss) <= 0)
assert np.all(np.diff(res_soft.history.loss) <= 0)
assert clf.score(res_bin.x) > 0.95 and flowers.score(res_soft.x) > 0.95

# %% [markdown]
# The loss falls at every step on both problems. At the trained weights, our own stable formulas and the
# $p - y$ gradient agree with the models, and gradient checks confirm both models' gradients once more:

# %%
W_fit = res_soft.x
P_fit = np.exp(Xi @ W_fit - logsumexp(Xi @ W_fit, axis=1, keepdims=True))
c_fit_bin = check_grad(clf.value, clf.grad, res_bin.x)
c_fit_soft = check_grad(flowers.value, flowers.grad, W_fit)
for name, c in [("logistic model, 31 weights:", c_fit_bin),
                ("softmax model, 15 weights: ", c_fit_soft)]:
    print(name, "relative error below 1e-6:", c.rel_error < 1e-6)

# %%
assert np.isclose(flowers.value(W_fit), np.mean(softmax_ce(Xi @ W_fit, yi)))
assert np.allclose(flowers.grad(W_fit), Xi.T @ (P_fit - np.eye(3)[yi]) / len(yi))
assert np.isclose(clf.value(res_bin.x), np.mean(bce(Xc @ res_bin.x, yc_all)))
assert c_fit_bin.passed and c_fit_soft.passed
assert max(c_fit_bin.rel_error, c_fit_soft.rel_error) < 1e-6

# %% [markdown]
# ## Key points
#
# - A loss's gradient is $\frac1n\sum_i \ell'(r_i)\,\nabla\hat y_i$: the derivative $\ell'$ is the pull of
#   each data point. MSE pulls in proportion to the residual, MAE with constant force, Huber like MSE up
#   to $\delta$ and like MAE beyond.
# - One corrupted record among 442 moved the least-squares slope by almost 40 percent (+39 %); the Huber and MAE
#   slopes hardly moved.
# - For binary and softmax cross-entropy the gradient with respect to the logits is $p - y$, and for a
#   linear model $\nabla f = \frac1n X^\top(p - y)$.
# - Never compute cross-entropy as `log(sigmoid(z))` or `log(softmax(z))`: with logits of a few dozen to a
#   few hundred these give `inf` and `nan`. Use `np.logaddexp(0, z) - y*z` and the log-sum-exp trick.
# - MSE, MAE, Huber and cross-entropy are convex in the residual or logits, hence in the weights of a
#   linear model. A squared error on a sigmoid output is not: its curvature changes sign at $z = -\ln 2$,
#   and its gradient vanishes when the prediction is confidently wrong.
#
# ## Exercises
#
# ```{exercise} Huber between MSE and MAE
# :label: ex-loss-huber-limits
# Show numerically on residuals in $[-3, 3]$ that Huber's loss tends to the squared loss as $\delta \to \infty$,
# and that $\text{Huber}_\delta / \delta$ tends to the absolute loss as $\delta \to 0$. Then check that Huber's
# derivative is continuous at $r = \delta$ while its second derivative jumps from 1 to 0.
# ```
#
# ```{solution-start} ex-loss-huber-limits
# :class: dropdown
# ```

# %%
rr = np.linspace(-3, 3, 601)
for delta in [10.0, 1.0, 0.1, 0.001]:
    to_mse = np.max(np.abs(huber(rr, delta) - mse(rr)))
    to_mae = np.max(np.abs(huber(rr, delta) / delta - mae(rr)))
    print(f"delta = {delta:6.3f}: max |Huber - MSE| = {to_mse:.4f}, "
          f"max |Huber/delta - MAE| = {to_mae:.4f}")
assert np.max(np.abs(huber(rr, 10.0) - mse(rr))) == 0
assert np.max(np.abs(huber(rr, 1e-3) / 1e-3 - mae(rr))) < 1e-3

d, tiny = 1.0, 1e-6
left, right = huber_grad(d - tiny, d), huber_grad(d + tiny, d)
curv_left = (huber_grad(d - tiny, d) - huber_grad(d - 2 * tiny, d)) / tiny
curv_right = (huber_grad(d + 2 * tiny, d) - huber_grad(d + tiny, d)) / tiny
print(f"derivative just left/right of delta: {left:.6f} / {right:.6f}")
print(f"second derivative just left/right of delta: {curv_left:.3f} / {curv_right:.3f}")
assert abs(left - right) < 1e-5 and np.isclose(curv_left, 1.0) and curv_right == 0.0

# %% [markdown]
# For $|r| \le \delta$ Huber's loss *is* $\tfrac12 r^2$, so once $\delta$ exceeds every residual the two
# coincide exactly. As $\delta \to 0$, $\delta(|r| - \delta/2)/\delta = |r| - \delta/2 \to |r|$.
#
# ```{solution-end}
# ```
#
# ```{exercise} Two classes: softmax is the sigmoid
# :label: ex-loss-two-classes
# Show that the softmax of the two logits $(z, 0)$ gives $\sigma(z)$ for the first class, and that the
# softmax cross-entropy with logits $(z, 0)$ equals the binary cross-entropy with logit $z$ (label 1 for the
# first class). Check it for logits from −50 to 50.
# ```
#
# ```{solution-start} ex-loss-two-classes
# :class: dropdown
# ```
#
# $e^z/(e^z + e^0) = 1/(1 + e^{-z}) = \sigma(z)$. With label "first class" ($y = 1$) the softmax loss is
# $\log(e^z + 1) - z$, exactly the binary cross-entropy; with label "second class" ($y = 0$) it is
# $\log(e^z + 1) - 0$, again the binary cross-entropy.

# %%
zz = np.linspace(-50, 50, 101)
Z2 = np.stack([zz, np.zeros_like(zz)], axis=1)
p_first = np.exp(Z2[:, 0] - logsumexp(Z2, axis=1))
ce_first = softmax_ce(Z2, np.zeros(len(zz), dtype=int))
ce_second = softmax_ce(Z2, np.ones(len(zz), dtype=int))
diffs = {"p_first vs sigmoid": np.abs(p_first - sigmoid(zz)),
         "CE vs BCE (y = 1)": np.abs(ce_first - bce(zz, 1.0)),
         "CE vs BCE (y = 0)": np.abs(ce_second - bce(zz, 0.0))}
for name, diff in diffs.items():
    print(f"{name:19} agree to 1e-12 at all 101 logits: {bool(np.all(diff < 1e-12))}")
assert all(np.all(diff < 1e-12) for diff in diffs.values())


# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Clipping probabilities is not a fix
# :label: ex-loss-clipping
# A common patch for `log(0)` is to clip the probability: `p = np.clip(sigmoid(z), 1e-15, 1 - 1e-15)`. For a
# positive example with logit $z = -1000$, compare the clipped loss and its derivative (by a centred
# difference) with the stable loss and its derivative $\sigma(z) - 1$.
# ```
#
# ```{solution-start} ex-loss-clipping
# :class: dropdown
# ```

# %%
def bce_clipped(z, y):
    p = np.clip(sigmoid(z), 1e-15, 1 - 1e-15)
    return -y * np.log(p) - (1 - y) * np.log(1 - p)


zc, hc = -1000.0, 1e-3
print(f"clipped: loss {bce_clipped(zc, 1.0):8.3f}, derivative "
      f"{(bce_clipped(zc + hc, 1.0) - bce_clipped(zc - hc, 1.0)) / (2 * hc):+.3f}")
print(f"stable:  loss {bce(zc, 1.0):8.3f}, derivative {sigmoid(zc) - 1.0:+.3f}")
assert np.isclose(bce_clipped(zc, 1.0), -np.log(1e-15))
assert bce_clipped(zc + hc, 1.0) == bce_clipped(zc - hc, 1.0)

# %% [markdown]
# Clipping replaces `inf` by a cap of $-\log 10^{-15} \approx 34.5$, which hides how wrong the prediction is,
# and it makes the loss flat, so the gradient is exactly zero: gradient descent will never correct this
# example. The stable form reports the true loss, 1000, and the full gradient, −1.
#
# ```{solution-end}
# ```
#
# ## References
#
# Huber's loss is from {cite:t}`huber1964`. Cross-entropy, the softmax and their gradients are treated in
# {cite:t}`goodfellow2016` (chapters 4 and 6), convexity and its preservation under affine maps in
# {cite:t}`boyd2004`, and the floating-point hazards of `exp` and `log` in {cite:t}`higham2002`. The data
# sets are the diabetes study of {cite:t}`efron2004` and the breast-cancer study of {cite:t}`street1993`,
# and Fisher's iris data {cite:p}`fisher1936`, as shipped with scikit-learn {cite:p}`pedregosa2011`. Full entries are in the {doc}`../appendix/bibliography`.
