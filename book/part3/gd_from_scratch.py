# %% [markdown]
# # Gradient descent from scratch: linear regression
#
# Linear regression is the one model where everything about gradient descent can be seen and checked at
# once. The gradient has a two-line formula, the minimum has a closed form to compare against, and the
# number of steps gradient descent needs can be predicted exactly from the data. This chapter builds the
# whole method by hand on a real medical data set, checks every piece, and then shows that rescaling the
# features turns a computation that would need about a hundred million steps into one that needs a few
# hundred.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - derive the vectorized gradient $\nabla f(\theta) = \frac1n X^\top (X\theta - y)$ of the mean squared error and check it
#   against centred differences;
# - explain what the column of ones (the bias) does, and what the fit loses without it;
# - compute the exact least-squares answer (normal equations, `np.linalg.lstsq`) and use it as the target
#   that gradient descent must reach;
# - write gradient descent in a few lines of numpy and show that `gdlearn` takes the very same steps;
# - predict from the eigenvalues of $X^\top X / n$ how many steps gradient descent needs, and explain why
#   standardizing the features cuts that number by orders of magnitude.
# ```
#
# The symbols follow the book's {doc}`../notation`: $\theta$ are the parameters ($d$ of them, the intercept $b$
# and one weight per feature), $f$ the training loss over $n$ examples with data $X$ and targets $y$, $\alpha$
# the step size, $H$ the Hessian with eigenvalues $\lambda_i$ and unit eigenvectors $q_i$, and $L$, $\mu$,
# $\kappa = L/\mu$ its largest eigenvalue, its smallest and their ratio.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes

from gdlearn.data import add_bias, standardize
from gdlearn.gradcheck import check_grad
from gdlearn.loop import minimize
from gdlearn.models import LinearRegression
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## The data and the model
#
# The diabetes data set {cite}`efron2004` ships with scikit-learn: for $n = 442$ patients it gives ten
# baseline measurements and a number that says how far the disease progressed one year later. By default
# scikit-learn returns the measurements already centred and rescaled. Here we ask for the raw values
# (`scaled=False`), because the point of the last part of this chapter is what scaling does.

# %%
data = load_diabetes(scaled=False)
X_raw, y = data.data, data.target
n, p = X_raw.shape  # p features
d = p + 1  # parameters: the intercept and one weight per feature
print(
    f"n = {n} patients, p = {p} measurements, target from {y.min():.0f} to "
    f"{y.max():.0f}"
)
print(f"{'feature':>8} {'mean':>9} {'std':>9}")
for name, m, s in zip(
    data.feature_names, X_raw.mean(axis=0), X_raw.std(axis=0), strict=True
):
    print(f"{name:>8} {m:9.2f} {s:9.2f}")

# %% [markdown]
# The columns live on very different scales: age in years, sex coded as 1 or 2, blood pressure in mm Hg,
# total cholesterol (`s1`) around 190 with a spread of 35, and `s5` (a log-scaled triglyceride level)
# around 4.6 with a spread of 0.5.
#
# The model predicts progression as a weighted sum of the measurements plus a constant,
#
# $$
# \begin{aligned}
# \hat y_i &= b + \theta_1 x_{i1} + \dots + \theta_p x_{ip} = \tilde x_i^\top \theta , \\
# \tilde x_i &= (1, x_{i1}, \dots, x_{ip}) , \qquad \theta = (b, \theta_1, \dots, \theta_p) ,
# \end{aligned}
# $$
#
# and the loss is half the mean squared error,
#
# $$
# f(\theta) = \frac{1}{2n} \sum_{i=1}^n \left(\tilde x_i^\top \theta - y_i\right)^2 = \frac{1}{2n}\,\|X\theta - y\|^2 ,
# $$
#
# where the matrix $X$ stacks the rows $\tilde x_i^\top$: a first column of ones, then the $p$ measurements,
# so $\theta$ has $d = p + 1$ entries, the intercept (bias) $b$ first.
# `gdlearn.data.add_bias` prepends that column.
#
# ## The gradient, derived
#
# Differentiate one term of the sum with respect to one entry $\theta_j$ of $\theta$ (the matching entry
# $\tilde x_{ij}$ of $\tilde x_i$ is 1 for the intercept). By the chain rule,
# $\partial (\tilde x_i^\top\theta - y_i)^2 / \partial \theta_j = 2\,(\tilde x_i^\top\theta - y_i)\,\tilde x_{ij}$, so
#
# $$
# \frac{\partial f}{\partial \theta_j} = \frac{1}{n}\sum_{i=1}^n \left(\tilde x_i^\top\theta - y_i\right)\tilde x_{ij} .
# $$
#
# The sum over $i$ of "residual $r_i$ times entry $\tilde x_{ij}$" is the $j$-th entry of $X^\top r$. Stacking
# all $j$ gives the vectorized gradient
#
# $$
# \nabla f(\theta) = \frac{1}{n} X^\top (X\theta - y) .
# $$
#
# The same result comes out of matrix calculus in one line: expanding,
# $f(\theta) = \frac{1}{2n}\left(\theta^\top X^\top X\,\theta - 2\,\theta^\top X^\top y + y^\top y\right)$, and
# $\nabla_\theta(\theta^\top A\theta) = 2A\theta$ for symmetric $A$, $\nabla_\theta(\theta^\top c) = c$, so
# $\nabla f = \frac1n (X^\top X\theta - X^\top y)$. Differentiating once more gives the Hessian
# $\nabla^2 f = X^\top X / n$ (Hessians and their eigenvalues are introduced in the second-order sections of
# {doc}`../part2/derivatives_and_gradients`), a constant matrix: $f$ is an exact quadratic, which is what makes this chapter's
# predictions exact.
#
# In code the loss and the gradient are one line each. The shapes matter: `theta` has shape `(d,)`
# and `y` shape `(n,)`, so the residual `X @ theta - y` has shape `(n,)`.

# %%
X = add_bias(X_raw)  # shape (442, 11): a column of ones, then the raw features


def loss(theta, X, y):
    """Half the mean squared error of the linear model X @ theta."""
    r = X @ theta - y
    return 0.5 * np.mean(r**2)


def grad(theta, X, y):
    """Gradient of `loss`: X^T (X theta - y) / n."""
    return X.T @ (X @ theta - y) / len(y)


print("X:", X.shape, " y:", y.shape, " residual:", (X @ np.zeros(d) - y).shape)

# %% [markdown]
# A formula derived by hand deserves a test. `gdlearn.gradcheck.check_grad` compares it with centred
# differences $\big(f(\theta + h e_j) - f(\theta - h e_j)\big)/2h$, one coordinate at a time, at a random
# point. We also feed it two wrong gradients that are easy to write by accident: one with the sign
# flipped (the residual written as $y - X\theta$) and one without the factor $1/n$.

# %%
theta_test = rng.normal(size=d)


def f(t):
    return loss(t, X, y)


good = check_grad(f, lambda t: grad(t, X, y), theta_test)
flipped = check_grad(f, lambda t: -grad(t, X, y), theta_test)
no_mean = check_grad(f, lambda t: n * grad(t, X, y), theta_test)

print(f"{'coordinate':>10} {'analytic':>14} {'centred diff.':>14}")
for j in range(4):
    print(f"{j:>10} {good.analytic[j]:14.6g} {good.numerical[j]:14.6g}")
print(
    "correct gradient passes:     ",
    good.passed,
    "(relative error below 1e-8:",
    good.rel_error < 1e-8,
    ")",
)
print(
    f"sign flipped:   passes {flipped.passed}, relative error {flipped.rel_error:.4f}"
)
print(
    f"missing 1/n:    passes {no_mean.passed}, relative error {no_mean.rel_error:.4f}"
)

# %%
assert good.passed and good.rel_error < 1e-8
assert not flipped.passed and not no_mean.passed

# %% [markdown]
# The correct gradient agrees with the finite differences to a relative error below $10^{-8}$ (the check's
# own bound, asserted above); the two mistakes are off by an error of order one and fail loudly. (A relative error of exactly 1 means the two vectors point in
# opposite directions.) `gdlearn.models.LinearRegression` implements the same loss and gradient, so from now
# on we may use either:

# %%
model_raw = LinearRegression(X, y)
assert np.isclose(model_raw.value(theta_test), loss(theta_test, X, y))
assert np.allclose(model_raw.grad(theta_test), grad(theta_test, X, y))
print("gdlearn's LinearRegression gives the same loss and gradient")

# %% [markdown]
# One shape mistake is worth seeing once, because numpy does not complain about it. If `y` is stored as a
# column of shape `(n, 1)`, then `X @ theta - y` broadcasts an `(n,)` array against an `(n, 1)` array and
# silently produces an $n \times n$ matrix of every prediction minus every target:

# %%
y_column = y.reshape(-1, 1)
print("shape of X @ theta - y_column:", (X @ theta_test - y_column).shape)

# %% [markdown]
# The "loss" computed from it is a number, just the wrong one. Keep targets one-dimensional (or assert the
# shapes) and this cannot happen.
#
# ## The bias column
#
# The column of ones gives the model its intercept $b$. Without it the prediction is forced to be 0
# when all features are 0. How much that costs depends on the features. If they are centred (mean 0, as
# after standardizing), the intercept is orthogonal to every other column and its best value is the mean
# target $\bar y$. Dropping it then raises the least loss by exactly
# $\tfrac12 \bar y^2$: every prediction is off by the missing $\bar y$ on average.

# %%
Xs_feat, x_mean, x_std = standardize(X_raw)  # columns with mean 0 and std 1
Xs = add_bias(Xs_feat)


def best_loss(A):
    """The least value of loss(., A, y), from the least-squares solution."""
    return loss(np.linalg.lstsq(A, y, rcond=None)[0], A, y)


J_bias = best_loss(Xs)
J_nobias = best_loss(Xs_feat)
J_raw_nobias = best_loss(X_raw)
print(f"standardized features, with bias column:    f = {J_bias:9.2f}")
print(f"standardized features, without bias column: f = {J_nobias:9.2f}")
print(
    f"  difference {J_nobias - J_bias:.2f}  vs  (mean of y)^2 / 2 = "
    f"{y.mean() ** 2 / 2:.2f}"
)
print(f"raw features, without bias column:          f = {J_raw_nobias:9.2f}")

# %%
assert np.isclose(J_nobias - J_bias, y.mean() ** 2 / 2)
assert J_raw_nobias > J_bias

# %% [markdown]
# Without the bias the standardized model's loss is about nine times larger. With the raw features the
# damage is smaller but still there: columns with a large mean (age, blood pressure, cholesterol) can
# partly stand in for a constant, at the price of distorting their own coefficients. Always include the
# column of ones (or centre $y$ and the features yourself).
#
# ## The answer gradient descent must reach
#
# Setting the gradient to zero gives the **normal equations**
#
# $$
# X^\top X\,\theta^\star = X^\top y ,
# $$
#
# a $d \times d$ linear system. Solving it directly is fine for eleven parameters, but it squares the
# condition number of $X$, which costs digits when the columns are badly scaled. `np.linalg.lstsq` solves the
# least-squares problem from $X$ itself (by a singular value decomposition) and is the numerically safer
# choice {cite}`higham2002`. Here both agree:

# %%
theta_normal = np.linalg.solve(X.T @ X, X.T @ y)
theta_star_raw = np.linalg.lstsq(X, y, rcond=None)[0]
print(f"condition number of X:       {np.linalg.cond(X):.2g}")
print(f"condition number of X^T X:   {np.linalg.cond(X.T @ X):.2g}")
print(
    "normal equations and lstsq agree:",
    np.allclose(theta_normal, theta_star_raw, rtol=1e-6),
)
print(f"least loss f* = {loss(theta_star_raw, X, y):.4f}")

# %%
assert np.allclose(theta_normal, theta_star_raw, rtol=1e-6)
assert np.allclose(theta_star_raw, model_raw.solve())

# %% [markdown]
# The condition number of $X^\top X$ is the square of that of $X$, about $5 \times 10^7$ here. Keep that
# number in mind: it comes back below, where it decides how many steps gradient descent needs.
#
# ## Gradient descent in a few lines
#
# Gradient descent repeats $\theta_{k+1} = \theta_k - \alpha \nabla f(\theta_k)$. For a quadratic with Hessian
# $H = X^\top X / n$ the step must satisfy $\alpha < 2/L$, where $L$ is the largest eigenvalue of $H$; the
# textbook safe choice is $\alpha = 1/L$ (see {doc}`../part2/update_rule`). We run it on the standardized
# features first, stopping when the gradient norm drops below $10^{-8}$:

# %%
H_std = Xs.T @ Xs / n
L_std = np.linalg.eigvalsh(H_std).max()
alpha = 1.0 / L_std

theta = np.zeros(d)
path = [theta]
g = Xs.T @ (Xs @ theta - y) / n  # the gradient derived above
while np.linalg.norm(g) >= 1e-8 and len(path) <= 20_000:
    theta = theta - alpha * g  # the update
    path.append(theta)
    g = Xs.T @ (Xs @ theta - y) / n
path = np.array(path)
k = len(path) - 1  # number of steps taken

theta_star_std = np.linalg.lstsq(Xs, y, rcond=None)[0]
err_gd = np.max(np.abs(theta - theta_star_std))
print(f"L = {L_std:.4f}, alpha = 1/L = {alpha:.4f}")
print(f"stopped after about {round(k, -1):,} steps")
print("max |theta_GD - theta_lstsq| < 1e-5:", err_gd < 1e-5)
assert err_gd < 1e-5

# %% [markdown]
# Gradient descent lands on the least-squares answer to within $10^{-5}$. Because standardizing is only a
# change of units, the same fitted model can be written back in raw units, weight $\theta_j / s_j$ on
# feature $j$ and intercept $b - \sum_j \theta_j \bar x_j / s_j$, where $\bar x_j$ and $s_j$ are the mean and the
# standard deviation of feature $j$; it must equal the raw least-squares solution:

# %%
weights_raw = theta[1:] / x_std
b_raw = theta[0] - np.sum(theta[1:] * x_mean / x_std)
theta_back = np.concatenate([[b_raw], weights_raw])
print(f"{'':>9} {'GD (std, mapped back)':>22} {'lstsq on raw X':>15}")
for name, a, b in zip(
    ["intercept", *data.feature_names], theta_back, theta_star_raw, strict=True
):
    print(f"{name:>9} {a:22.4f} {b:15.4f}")
assert np.allclose(theta_back, theta_star_raw, rtol=1e-4, atol=1e-4)

# %% [markdown]
# The package does the same. `gdlearn.optim.SGD` with no momentum is exactly the update
# $\theta \leftarrow \theta - \alpha g$, and `minimize` hands it the full gradient of the objective at every
# step, so together they are plain (full-batch) gradient descent. The name "SGD" is PyTorch's; the
# "stochastic" part only appears when the gradient comes from a sample of the data, which is the subject of
# {doc}`batch_sgd_minibatch`. By default `minimize` stops as soon as the gradient norm is at most
# $10^{-5}$ (the tolerance of scipy's BFGS); `gtol=None` switches that off, so the run below makes all its
# 1000 steps. Its recorded history must match our loop iterate for iterate:

# %%
model_std = LinearRegression(Xs, y)
res = minimize(model_std, np.zeros(d), SGD(lr=alpha), max_steps=1000, gtol=None)
print(
    res.status, "after", res.n_steps, "steps; history.x has shape", res.history.x.shape
)
print(
    "same iterates as the hand-written loop:", np.allclose(res.history.x, path[:1001])
)
assert np.allclose(res.history.x, path[:1001])


# %% [markdown]
# ## Feature scaling and the number of steps
#
# Now run the same method, with the same rule $\alpha = 1/L$, on the raw features. To see what to expect,
# write the error in the unit eigenvectors $q_i$ of $H$ (eigenvalues $\lambda_i$). Because $\nabla f(\theta) =
# H(\theta - \theta^\star)$, one step multiplies the error's component along $q_i$ by $1 - \alpha\lambda_i$.
# Starting from $\theta_0$, the excess loss after $k$ steps is exactly
#
# $$
# f(\theta_k) - f^\star = \frac12 \sum_i \lambda_i \,(1 - \alpha\lambda_i)^{2k}
#   \big(q_i^\top(\theta_0 - \theta^\star)\big)^2 .
# $$
#
# With $\alpha = 1/L$ the largest eigenvalue's component vanishes at once, and the smallest, $\mu$, shrinks by
# only $1 - \mu/L = 1 - 1/\kappa$ per step, where $\kappa = L/\mu$ is the condition number of $H$. So the
# spread of the eigenvalues decides the speed. Here they are for both versions of the data:


# %%
def spectrum(A):
    lam = np.linalg.eigvalsh(A.T @ A / len(y))
    return lam.max(), lam.min(), np.trace(A.T @ A / len(y))


for name, A in [("raw", X), ("standardized", Xs)]:
    L_, mu_, tr_ = spectrum(A)
    print(
        f"{name:>12}: L = {L_:10.4g}  mu = {mu_:8.3g}  kappa = {L_ / mu_:8.3g}  (trace "
        f"{tr_:8.4g})"
    )
kappa_raw = spectrum(X)[0] / spectrum(X)[1]
kappa_std = spectrum(Xs)[0] / spectrum(Xs)[1]

# %%
assert kappa_raw > 1e4 * kappa_std
assert np.isclose(H_std[0, 0], 1.0) and np.allclose(
    H_std[0, 1:], 0.0
)  # the intercept separates


# %% [markdown]
# The largest raw eigenvalue is close to the trace $\frac1n\sum_{i,j} x_{ij}^2$, which is dominated by the
# large-valued columns (blood pressure, `s1`, `s2` and `s6`, with values around 90 to 190 whose squares run into the
# ten thousands), while
# the smallest belongs to a direction that moves the small-valued columns and the intercept against each
# other. Standardizing gives every column mean 0 and variance 1: the intercept separates from the rest
# (eigenvalue exactly 1) and the remaining eigenvalues are those of the correlation matrix of the features.
# What is left of $\kappa \approx 470$ comes from genuinely correlated measurements (`s1` and `s2` are two
# cholesterol measures).
#
# The formula above turns each spectrum into a prediction. We run both versions for 2000 steps, compare the
# measured relative excess loss $(f(\theta_k) - f^\star)/f^\star$ with the formula, and count the steps until
# it falls below $10^{-3}$ (for the raw features the formula answers where running would take too long).


# %%
def gap_formula(A, steps):
    """Relative excess loss of GD with alpha = 1/L after each number of steps, from the
    eigenvalues."""
    lam, Q = np.linalg.eigh(A.T @ A / len(y))
    t_star = np.linalg.lstsq(A, y, rcond=None)[0]
    err0 = Q.T @ (np.zeros(A.shape[1]) - t_star)  # components along the q_i
    shrink = (1.0 - lam / lam.max()) ** 2
    excess = 0.5 * np.array([np.sum(lam * shrink**k * err0**2) for k in steps])
    return excess / loss(t_star, A, y)


def steps_to(A, tol):
    """Smallest k with gap_formula(A, [k]) <= tol (the gap decreases with k): doubling,
    then bisection."""
    hi = 1
    while gap_formula(A, [hi])[0] > tol:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if gap_formula(A, [mid])[0] > tol else (lo, mid)
    return hi


TOL, K = 1e-3, 2000
runs = {}
for name, A in [("raw", X), ("standardized", Xs)]:
    mdl = LinearRegression(A, y)
    L_ = np.linalg.eigvalsh(mdl.hess()).max()
    r = minimize(
        mdl,
        np.zeros(d),
        SGD(lr=1.0 / L_),
        max_steps=K,
        gtol=None,  # all K steps: the measured curve is compared step by step
        record_points=False,
    )
    J_star = mdl.value(mdl.solve())
    gap = (r.history.loss - J_star) / J_star
    predicted = gap_formula(A, range(K + 1))
    assert np.allclose(gap, predicted, rtol=1e-6, atol=1e-10)
    reached = np.flatnonzero(gap <= TOL)
    measured = f"{reached[0]}" if reached.size else f"not within {K}"
    runs[name] = gap
    if reached.size:  # the crossing is clear, not a matter of round-off
        assert gap[reached[0] - 1] > 1.0001 * TOL and gap[reached[0]] < 0.9999 * TOL
    print(
        f"{name:>12}: alpha = {1 / L_:.3g}; steps to 1e-3 measured: {measured:>14}; "
        f"formula: {steps_to(A, TOL):.3g}; gap after {K} steps {gap[-1]:.2g}"
    )

# %% [markdown]
# The formula matches every one of the 2000 measured losses (the `assert` above checks all of them), so we
# can trust it where we cannot afford to run: with raw features gradient descent would need about
# $10^8$ steps to get within 0.1 % of the best loss, against 484 steps after standardizing. The learning rate
# tells the same story from the other side. The raw problem's $L$ is so large that $\alpha = 1/L$ is about
# $10^{-5}$, and the coordinates whose gradients are small (the intercept, sex, `s5`) barely move.

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
steps = np.arange(K + 1)
ax.semilogy(
    steps, runs["raw"], color="C3", linestyle="-.", label="raw features (measured)"
)
ax.semilogy(
    steps, runs["standardized"], color="C0", label="standardized features (measured)"
)
every = steps[::100]  # the formula as markers, so the measured line styles stay visible
ax.semilogy(
    every, gap_formula(X, every), "ko", mfc="none", ms=6, label="eigenvalue formula"
)
ax.semilogy(every, gap_formula(Xs, every), "ko", mfc="none", ms=6)
ax.annotate("raw", (1500, runs["raw"][1500]), xytext=(0, 8), textcoords="offset points")
ax.annotate(
    "standardized",
    (1000, runs["standardized"][1000]),
    xytext=(6, 6),
    textcoords="offset points",
)
ax.axhline(TOL, color="grey", lw=0.8, ls="--", label="tolerance $10^{-3}$")
ax.set_ylim(1e-7, 20)
ax.set_xlabel("gradient descent step k")
ax.set_ylabel(r"relative excess loss $(f(\theta_k) - f^\star) / f^\star$")
ax.set_title("Diabetes data: gradient descent with step 1/L")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the relative excess loss on a log scale against the step number for 2000 steps of
# gradient descent, each curve labelled on the plot. On raw features (dash-dotted) it drops below 1 in the
# first steps and then creeps down, still near 0.2 after 2000 steps; on standardized features (solid) it falls
# in a straight line after a quick first drop, crossing the dashed tolerance line at 10 to the minus 3 near
# step 500 and reaching about 10 to the minus 6 by the end. Open black circles every 100 steps, computed from
# the eigenvalues alone, lie exactly on both measured curves.*
#
# Two more lessons hide in this picture. First, the loss can look converged long before the parameters
# are: on standardized data the loss was within 0.1 % after 484 steps, but the loop above ran about 8,260 steps
# before its gradient norm fell below $10^{-8}$ and the coefficients of the correlated cholesterol measures
# settled, because an error along
# an eigenvector with a small eigenvalue barely raises the loss. Second, scaling the inputs is not a cosmetic
# step: it is the cheapest and most effective preconditioner there is {cite}`lecun1998`. (Part IV returns to
# this in {doc}`../part4/ill_conditioning`.)
#
# ## Key points
#
# - For $f(\theta) = \frac{1}{2n}\|X\theta - y\|^2$ the gradient is $\nabla f = \frac1n X^\top(X\theta - y)$ and the
#   Hessian $X^\top X/n$; a centred-difference check confirms the formula and catches sign and scaling
#   errors.
# - The column of ones carries the intercept. With centred features, leaving it out raises the least loss
#   by exactly $\tfrac12\bar y^2$.
# - The closed form ($X^\top X\theta = X^\top y$, better solved by `np.linalg.lstsq`) is the answer gradient
#   descent must reach, and here it does, to $10^{-5}$.
# - Gradient descent is a three-line loop; `gdlearn`'s `SGD` with full-batch gradients from `minimize` takes
#   exactly the same steps.
# - With $\alpha = 1/L$ the slowest error component shrinks by $1 - 1/\kappa$ per step. Raw diabetes features
#   have $\kappa \approx 5\times 10^7$ (about $10^8$ steps to a 0.1 % loss); standardized ones $\kappa \approx 470$
#   (484 steps).
#
# ## Exercises
#
# ```{exercise} Using the gradient without the 1/n
# :label: gdfs-no-mean
# Someone drops the $1/n$ from the gradient but keeps the learning rate $1/L$ computed from $X^\top X/n$.
# Run `minimize` on the standardized data with this gradient. What happens, and why?
# ```
#
# ```{solution-start} gdfs-no-mean
# :class: dropdown
# ```
#
# The wrong gradient is $n$ times too long, so each step is the correct one with learning rate $n/L$, far
# beyond the stability limit $2/L$. The error along the top eigenvector is multiplied by $1 - n = -441$
# every step. `minimize` stops after the very first step: the loss jumps from about 14,500 to
# $3.2 \times 10^8$, a rise of more than 1000 times its starting value, so its rising-loss check reports
# divergence, with the advice to lower the learning rate.

# %%
wrong = (lambda t: loss(t, Xs, y), lambda t: Xs.T @ (Xs @ t - y))
res_wrong = minimize(wrong, np.zeros(d), SGD(lr=1.0 / L_std), max_steps=100)
print(res_wrong.status, "-", res_wrong.message.split(";")[0])  # without the advice
assert res_wrong.status == "diverged" and res_wrong.n_steps == 1
assert "rising-loss check" in res_wrong.message

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The stability limit
# :label: gdfs-edge
# On the standardized data, run up to 300 steps of gradient descent with $\alpha = 1.9/L$ and with
# $\alpha = 2.1/L$. Compare the final losses with $f^\star$ and explain the difference with the factor
# $1 - \alpha\lambda_i$.
# ```
#
# ```{solution-start} gdfs-edge
# :class: dropdown
# ```
#
# For $\alpha = 1.9/L$ the factor along the top eigenvector is $1 - 1.9 = -0.9$: the error flips sign every
# step but shrinks. For $\alpha = 2.1/L$ it is $-1.1$: the error flips and grows by 10 % a step. (This
# classical limit $2/L$ is not what the phrase "edge of stability" means today: {cite:t}`cohen2021` found that
# when networks are trained by full-batch gradient descent, the largest Hessian eigenvalue, which here is fixed,
# rises during training until it hovers just above $2/\alpha$, and the loss keeps falling, non-monotonically,
# although the quadratic model predicts divergence. On a quadratic such as this one the Hessian cannot adapt,
# so crossing $2/L$ simply diverges.)

# %%
J_star_std = model_std.value(theta_star_std)
print(f"f* = {J_star_std:.4f}, f(0) = {model_std.value(np.zeros(d)):.0f}")
edge = {}
for factor in (1.9, 2.1):
    r = minimize(model_std, np.zeros(d), SGD(lr=factor / L_std), max_steps=300)
    edge[factor] = r
    final = f"{r.fun:.4g}" if r.status != "diverged" else f"{r.fun:.1e}"
    print(
        f"alpha = {factor}/L: status {r.status:>9} after {r.n_steps} steps, "
        f"final f = {final}, best f = {r.fun_best:.4g}"
    )

# %%
assert edge[1.9].status == "max_steps" and edge[1.9].fun < J_star_std * 1.001
r = edge[2.1]
assert r.status == "diverged" and "rising-loss check" in r.message
assert r.fun > 1000 * r.history.loss[0]
assert 2 * J_star_std < r.fun_best < r.history.loss[0] / 4
# the check fires when the rise passes 1000 f(0): a clear crossing at the last step
rise = (r.history.loss[-2:] - r.history.loss[0]) / (1000 * r.history.loss[0])
assert rise[0] < 0.95 and rise[1] > 1.02

# %% [markdown]
# With $\alpha = 1.9/L$ the loss after 300 steps is 1431, within 0.1 % of $f^\star$. With $\alpha = 2.1/L$ the
# loss first falls, to 3211 at best, while the components along the other eigenvectors shrink; but the top
# component grows by 10 % a step (its part of the loss by 21 %), and by step 51 the loss has risen more than
# 1000 times $f(0) \approx 14{,}500$ above $f(0)$. There `minimize` stops with status `"diverged"` (its
# rising-loss check) instead of running on to 300 steps; `Result.x` holds the last point and `Result.x_best`
# the best one it passed.
#
# ```{solution-end}
# ```
#
# ```{exercise} scikit-learn's own scaling
# :label: gdfs-sklearn-scaling
# `load_diabetes()` without `scaled=False` returns features that are centred but scaled so that each column
# has unit Euclidean *norm*, not unit variance. With a column of ones added, compute $\kappa$ and the
# predicted number of steps to a $10^{-3}$ relative excess loss. What single rescaling fixes it?
# ```
#
# ```{solution-start} gdfs-sklearn-scaling
# :class: dropdown
# ```
#
# Unit norm means each column has variance $1/n$, while the column of ones has "variance" 1. The intercept's
# eigenvalue is then 1 and the features' are exactly $1/n$ times those of the correlation matrix. The largest
# eigenvalue is now the intercept's 1 instead of the correlation matrix's $\lambda_{\max} \approx 4.02$, while
# the smallest shrinks by $n$, so $\kappa$ grows by the factor $n/\lambda_{\max} = 442/4.02 \approx 110$, not by $n$. Multiplying the features by $\sqrt n$ gives back unit variance: it is then
# exactly our standardized matrix.

# %%
X_sk = add_bias(load_diabetes().data)
L_sk, mu_sk, _ = spectrum(X_sk)
print(
    f"scikit-learn scaling: kappa = {L_sk / mu_sk:.3g}, predicted steps "
    f"{steps_to(X_sk, TOL):.3g}"
)
lam_max_corr = np.linalg.eigvalsh(H_std[1:, 1:]).max()
print(
    f"kappa grows by {L_sk / mu_sk / kappa_std:.0f}; n / lambda_max(correlation) = "
    f"{n} / {lam_max_corr:.2f} = {n / lam_max_corr:.0f}"
)
X_fixed = add_bias(load_diabetes().data * np.sqrt(n))
print("rescaled by sqrt(n) equals our standardized X:", np.allclose(X_fixed, Xs))
print(
    f"standardized:         kappa = {kappa_std:.3g}, predicted steps "
    f"{steps_to(Xs, TOL)}"
)

# %%
assert L_sk / mu_sk > 50 * kappa_std
assert np.isclose(L_sk / mu_sk / kappa_std, n / lam_max_corr, rtol=1e-6)
assert np.allclose(X_fixed, Xs)

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The diabetes data come from {cite:t}`efron2004`. Gradient descent goes back to {cite:t}`cauchy1847`; the
# least-squares derivation, the normal equations and the role of the condition number are treated in
# {cite:t}`goodfellow2016` (chapters 4 and 5) and, for the numerics of `lstsq` against the normal
# equations, in {cite:t}`higham2002`. The advice to standardize inputs before gradient-based training is
# from {cite:t}`lecun1998`.
