# %% [markdown]
# # Overfitting, regularization and early stopping
#
# Gradient descent minimizes the loss on the data it is given. What we want is a model that does well on
# data it has *not* seen. The two goals part ways when the model has enough freedom to fit the noise in a
# small training set: the training loss keeps falling while the loss on fresh data rises. This chapter
# shows that on a small problem. It then looks at three ways to hold a model back: an L2 penalty
# (**weight decay**), stopping gradient descent early, and the quieter bias that the optimizer and its
# starting point put on the solution.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - recognize under- and overfitting from training and validation losses;
# - add an L2 penalty, explain how it shrinks the weights, and choose its strength on a validation set;
# - show that L2-penalized SGD and SGD with `weight_decay` take identical steps (and why AdamW differs);
# - use early stopping and relate the number of steps to an L2 penalty;
# - explain why gradient descent from zero on an under-determined least-squares problem finds the
#   minimum-norm solution, and what changes with another start or another optimizer.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np

import gdlearn
from gdlearn.loop import minimize
from gdlearn.models import LinearRegression
from gdlearn.optim import SGD, AdaGrad, Adam, AdamW
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Under- and overfitting
#
# Twenty noisy samples of $y = \sin(\pi x)$ plus noise drawn from $\mathcal N(0, 0.25^2)$, on
# $[-1, 1]$ form the training set; two hundred more from the same source form a **validation set** that the
# fit never sees. We fit polynomials $\hat y = \sum_{j=0}^{p} \theta_j x^j$ of degree $p = 1, 3, 15$ by least
# squares, with features $(1, x, \dots, x^p)$ in `LinearRegression` and the loss
# $f(\theta) = \frac{1}{2n}\|\Phi \theta - y\|^2$. No model can beat the noise: the best possible expected loss is
# $\tfrac12 \cdot 0.25^2 \approx 0.031$.

# %%
NOISE = 0.25


def truth(x):
    return np.sin(np.pi * x)


def poly(x, p):
    """Polynomial features 1, x, ..., x^p as columns."""
    return np.vander(x, p + 1, increasing=True)


x_tr = rng.uniform(-1, 1, 20)
y_tr = truth(x_tr) + NOISE * rng.normal(size=20)
x_va = rng.uniform(-1, 1, 200)
y_va = truth(x_va) + NOISE * rng.normal(size=200)

fits, losses = {}, {}
print(f"{'degree':>6} {'parameters':>10} {'train loss':>11} {'valid loss':>11}", end="")
print(f" {'||theta||':>10}")
for p in (1, 3, 15):
    theta = LinearRegression(poly(x_tr, p), y_tr).solve()
    train = LinearRegression(poly(x_tr, p), y_tr).value(theta)
    valid = LinearRegression(poly(x_va, p), y_va).value(theta)
    fits[p], losses[p] = theta, (train, valid)
    norm = np.linalg.norm(theta)
    print(f"{p:>6} {p + 1:>10} {train:11.4f} {valid:11.4f} {norm:10.1f}")

# %%
assert losses[1][0] > losses[3][0] > losses[15][0]  # training loss only falls
assert losses[3][1] < min(losses[1][1], losses[15][1])  # validation loss is U-shaped
assert losses[15][1] > 100 * losses[3][1]

# %%
grid = np.linspace(-1, 1, 400)
fig, ax = plt.subplots()
ax.plot(grid, truth(grid), "k:", lw=1.5, label=r"truth $\sin(\pi x)$")
for p, ls in zip((1, 3, 15), ("-", "--", "-."), strict=True):
    ax.plot(grid, poly(grid, p) @ fits[p], ls=ls, label=f"degree {p}")
ax.plot(x_tr, y_tr, "ko", label="training points")
ax.set_ylim(-2, 2)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Least-squares polynomials on 20 points")
ax.legend(loc="upper left", fontsize=10)
plt.show()

# %% [markdown]
# *The figure shows twenty training points around a dotted sine curve and three fitted polynomials. The
# straight line (degree 1, solid) misses the curve's bends; the cubic (degree 3, dashed) follows the sine
# closely; the degree-15 polynomial (dash-dotted) passes near every training point but swings far off the
# plot between them, near the ends of the interval.*
#
# The line **underfits**: it is too rigid, and both losses are high. The degree-15 fit **overfits**: it has
# the lowest training loss and a validation loss thousands of times larger than the cubic's. Its weights
# tell the story. A norm in the tens of thousands means huge coefficients that cancel almost exactly on
# the training points and nowhere else. Training loss alone cannot tell these models apart, which is why
# every choice below is made on the validation set {cite:p}`hastie2009`.
#
# ## L2 regularization
#
# Large weights were the symptom, so penalize them. **Ridge regression**, or L2 regularization, adds
# $\frac\nu2\|\theta\|^2$ to the loss. We write $\nu$ for the strength of the penalty, and keep $\lambda$
# for eigenvalues ({doc}`../notation`):
#
# $$
# \begin{aligned}
# f_\nu(\theta) &= \frac{1}{2n}\|\Phi \theta - y\|^2 + \frac\nu2\|\theta\|^2, \\
# \theta_\nu &= \left(\tfrac1n \Phi^\top\Phi + \nu I\right)^{-1} \tfrac1n\Phi^\top y .
# \end{aligned}
# $$
#
# In the eigenvectors of $H = \Phi^\top\Phi/n$, with eigenvalues $\lambda_i$, the penalty multiplies each
# component of the unpenalized solution by $\lambda_i / (\lambda_i + \nu)$. Directions the data determine well
# ($\lambda_i \gg \nu$) are kept; poorly determined ones ($\lambda_i \ll \nu$), where the noise lives, are shrunk
# towards zero. `LinearRegression(X, y, l2=nu)` is this loss (here the intercept, the coefficient of $x^0$, is penalized too; a
# careful fit would leave it out). We sweep $\nu$ for the degree-15 model.

# %%
nus = np.logspace(-9, 1, 41)
Phi_tr, Phi_va = poly(x_tr, 15), poly(x_va, 15)
ridge = [LinearRegression(Phi_tr, y_tr, l2=nu).solve() for nu in nus]
norms = np.array([np.linalg.norm(th) for th in ridge])
train_l = np.array([LinearRegression(Phi_tr, y_tr).value(th) for th in ridge])
valid_l = np.array([LinearRegression(Phi_va, y_va).value(th) for th in ridge])
best = int(np.argmin(valid_l))
nu_best = nus[best]
for i in range(0, len(nus), 8):
    print(
        f"nu = {nus[i]:8.1e}: ||theta|| = {norms[i]:8.2f}, "
        f"train {train_l[i]:.4f}, valid {valid_l[i]:.4f}"
    )
print(
    f"best nu on the validation set: {nu_best:.1e} (valid loss {valid_l[best]:.4f}, "
    f"||theta|| = {norms[best]:.2f}); "
    f"unpenalized degree 15: valid loss {losses[15][1]:.1f}"
)

# %%
assert np.all(np.diff(norms) < 0)  # the norm falls as nu grows
assert np.all(np.diff(train_l) > 0)  # and the training loss rises
assert valid_l[best] < valid_l[0] < losses[15][1] / 100
assert valid_l[best] < valid_l[-1]

# %%
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7))
ax1.loglog(nus, norms, "o-", ms=4)
ax1.set_xlabel(r"penalty $\nu$")
ax1.set_ylabel(r"$\|\theta_\nu\|$")
ax1.set_title("Ridge shrinks the weights")
ax2.semilogx(nus, train_l, "o-", ms=4, label="training loss")
ax2.semilogx(nus, valid_l, "s--", ms=4, label="validation loss")
ax2.axvline(nu_best, color="gray", ls=":", label=rf"best $\nu$ = {nu_best:.0e}")
ax2.set_yscale("log")
ax2.set_xlabel(r"penalty $\nu$")
ax2.set_ylabel("loss")
ax2.set_title("Degree-15 polynomial: loss against the penalty")
ax2.legend()
plt.show()

# %% [markdown]
# *The figure shows two panels against the penalty nu on a log axis. Top: the norm of the ridge
# weights falls steadily from several hundred to nearly zero as the penalty grows. Bottom: the training
# loss (circles) rises steadily with the penalty, while the validation loss (squares, dashed) is lowest at
# a moderate penalty, marked by a dotted line, and rises again for very large penalties, where the model
# underfits.*
#
# The validation curve is bumpy at small $\nu$: twenty points and sixteen monomials make a fragile
# problem. But the picture is the classic one. Too little penalty overfits, too much underfits, and the
# validation set picks the point between. Even the smallest penalty in the sweep tames the unpenalized fit's
# validation loss. (The bumps are also a warning: with this little data the chosen $\nu$ is itself noisy,
# and a fair estimate of the final model's error needs a third, untouched test set {cite:p}`hastie2009`.)
#
# ### Weight decay is L2 regularization, for plain SGD
#
# The gradient of the penalized loss is $\nabla f(\theta) + \nu \theta$, so one gradient step is
#
# $$
# \begin{aligned}
# \theta_{k+1} &= \theta_k - \alpha\left(\nabla f(\theta_k) + \nu \theta_k\right) \\
#         &= (1 - \alpha\nu)\, \theta_k - \alpha \nabla f(\theta_k):
# \end{aligned}
# $$
#
# every step first *decays* the weights by the factor $1 - \alpha\nu$. That is why the L2 penalty is
# also called **weight decay** {cite:p}`goodfellow2016`. Optimizers offer it as an option (`weight_decay=` in
# `gdlearn` and PyTorch) that adds $\nu \theta$ to the gradient. We check three ways to take the steps: by
# hand, `SGD` on the penalized model, and `SGD(weight_decay=...)` on the unpenalized one. All three
# give the same iterates, with and without momentum.

# %%
nu, lr = 1e-3, 0.05
x_start = np.zeros(16)
plain, penalized = (
    LinearRegression(Phi_tr, y_tr),
    LinearRegression(Phi_tr, y_tr, l2=nu),
)

theta = x_start.copy()
by_hand = [theta]
for _ in range(200):
    theta = (1 - lr * nu) * theta - lr * plain.grad(theta)
    by_hand.append(theta)
by_hand = np.array(by_hand)

for momentum in (0.0, 0.9):  # gtol=None: all 200 steps, whatever the gradient norm
    x_pen = minimize(
        penalized, x_start, SGD(lr=lr, momentum=momentum), max_steps=200, gtol=None
    )
    x_wd = minimize(
        plain,
        x_start,
        SGD(lr=lr, momentum=momentum, weight_decay=nu),
        max_steps=200,
        gtol=None,
    )
    x_pen, x_wd = x_pen.history.x, x_wd.history.x
    same = np.allclose(x_pen, x_wd, rtol=1e-12, atol=1e-14)
    print(f"momentum {momentum}: penalty and weight_decay, same iterates: {same}")
    if momentum == 0:
        print(f"  and equal to the hand-written loop: {np.allclose(x_pen, by_hand)}")
    assert np.allclose(x_pen, x_wd, rtol=1e-12, atol=1e-14)
    if momentum == 0:
        assert np.allclose(x_pen, by_hand)

# %% [markdown]
# For adaptive methods the two are *not* the same. Adam with `weight_decay` adds $\nu \theta$ to the gradient,
# and the sum is then divided by Adam's per-coordinate scale, so weights with large gradients are barely
# decayed. Loshchilov and Hutter's **AdamW** {cite:p}`loshchilov2019` decouples the two. It shrinks the
# weights directly, $\theta \leftarrow \theta - \alpha\nu \theta$, then takes the Adam step on the loss alone (see
# {doc}`../part3/adaptive_methods`). The runs part ways at once:

# %%
nu_w = 0.1
adam_l2 = minimize(
    plain, x_start + 1.0, Adam(lr=0.01, weight_decay=nu_w), max_steps=200, gtol=None
).history.x
adamw = minimize(
    plain, x_start + 1.0, AdamW(lr=0.01, weight_decay=nu_w), max_steps=200, gtol=None
).history.x
gap = np.linalg.norm(adam_l2 - adamw, axis=1)
shown = ", ".join(f"{gap[k]:.2e}" for k in (1, 10, 200))
print(f"||Adam(L2) - AdamW|| after 1, 10, 200 steps: {shown}")
assert gap[1] > 0 and gap[200] > 1e-2

# %% [markdown]
# ## Early stopping
#
# Gradient descent has a built-in brake: the number of steps. It fits the directions the data determine
# well first and the noise later. Stopping early is a form of regularization {cite:p}`prechelt1998`.
# To see it we need a problem with more parameters than examples: 40 training examples and 100 features
# whose scales fall off like $1/j$ (a stand-in for a model with a few strong and many weak directions),
# plus noise. We run gradient descent from $\theta = 0$ with $\alpha = 1/L$ for 2000 steps and record the
# training and validation loss at every step (`gtol=None` keeps `minimize` from stopping the run early,
# at its default gradient tolerance `gtol=1e-5`, so that the curves are complete).
#
# To see where the curves go after that, we use the closed form of gradient descent on least squares instead
# of running $10^5$ steps. With $H = Q \operatorname{diag}(\lambda_i) Q^\top$ and $\theta_0 = 0$, step $k$ is
# $\theta_k = Q \operatorname{diag}\bigl((1 - (1 - \alpha \lambda_i)^k)/\lambda_i\bigr) Q^\top X^\top y / n$, which the real
# run checks for all 2000 steps.

# %%
n, d = 40, 100
scales = 1 / np.arange(1, d + 1)
theta_true = rng.normal(size=d)
X_tr = rng.normal(size=(n, d)) * scales
t_tr = X_tr @ theta_true + 0.5 * rng.normal(size=n)
X_va = rng.normal(size=(500, d)) * scales
t_va = X_va @ theta_true + 0.5 * rng.normal(size=500)

over = LinearRegression(X_tr, t_tr)
over_va = LinearRegression(X_va, t_va)
eigvals, Q = np.linalg.eigh(over.hess())
Xty = Q.T @ (X_tr.T @ t_tr / n)
alpha = 1 / eigvals[-1]
run = minimize(over, np.zeros(d), SGD(lr=alpha), max_steps=2000, gtol=None)
path = run.history.x


def gd_iterates(ks):
    """Rows: theta_k of gradient descent from 0 with step alpha, by the closed form.

    Eigenvalues near 0 are handled exactly (the filter is then alpha k).
    """
    k = np.asarray(ks, dtype=float)[:, None]
    safe = np.where(eigvals > 1e-12, eigvals, 1.0)
    q = np.clip(1 - alpha * safe, 0.0, 1.0)
    filt = np.where(eigvals > 1e-12, (1 - q**k) / safe, alpha * k)
    return (filt * Xty) @ Q.T


def half_mse(W, X, t):
    return 0.5 * np.mean((W @ X.T - t) ** 2, axis=1)


assert np.allclose(gd_iterates(np.arange(2001)), path, atol=1e-10)
train_curve, valid_curve = run.history.loss, half_mse(path, X_va, t_va)
k_best = int(np.argmin(valid_curve))
long_ks = np.unique(np.geomspace(2000, 100_000, 60).astype(int))
W_long = gd_iterates(long_ks)
train_long, valid_long = half_mse(W_long, X_tr, t_tr), half_mse(W_long, X_va, t_va)
theta_min_norm = np.linalg.pinv(X_tr) @ t_tr
print(
    f"lowest validation loss {valid_curve[k_best]:.4f} at step {k_best} "
    f"(training loss there {train_curve[k_best]:.4f})"
)
print(
    f"after   2000 steps: validation {valid_curve[-1]:.4f}, "
    f"training {train_curve[-1]:.4f}"
)
print(
    f"after 100000 steps: validation {valid_long[-1]:.4f}, "
    f"training loss below 1e-10: {train_long[-1] < 1e-10}"
)
valid_min_norm = half_mse(theta_min_norm[None], X_va, t_va)[0]
print(f"minimum-norm interpolating solution: validation {valid_min_norm:.4f}")

# %%
assert 0 < k_best < 1000 and valid_curve[-1] > 1.1 * valid_curve[k_best]
assert valid_long[-1] > 1.4 * valid_curve[k_best] and train_long[-1] < 1e-10
assert np.allclose(W_long[-1], theta_min_norm, atol=1e-6)

# %%
fig, ax = plt.subplots()
steps = np.arange(1, 2001)
train_style = dict(color="C0", marker="o", markevery=0.1)
valid_style = dict(color="C1", marker="s", markevery=0.1)
ax.loglog(steps, train_curve[1:], "-", label="training loss (run)", **train_style)
ax.loglog(steps, valid_curve[1:], "-", label="validation loss (run)", **valid_style)
ax.loglog(
    long_ks, np.maximum(train_long, 1e-6), "--", label="training loss (closed form)",
    **train_style,
)
ax.loglog(
    long_ks, valid_long, "--", label="validation loss (closed form)", **valid_style
)
ax.axvline(k_best, color="gray", ls=":", label=f"lowest validation loss, step {k_best}")
ax.set_ylim(1e-3, 1)
ax.set_xlabel("gradient-descent step")
ax.set_ylabel("loss")
ax.set_title("100 features, 40 examples: training vs validation along GD")
ax.legend(fontsize=10, loc="lower left", handlelength=4)  # long enough for the dashes
plt.show()


# %% [markdown]
# *The figure shows the training loss (circles) and the validation loss (squares) of gradient descent
# against the step number, both axes logarithmic; solid lines are the real run up to step 2000, dashed
# lines the closed form up to step 100,000. The training loss falls all the way, out of the plot. The validation loss falls at first, reaches
# its minimum at the marked step, then climbs as the model starts to fit the noise, and levels off.*
#
# The validation loss ends about half again as high as at its best, and where it ends is no accident: from
# $\theta = 0$, gradient descent converges to the minimum-norm interpolating solution (the last section explains
# why), and that solution fits the noise in the training data exactly.
#
# ### Early stopping behaves like ridge
#
# Why does stopping act like a penalty? From $\theta_0 = 0$, $k$ steps of gradient descent on least squares give,
# in the eigenvectors of $H$, the unpenalized solution's components multiplied by $1 - (1 - \alpha \lambda_i)^k$.
# Ridge multiplies them by $\lambda_i/(\lambda_i + \nu)$. Both filters are near $1$ for $\lambda_i \gg 1/(\alpha k)$ and
# near $\alpha k\, \lambda_i$ for small $\lambda_i$. So $k$ steps should resemble ridge with $\nu \approx 1/(\alpha k)$
# {cite:p}`goodfellow2016`. The two filters have different shapes, so we should expect a rough match, not
# equality. We compare the relative distance $\|\theta_k - \theta_\nu\| / \|\theta_k\|$ for
# $\nu = 1/(\alpha k)$, for ten times smaller and larger $\nu$, and for the best-matching $\nu$ on a fine grid.


# %%
# Many ridge solutions at once, from one eigendecomposition (checked against .solve())
def ridge_solutions(nus):
    """Rows: the ridge solution theta_nu for each penalty nu in nus."""
    return (Xty / (eigvals + np.asarray(nus)[:, None])) @ Q.T


theta_check = LinearRegression(X_tr, t_tr, l2=0.01).solve()
assert np.allclose(ridge_solutions([0.01])[0], theta_check)

fine = np.logspace(-6, 2, 401)
W_fine = ridge_solutions(fine)
print(
    f"{'step k':>6} {'1/(alpha k)':>11} {'dist':>6} {'dist, x0.1':>10} "
    f"{'dist, x10':>9} "
    f"{'best nu':>11} {'ratio':>6} {'dist':>6}"
)
ratios, matched = [], []
for k in (10, k_best, 1000):
    nu_k = 1 / (alpha * k)
    d_k, d_small, d_big = np.linalg.norm(
        path[k] - ridge_solutions([nu_k, 0.1 * nu_k, 10 * nu_k]), axis=1
    ) / np.linalg.norm(path[k])
    dists = np.linalg.norm(path[k] - W_fine, axis=1) / np.linalg.norm(path[k])
    j = int(np.argmin(dists))
    ratios.append(fine[j] / nu_k)
    matched.append(d_k)
    print(
        f"{k:6d} {nu_k:11.2e} {d_k:6.3f} {d_small:10.3f} {d_big:9.3f} "
        f"{fine[j]:11.2e} {fine[j] / nu_k:6.2f} {dists[j]:6.3f}"
    )
    assert d_k < 0.5 * min(d_small, d_big)
assert all(0.3 < r < 3 for r in ratios) and max(matched) < 0.3

valid_ridge = half_mse(W_fine, X_va, t_va)
print(
    f"best validation loss: early stopping {valid_curve[k_best]:.4f}, "
    f"ridge {valid_ridge.min():.4f}"
)
assert abs(valid_curve[k_best] - valid_ridge.min()) < 0.05 * valid_ridge.min()

# %% [markdown]
# The match is rough but real. The early-stopped weights lie about 16 to 21 % away from the ridge weights
# with $\nu = 1/(\alpha k)$. That is much closer than ridge with a penalty ten times smaller or larger.
# The best-matching $\nu$ is within a factor of two of $1/(\alpha k)$ at every step we tried. Even the
# best match stays 10 to 14 % away, because the filters differ in shape. What matters in practice is the
# last line: the best early-stopped model and the best ridge model validate within a few percent of each
# other. The number of steps is a regularization knob. A practical rule, with a patience window, is in
# exercise 2.
#
# ## The optimizer chooses the solution
#
# With more parameters than examples, least squares has infinitely many minimizers, all fitting the
# training data exactly. Which one gradient descent returns depends on where it starts. Every gradient
# $\frac1n X^\top(Xw - y)$ lies in the row space of $X$, so the iterates never leave
# $\theta_0 + \operatorname{row}(X)$. From $\theta_0 = 0$ they converge to the only interpolating solution in the row
# space, the **minimum-norm** solution $X^+ y$ (the pseudo-inverse). From another start they converge to
# $X^+ y$ plus the part of $\theta_0$ that the data cannot see, $(I - X^+X)\,\theta_0$. This is **implicit
# regularization**: nobody added a penalty, yet the algorithm picked the smallest solution.

# %%
m_, d_ = 20, 50
X_u = rng.normal(size=(m_, d_))
theta_u_true = rng.normal(size=d_)
y_u = X_u @ theta_u_true + 0.1 * rng.normal(size=m_)
X_u_va = rng.normal(size=(500, d_))
y_u_va = X_u_va @ theta_u_true + 0.1 * rng.normal(size=500)
under, under_va = LinearRegression(X_u, y_u), LinearRegression(X_u_va, y_u_va)
L_u = np.linalg.eigvalsh(under.hess())[-1]

theta_pinv = np.linalg.pinv(X_u) @ y_u
theta_other = rng.normal(size=d_)
runs = {
    "GD from 0": minimize(
        under, np.zeros(d_), SGD(lr=1 / L_u), max_steps=5000, gtol=1e-10
    ),
    "GD from theta0": minimize(
        under, theta_other, SGD(lr=1 / L_u), max_steps=5000, gtol=1e-10
    ),
    "AdaGrad from 0": minimize(
        under, np.zeros(d_), AdaGrad(lr=1.0), max_steps=5000, gtol=1e-10
    ),
}
print(
    f"minimum-norm solution: ||theta|| = {np.linalg.norm(theta_pinv):.3f}, "
    f"valid loss {under_va.value(theta_pinv):.3f}"
)
for name, res in runs.items():
    print(
        f"{name:>14}: {res.status} in {res.n_steps:4d} steps, "
        f"train loss < 1e-12: {res.fun < 1e-12}, "
        f"||theta|| = {np.linalg.norm(res.x):.3f}, "
        f"distance to pinv {np.linalg.norm(res.x - theta_pinv):.3f}, "
        f"valid loss {under_va.value(res.x):.3f}"
    )

# %%
assert all(res.converged and res.fun < 1e-12 for res in runs.values())
assert np.allclose(runs["GD from 0"].x, theta_pinv, atol=1e-8)
P_row = np.linalg.pinv(X_u) @ X_u
expected = theta_pinv + (np.eye(d_) - P_row) @ theta_other
assert np.allclose(runs["GD from theta0"].x, expected, atol=1e-8)
assert np.linalg.norm(runs["GD from theta0"].x) > np.linalg.norm(theta_pinv)
adagrad_gap = np.linalg.norm(runs["AdaGrad from 0"].x - theta_pinv)
assert adagrad_gap > 0.1 * np.linalg.norm(theta_pinv)
assert under_va.value(runs["AdaGrad from 0"].x) > under_va.value(theta_pinv)

# %% [markdown]
# All three runs fit the training data to machine precision, yet they return three different weight
# vectors. Gradient descent from zero lands on the pseudo-inverse solution (asserted to $10^{-8}$). From a
# random start it lands exactly where the row-space argument says, with a larger norm and, here, a worse
# validation loss. AdaGrad, also from zero, finds yet another interpolating solution, and on this problem
# it also validates worse. Its per-coordinate step sizes bend the path out of the row space, so the
# minimum-norm guarantee is lost.
# {cite:t}`wilson2017` showed that this difference between adaptive and plain methods can change test
# error on real problems. {cite:t}`keskar2017` made a related observation for deep networks: large
# minibatches tend to converge to sharper minima that generalize worse. The optimizer, its
# hyper-parameters and its number of steps are part of the model.
#
# ### Across the interpolation threshold: double descent
#
# The minimum-norm solution of the early-stopping problem validated at $0.3128$: worse than the best
# early-stopped model, but far from the disaster of the degree-15 polynomial. It is one point of a curve.
# Fit the minimum-norm least-squares solution using only the first $p$ of the 100 features, for $p$ from 5
# to 100, with the same 40 training examples. Below $p = n = 40$ there are more examples than parameters
# and the fit is ordinary least squares; at $p = 40$ it interpolates the training data for the first time,
# with exactly one solution; above, it picks the smallest of infinitely many interpolating solutions, the
# one gradient descent from zero would find.

# %%
sweep_p = (5, 10, 20, 30, 35, 38, 40, 42, 45, 50, 60, 80, 100)
sweep = {}
print(f"{'features p':>10} {'interpolates':>12} {'valid loss':>11} {'||theta||':>9}")
for p in sweep_p:
    theta_p = np.linalg.pinv(X_tr[:, :p]) @ t_tr
    fits_all = half_mse(theta_p[None], X_tr[:, :p], t_tr)[0] < 1e-12
    sweep[p] = (half_mse(theta_p[None], X_va[:, :p], t_va)[0], np.linalg.norm(theta_p))
    print(f"{p:>10} {fits_all!s:>12} {sweep[p][0]:11.4g} {sweep[p][1]:9.4g}")

# %%
valid_p = np.array([sweep[p][0] for p in sweep_p])
assert sweep_p[int(np.argmax(valid_p))] == n  # the peak: at the interpolation threshold
assert sweep[n][0] > 1000 * max(sweep[5][0], sweep[100][0])
assert np.all(np.diff(valid_p[sweep_p.index(n):]) < 0)  # the second descent
assert np.isclose(sweep[100][0], valid_min_norm)  # the minimum-norm solution above
assert min(valid_p[: sweep_p.index(n)]) < sweep[100][0]

# %%
fig, ax = plt.subplots()
ax.semilogy(sweep_p, valid_p, "o-", label="validation loss, minimum-norm fit")
ax.axvline(n, color="gray", ls=":", label=f"interpolation threshold p = n = {n}")
ax.set_xlabel("number of features p")
ax.set_ylabel("validation loss")
ax.set_title("Minimum-norm least squares on 40 examples")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the validation loss of the minimum-norm least-squares fit against the number of
# features, on a log scale. It falls a little at first, rises as the number of features approaches the 40
# training examples, peaks at exactly 40 features (a dotted line) more than a thousand times higher than at
# either end, and falls again as more features are added.*
#
# The validation loss first behaves like the classical U: it falls, then climbs as $p$ approaches $n$. At
# the threshold the single interpolating solution must bend itself to fit all 40 noisy targets, and its
# norm and its validation loss explode. Past the threshold the loss falls again, because among more and
# more interpolating solutions the minimum-norm one gets smaller and smoother. This second descent, after
# the peak at the interpolation threshold, is **double descent** {cite:p}`belkin2019`. Here the second
# descent stays above the first minimum (about $0.23$ at $p = 10$ against $0.31$ at $p = 100$); with other
# data it can go below it, which is one reason heavily over-parameterized models can generalize. The
# minimum-norm choice, the implicit regularization of gradient descent from zero, is what makes the right
# half of the curve descend.
#
# Explicit regularizers for neural networks go further than L2. Dropout {cite:p}`srivastava2014`, for
# instance, randomly silences units during training. The principle is the same as in this chapter: give up
# a little training loss for a model that does better on data it has not seen.
#
# ## Key points
#
# - Training loss only goes down with model size; validation loss is U-shaped. Degree 15 on 20 points had a
#   validation loss thousands of times that of the cubic, with weights in the tens of thousands.
# - The L2 penalty $\frac\nu2\|\theta\|^2$ shrinks poorly determined directions most; $\|\theta_\nu\|$ falls as
#   $\nu$ grows, and $\nu$ is chosen on a validation set.
# - For plain SGD (with or without momentum), an L2 penalty and `weight_decay` give identical iterates; for
#   Adam they differ, and AdamW is the decoupled version.
# - Early stopping is regularization. $k$ steps of gradient descent resemble ridge with
#   $\nu \approx 1/(\alpha k)$, roughly: here within a factor of two in $\nu$, about 20 % apart in the
#   weights.
# - On an under-determined least-squares problem, gradient descent from zero converges to the minimum-norm
#   solution $X^+y$; another start or an adaptive method converges to a different interpolating solution.
# - Swept across the interpolation threshold ($p = n$), the minimum-norm fit's validation loss peaks at the
#   threshold and falls again beyond it: double descent.
#
# ## Exercises
#
# ```{exercise} Choosing the degree
# :label: ex-reg-degree
# For every degree $p = 0, 1, \dots, 12$ fit the least-squares polynomial to the 20 training points and
# compute the validation loss. Which degree does the validation set pick?
# ```
#
# ```{solution-start} ex-reg-degree
# :class: dropdown
# ```

# %%
valid_by_degree = {
    p: LinearRegression(poly(x_va, p), y_va).value(
        LinearRegression(poly(x_tr, p), y_tr).solve()
    )
    for p in range(13)
}
print(" ".join(f"{p}:{v:.3f}" for p, v in valid_by_degree.items()))
p_best = min(valid_by_degree, key=valid_by_degree.get)
print("validation picks degree", p_best)
assert 3 <= p_best <= 7


# %% [markdown]
# Degrees 0 to 2 underfit badly (a sine needs at least a cubic on $[-1, 1]$). From degree 3 on, the
# validation loss is nearly flat at first and then grows; the minimum is at a low, odd degree. Odd
# degrees suit this target because $\sin(\pi x)$ is an odd function.
#
# ```{solution-end}
# ```
#
# ```{exercise} Early stopping with patience
# :label: ex-reg-patience
# In practice the validation loss is noisy and we cannot see the future. A common rule {cite:p}`prechelt1998`:
# stop once the validation loss has not improved for `patience` consecutive evaluations, and return the best
# weights seen. Apply it to the validation curve of the early-stopping section with patience 50. Where does it
# stop, and which step does it return?
# ```
#
# ```{solution-start} ex-reg-patience
# :class: dropdown
# ```


# %%
def stop_with_patience(curve, patience):
    best_k, best_v = 0, curve[0]
    for k, v in enumerate(curve):
        if v < best_v:
            best_k, best_v = k, v
        elif k - best_k >= patience:
            return k, best_k
    return len(curve) - 1, best_k


stopped_at, returned = stop_with_patience(valid_curve, patience=50)
print(
    f"stopped at step {stopped_at}, returned the weights of step {returned} "
    f"(validation loss {valid_curve[returned]:.4f})"
)
assert returned == k_best and stopped_at == k_best + 50

# %% [markdown]
# The validation loss here is smooth and has a single minimum, so the rule stops 50 steps after it and
# returns exactly the best step. With minibatch noise the curve wiggles, and patience is what keeps the rule
# from stopping at the first small bump.
#
# ```{solution-end}
# ```
#
# ```{exercise} A penalty removes the dependence on the start
# :label: ex-reg-unique
# Add a small L2 penalty ($\nu = 0.1$) to the under-determined problem of the last section and run
# gradient descent from $0$ and from the random start `theta_other`. Do the two runs still end in different
# places?
# ```
#
# ```{solution-start} ex-reg-unique
# :class: dropdown
# ```

# %%
ridge_under = LinearRegression(X_u, y_u, l2=0.1)
L_r = np.linalg.eigvalsh(ridge_under.hess())[-1]
ends = [
    minimize(ridge_under, theta_init, SGD(lr=1 / L_r), max_steps=5000, gtol=1e-10)
    for theta_init in (np.zeros(d_), theta_other)
]
theta_ridge = ridge_under.solve()
for name, res in zip(("from 0", "from theta_other"), ends, strict=True):
    n_steps = f"{float(f'{res.n_steps:.3g}'):,.0f}"  # a tolerance count: three figures
    print(
        f"{name:>12}: {res.status} in about {n_steps} steps, "
        "within 1e-8 of the ridge solution:",
        np.allclose(res.x, theta_ridge, atol=1e-8),
    )
    assert res.converged and np.allclose(res.x, theta_ridge, atol=1e-8)

# %% [markdown]
# No. With $\nu > 0$ the loss is strongly convex and has exactly one minimizer, the ridge solution, and
# gradient descent reaches it from any start. An explicit penalty makes the answer a property of the
# *problem*; without it, the answer is partly a property of the *algorithm*.
#
# ```{solution-end}
# ```
#
# ```{exercise} Ridge's closed form and its shrinkage factors
# :label: ex-reg-ridge
# For $f_\nu(\theta) = \frac{1}{2n}\|\Phi \theta - y\|^2 + \frac\nu2\|\theta\|^2$, derive the minimizer $\theta_\nu$ by setting
# the gradient to zero. Then write $H = \Phi^\top\Phi/n = \sum_i \lambda_i q_i q_i^\top$ and show that the
# component of $\theta_\nu$ along $q_i$ is the unpenalized solution's component multiplied by
# $\lambda_i/(\lambda_i + \nu)$. Check both on the cubic of the first section with $\nu = 0.01$.
# ```
#
# ```{solution-start} ex-reg-ridge
# :class: dropdown
# ```
#
# With $c = \Phi^\top y / n$ the gradient is $\nabla f_\nu(\theta) = H \theta - c + \nu \theta$. It vanishes at
#
# $$
# \theta_\nu = (H + \nu I)^{-1} c ,
# $$
#
# and for $\nu > 0$ the matrix $H + \nu I$ is positive definite, so this is the unique minimizer. In the
# eigenvectors, $H + \nu I = \sum_i (\lambda_i + \nu)\, q_i q_i^\top$ has the inverse
# $\sum_i q_i q_i^\top / (\lambda_i + \nu)$, so
#
# $$
# \begin{aligned}
# q_i^\top \theta_\nu &= \frac{q_i^\top c}{\lambda_i + \nu}
# = \frac{\lambda_i}{\lambda_i + \nu}\cdot\frac{q_i^\top c}{\lambda_i} \\
# &= \frac{\lambda_i}{\lambda_i + \nu}\; q_i^\top \hat\theta ,
# \end{aligned}
# $$
#
# where $\hat\theta = H^{-1} c$ is the unpenalized solution (when $H$ is invertible). A direction with
# $\lambda_i \gg \nu$ keeps its component; one with $\lambda_i \ll \nu$ loses almost all of it.

# %%
Phi3 = poly(x_tr, 3)
H3, c3 = Phi3.T @ Phi3 / len(x_tr), Phi3.T @ y_tr / len(x_tr)
nu = 0.01
theta_nu = np.linalg.solve(H3 + nu * np.eye(4), c3)
lam_i, Q3 = np.linalg.eigh(H3)
shrink = lam_i / (lam_i + nu)
theta_hat = np.linalg.solve(H3, c3)
print("eigenvalues of H:", lam_i)
print("shrinkage factors lambda_i / (lambda_i + nu):", shrink)
theta_model = LinearRegression(Phi3, y_tr, l2=nu).solve()
same_solution = np.allclose(theta_nu, theta_model, rtol=1e-10)
same_factors = np.allclose(
    Q3.T @ theta_nu, shrink * (Q3.T @ theta_hat), rtol=1e-8, atol=1e-12
)
print(f"closed form equals LinearRegression(l2=nu).solve(): {same_solution}")
print(f"components shrink by lambda_i / (lambda_i + nu): {same_factors}")
assert same_solution and same_factors

# %% [markdown]
# The smallest eigenvalue of the cubic's $H$ (about $0.013$) is close to $\nu = 0.01$, so that direction
# keeps only about $57\,\%$ of its component, while the two largest keep more than $98\,\%$.
#
# ```{solution-end}
# ```
#
# ## References
#
# The bias–variance view of under- and overfitting, ridge regression and model selection on held-out data
# follow {cite:t}`hastie2009`; weight decay and early stopping as regularizers are treated in
# {cite:t}`goodfellow2016`, and stopping rules with patience in {cite:t}`prechelt1998`. Decoupled weight decay
# is due to {cite:t}`loshchilov2019`, dropout to {cite:t}`srivastava2014`. The generalization of adaptive
# methods and of large-batch training is discussed by {cite:t}`wilson2017` and {cite:t}`keskar2017`. Full
# entries are in the {doc}`../appendix/bibliography`.
