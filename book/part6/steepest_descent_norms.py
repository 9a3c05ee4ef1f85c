# %% [markdown]
# # Steepest descent in other norms
#
# Gradient descent moves along $-\nabla f$ because, among all steps of a given *Euclidean* length, that one
# lowers the linearized loss the most. Measure the length of a step differently and the best direction
# changes. Measured by its largest coordinate, the best step moves every coordinate by the same amount
# against the sign of its gradient: **sign descent**. Adam, with its running averages switched off, is
# exactly that, and **Lion** is sign descent on a cleverly mixed momentum. For a weight *matrix* the natural
# length is the spectral norm, how much the matrix can stretch a vector, and the best step keeps the
# singular directions of the gradient while setting every singular value to one: **Muon**, which computes
# that step with a few matrix products (the Newton–Schulz iteration). This chapter derives each of these
# steps, checks them with code written from scratch against `gdlearn`, and trains the digits network of
# Part III with all of them.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - define the steepest-descent step in a norm and derive it for the $\ell_2$, $\ell_\infty$ and
#   spectral norms;
# - explain in which limits Adam is sign descent, and bound its step when $\beta_1 = \beta_2$;
# - write the Lion and Muon updates and say what each part does;
# - derive the Newton–Schulz iteration as an odd polynomial applied to the singular values, and
#   measure how far five steps are from the exact $UV^\top$;
# - compare these optimizers on a small network, with seeds, and word the result with its limits.
# ```
#
# The symbols follow the book's {doc}`../notation`: $g_k$ is the gradient, $G_k$ the gradient of a matrix
# parameter, $\alpha$ the learning rate, $\beta$ (or $\beta_1, \beta_2$) the momentum rates, $m_k$ the
# momentum buffer, $M = U S V^\top$ a singular value decomposition and $\operatorname{orth}(M) = U V^\top$.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import gdlearn
from gdlearn.data import standardize
from gdlearn.mlp import MLP
from gdlearn.optim import Adam, Lion, Muon, SignSGD, newton_schulz, orthogonalize_svd
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Steepest descent in a norm
#
# Near $\theta$ the loss is $f(\theta + u) \approx f(\theta) + g^\top u$. The **steepest-descent direction**
# in a norm $\lVert\cdot\rVert$ is the step of length at most one that lowers this linear model most,
#
# $$
# u^\star = \operatorname*{arg\,min}_{\lVert u\rVert \le 1}\; g^\top u ,
# $$
#
# and the method takes $\theta_{k+1} = \theta_k + \alpha\, u^\star$. For the Euclidean norm the
# Cauchy–Schwarz inequality $g^\top u \ge -\lVert g\rVert\,\lVert u\rVert$ gives $u^\star = -g/\lVert g\rVert$:
# normalized gradient descent. For the **max norm** $\lVert u\rVert_\infty = \max_i |u_i|$,
#
# $$
# \begin{aligned}
# g^\top u = \sum_i g_i u_i &\ge -\sum_i |g_i|\,|u_i| \\
# &\ge -\sum_i |g_i| = -\lVert g\rVert_1 ,
# \end{aligned}
# $$
#
# with equality exactly when $u_i = -\operatorname{sign}(g_i)$ for every $i$ with $g_i \ne 0$. So
# $u^\star = -\operatorname{sign}(g)$, and steepest descent in $\ell_\infty$ is **sign descent**
# $\theta_{k+1} = \theta_k - \alpha \operatorname{sign}(g_k)$ {cite:p}`bernstein2018`: every coordinate moves
# by exactly $\alpha$, however large or small its gradient. (The decrease it achieves, $\lVert g\rVert_1$, is
# the *dual norm* of the gradient; the same pattern returns for matrices below.)
#
# A linear function on the cube $\lVert u\rVert_\infty \le 1$ is smallest at a corner, so we can check the
# derivation by trying all $2^{10} = 1024$ corners for a random gradient.

# %%
rng = np.random.default_rng(0)
g = rng.standard_normal(10)
corners = np.array(np.meshgrid(*[[-1.0, 1.0]] * 10)).reshape(10, -1).T
best = corners[np.argmin(corners @ g)]
print("best corner equals -sign(g):", bool(np.array_equal(best, -np.sign(g))))
print(f"its value {best @ g:.4f} = -||g||_1 = {-np.abs(g).sum():.4f}")
assert np.array_equal(best, -np.sign(g)) and np.isclose(best @ g, -np.abs(g).sum())

# %% [markdown]
# ## Sign descent and signum
#
# With momentum, Bernstein et al. take the sign of a moving average of the gradients, a method they call
# **signum**:
#
# $$
# \begin{aligned}
# m_k &= \beta\, m_{k-1} + (1 - \beta)\, g_k, \\
# \theta_k &= \theta_{k-1} - \alpha \operatorname{sign}(m_k).
# \end{aligned}
# $$
#
# Written from scratch and compared with `gdlearn.optim.SignSGD` on an axis-aligned quadratic whose
# curvatures span a factor of 1000:

# %%
scales = np.array([1.0, 10.0, 1000.0])
target = np.array([1.0, -2.0, 0.5])


def quad_grad(theta):
    return scales * (theta - target)


def signum_from_scratch(theta, lr, beta, steps):
    m = np.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        m = beta * m + (1 - beta) * quad_grad(theta)
        theta = theta - lr * np.sign(m)
        path.append(theta)
    return np.array(path)


def run_gdlearn(opt, theta, steps):
    path = [theta]
    for _ in range(steps):
        theta = opt.step(theta, quad_grad(theta))
        path.append(theta)
    return np.array(path)


theta0 = np.zeros(3)
ours = signum_from_scratch(theta0, 0.01, 0.9, 400)
lib = run_gdlearn(SignSGD(lr=0.01, momentum=0.9), theta0, 400)
assert np.allclose(ours, lib, rtol=0, atol=1e-12)
print("from scratch == gdlearn.optim.SignSGD over 400 steps:", True)
print("final |theta - theta*| per coordinate:", np.abs(lib[-1] - target).round(3))

# %% [markdown]
# Each coordinate walks towards its target at the same speed, $\alpha = 0.01$ per step, whether its
# curvature is 1 or 1000: the steep coordinate does not force a small learning rate on the others, as it
# would in gradient descent ($\alpha < 2/1000$). The price is visible at the end: a fixed-length step cannot
# settle, and every coordinate ends in a cycle around its target (all three errors are at most
# $2\alpha = 0.02$). Sign methods therefore need a decaying learning rate to converge (the tests of
# `SignSGD` check it with $\alpha_k = 0.5/k$).

# %%
assert np.all(np.abs(lib[-1] - target) <= 0.02 + 1e-9)

# %% [markdown]
# ## Adam as a smoothed sign method
#
# Adam's step is $\alpha\, \hat m_k / (\sqrt{\hat v_k} + \varepsilon)$. With $\beta_1 = \beta_2 = 0$ the
# averages are the current gradient and its square, so the step is
# $\alpha\, g_k / (|g_k| + \varepsilon)$, which tends to $\alpha \operatorname{sign}(g_k)$ as
# $\varepsilon \to 0$ (a coordinate with $|g_i| \gg \varepsilon$ is already there). The table measures the
# largest distance of Adam's first-step direction from the sign, over a gradient whose entries range
# from $10^{-6}$ to $10^{2}$:

# %%
g = np.geomspace(1e-6, 1e2, 9) * np.array([1, -1, 1, -1, 1, -1, 1, -1, 1])
print(f"{'eps':>8}  max |step / lr - sign(g)|")
gaps = {}
for eps in [1e-2, 1e-4, 1e-6, 1e-8, 1e-10]:
    step = Adam(lr=1.0, betas=(0.0, 0.0), eps=eps).step(np.zeros(9), g)
    gaps[eps] = np.max(np.abs(-step - np.sign(g)))
    print(f"{eps:8.0e}  {gaps[eps]:.4f}")
assert gaps[1e-10] < 1e-3 and gaps[1e-8] < 0.011
assert gaps[1e-6] > 0.49 and gaps[1e-2] > 0.99

# %% [markdown]
# The direction is off by $\varepsilon / (|g_i| + \varepsilon)$ in coordinate $i$: half the step for the
# entry $10^{-6}$ when $\varepsilon = 10^{-6}$, 1 % at the default $\varepsilon = 10^{-8}$, and nothing visible
# at $10^{-10}$. Below the smallest entry, $\varepsilon$ only matters for gradients that are nearly zero.
#
# With the averages switched on, Adam divides an average of gradients by the root of an average of their
# squares. If $\beta_1 = \beta_2 = \beta$ the two averages have the same weights $w_j \ge 0$, with
# $\sum_j w_j = 1$ after bias correction, and the Cauchy–Schwarz inequality bounds each coordinate:
#
# $$
# \begin{aligned}
# \hat m_k^2 = \Bigl(\sum_j w_j g_j\Bigr)^2
# &\le \sum_j w_j \sum_j w_j g_j^2 \\
# &= \hat v_k .
# \end{aligned}
# $$
#
# So every coordinate of Adam's step is at most $\alpha$ long, as in sign descent, and it equals $\alpha$
# (up to $\varepsilon$) only when the recent gradients of that coordinate agree; when they disagree (noise),
# the step shrinks: Adam is a sign method whose step length is set by the gradients' signal-to-noise ratio
# {cite:p}`balles2018`. With $\beta_2 > \beta_1$ (the default $0.999 > 0.9$) the weights differ and the
# bound fails: a gradient that grows suddenly gives a step several times $\alpha$. We check both with the
# same noisy gradients:

# %%
rng = np.random.default_rng(1)
grads = rng.standard_normal((300, 200)) * np.geomspace(0.01, 100, 200) + 0.1
grads[150:] *= 30.0  # a sudden change of scale half-way
longest = {}
for betas in [(0.9, 0.9), (0.99, 0.99), (0.9, 0.999)]:
    opt, theta, ratio = Adam(lr=1.0, betas=betas, eps=1e-12), np.zeros(200), 0.0
    for gk in grads:
        new = opt.step(theta, gk)
        ratio, theta = max(ratio, np.max(np.abs(new - theta))), new
    longest[betas] = ratio
    print(f"betas {betas}: longest coordinate step / lr = {ratio:.2f}")
assert longest[(0.9, 0.9)] <= 1 + 1e-9 and longest[(0.99, 0.99)] <= 1 + 1e-9
assert longest[(0.9, 0.999)] > 2

# %% [markdown]
# ## Lion
#
# Lion ("evolved sign momentum") was found by a search over programs {cite:p}`chen2023`. It is sign descent
# on an interpolation between the momentum and the new gradient, with decoupled weight decay $\nu$:
#
# $$
# \begin{aligned}
# c_k &= \beta_1 m_{k-1} + (1 - \beta_1)\, g_k, \\
# \theta_k &= \theta_{k-1} - \alpha\bigl(\operatorname{sign}(c_k)
#   + \nu\,\theta_{k-1}\bigr), \\
# m_k &= \beta_2 m_{k-1} + (1 - \beta_2)\, g_k .
# \end{aligned}
# $$
#
# With the defaults $\beta_1 = 0.9$, $\beta_2 = 0.99$ the sign sees the new gradient with weight 0.1 but the
# buffer keeps only 0.01 of it: the step reacts at once to a change, while the memory is long. Like signum,
# every coordinate moves by exactly $\alpha$ (before the decay), so the update's Euclidean length is
# $\alpha\sqrt d$, much longer than a typical Adam step; this is why Lion wants a learning rate 3 to 10 times
# smaller than AdamW's. From scratch against `gdlearn.optim.Lion`:

# %%
def lion_from_scratch(theta, lr, beta1, beta2, nu, steps):
    m = np.zeros_like(theta)
    path = [theta]
    for _ in range(steps):
        gk = quad_grad(theta)
        c = beta1 * m + (1 - beta1) * gk
        theta = theta - lr * (np.sign(c) + nu * theta)
        m = beta2 * m + (1 - beta2) * gk
        path.append(theta)
    return np.array(path)


ours = lion_from_scratch(theta0, 0.01, 0.9, 0.99, 0.1, 400)
lib = run_gdlearn(Lion(lr=0.01, betas=(0.9, 0.99), weight_decay=0.1), theta0, 400)
assert np.allclose(ours, lib, rtol=0, atol=1e-12)
print("from scratch == gdlearn.optim.Lion over 400 steps:", True)
steps_len = np.abs(np.diff(run_gdlearn(Lion(lr=0.01), theta0, 50), axis=0))
print("every coordinate of every step moves by lr:", bool(np.allclose(steps_len, 0.01)))
assert np.allclose(steps_len, 0.01)

# %% [markdown]
# ## Muon: steepest descent in the spectral norm
#
# A weight matrix $W$ acts on vectors, and the natural size of a change $\Delta W$ is how much more it can
# stretch a vector: the **spectral norm** $\lVert \Delta W\rVert_{\mathrm{op}}$, its largest singular value
# {cite:p}`bernstein2024`. With the matrix inner product $\langle G, U\rangle = \operatorname{tr}(G^\top U)$
# and the SVD $G = \sum_i s_i u_i v_i^\top$ of the gradient,
#
# $$
# \begin{aligned}
# \langle G, U\rangle &= \sum_i s_i\, u_i^\top U v_i
#   \ge -\sum_i s_i = -\lVert G\rVert_* ,
# \end{aligned}
# $$
#
# because $|u_i^\top U v_i| \le \lVert U\rVert_{\mathrm{op}} \le 1$ for unit vectors. Equality holds for
# $U = -\sum_i u_i v_i^\top = -U V^\top$. So the steepest-descent step in the spectral norm is
# $-\operatorname{orth}(G)$: **keep the singular vectors of the gradient and set every singular value to
# one**. (The decrease is the nuclear norm $\lVert G\rVert_*$, the sum of the singular values, the dual of the
# spectral norm, as $\ell_1$ is the dual of $\ell_\infty$.) A random search over the unit ball finds nothing
# lower:

# %%
rng = np.random.default_rng(2)
G = rng.standard_normal((8, 5))
U_star = -orthogonalize_svd(G)
nuclear = np.linalg.svd(G, compute_uv=False).sum()
trials = rng.standard_normal((5000, 8, 5))
trials /= np.linalg.norm(trials, ord=2, axis=(1, 2))[:, None, None]  # ||U||_op = 1
values = np.einsum("ij,kij->k", G, trials)
print(f"<G, -UV^T> = {np.sum(G * U_star):.4f} = -||G||_* = {-nuclear:.4f}")
print(f"best of 5000 random U with ||U||_op = 1: {values.min():.4f}")
assert np.isclose(np.sum(G * U_star), -nuclear) and values.min() > -nuclear

# %% [markdown]
# Why is this a good step for a network layer? A gradient matrix is typically dominated by a few singular
# directions, and gradient descent moves mostly along them; the rare directions, which may matter as much
# for the loss, barely move. Orthogonalizing gives every singular direction the same step. The figure
# shows this for the first-layer gradient of the digits network used at the end of the chapter (64 inputs,
# 64 hidden units): its singular values span several decades, those of the orthogonalized update are all
# near one.
#
# Muon {cite:p}`jordan2024` applies this to the momentum, with Nesterov's look-ahead, for every 2-D
# parameter $W$ of shape (fan-in, fan-out):
#
# $$
# \begin{aligned}
# m_k &= \beta\, m_{k-1} + (1 - \beta)\, G_k, \\
# O_k &= \operatorname{NS}_5\bigl(\beta\, m_k + (1 - \beta)\, G_k\bigr), \\
# W_k &= W_{k-1} - \alpha\, s\, O_k ,
# \end{aligned}
# $$
#
# where $\operatorname{NS}_5 \approx \operatorname{orth}$ is the Newton–Schulz iteration of the next section
# and $s = \sqrt{\max(1, \text{fan-out}/\text{fan-in})}$ is the reference code's shape factor. Biases and
# other non-matrix parameters have no singular values; `gdlearn.optim.Muon` updates them with AdamW (and
# `param_groups=[{"keys": [...], "orthogonalize": False}]` sends chosen matrices there too).

# %%
digits = load_digits()
X_all, _, _ = standardize(digits.data)
y_all = digits.target
perm = np.random.default_rng(0).permutation(len(y_all))
train, test = perm[:1200], perm[1200:]
net = MLP(X_all[train], y_all[train], hidden=(64,), activation="tanh", output="softmax")
G1 = net.grad(net.init(np.random.default_rng(1)))["W1"]
s_grad = np.linalg.svd(G1, compute_uv=False)
rank = int(np.sum(s_grad > 1e-10 * s_grad[0]))  # 3 pixels are constant: zero rows of G1
s_top = s_grad[:rank] / s_grad[0]
s_ns = np.linalg.svd(newton_schulz(G1), compute_uv=False)[:rank]
near_one = int(np.sum((s_ns > 0.5) & (s_ns < 1.21)))
print(f"gradient: rank {rank}, largest / smallest nonzero singular value "
      f"~ {float(f'{s_top[0] / s_top[-1]:.2g}'):,.0f}")
print(f"after Newton-Schulz: {near_one} of the {rank} in [0.5, 1.21], "
      f"all in [{s_ns.min():.2f}, {s_ns.max():.2f}]")
assert rank == 61 and s_top[-1] < 1e-3 and near_one >= 50 and s_ns.max() < 1.21

fig, ax = plt.subplots(figsize=(6, 3.6))
idx = np.arange(1, rank + 1)
ax.semilogy(idx, s_top, "o-", ms=3, label="gradient (scaled by its largest)")
ax.semilogy(idx, s_ns, "s--", ms=3, label="Newton–Schulz, 5 steps")
ax.semilogy(idx, np.ones(rank), ":", label="exact orth(G) = UVᵀ")
ax.set_xlabel("index i of the singular value")
ax.set_ylabel("singular value")
ax.set_title("First-layer gradient of the digits network")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the 61 nonzero singular values of the first-layer gradient of the digits network, scaled
# by the largest one, on a logarithmic axis: they fall from 1 to below 0.001. After five Newton–Schulz
# steps most of them lie between 0.5 and 1.2, close to the exact orthogonalization, whose singular values
# are all one (a dotted line); the last few stay lower.*
#
# Those last few are below the iteration's reach (next section). The gradient has rank 61, not 64, because three pixels are constant in the training set,
# so three rows of the gradient are zero; orthogonalization keeps zero directions at zero.
#
# ## The Newton–Schulz iteration
#
# Computing $U V^\top$ by an SVD is slow on a GPU; Muon uses only matrix products. For $X = U S V^\top$,
#
# $$
# \begin{aligned}
# X X^\top X &= U S V^\top V S U^\top U S V^\top \\
# &= U S^3 V^\top ,
# \end{aligned}
# $$
#
# and likewise $(X X^\top)^2 X = U S^5 V^\top$. So the step
# $X \mapsto a_1 X + a_3 X X^\top X + a_5 (X X^\top)^2 X$ maps $U S V^\top$ to $U\,p(S)\,V^\top$ with the odd
# polynomial $p(s) = a_1 s + a_3 s^3 + a_5 s^5$ applied to **each singular value separately**, and leaves
# the singular vectors alone. Scaling $X_0 = M/\lVert M\rVert_F$ first puts every singular value in
# $[0, 1]$; if $p$ drives every $s \in (0, 1]$ towards one, iterating it drives $X$ towards $U V^\top$.
#
# The classical choice is the cubic $p(s) = \tfrac32 s - \tfrac12 s^3$: $p(1) = 1$ and $p'(1) = 0$, so it
# converges quadratically near one, but $p'(0) = 1.5$ only, so a singular value of $10^{-3}$ needs 16 steps
# to pass one half (computed below). Jordan et al. chose the quintic $(a_1, a_3, a_5) = (3.4445, -4.7750, 2.0315)$ for
# a steep start, $p'(0) = 3.4445$, at the price of not converging: $p(1) = 0.7010$, and the iterates hop
# around one instead of settling. Five steps of each on $[0, 1]$:

# %%
A1, A3, A5 = 3.4445, -4.7750, 2.0315


def quintic(s):
    return A1 * s + A3 * s**3 + A5 * s**5


def cubic(s):
    return 1.5 * s - 0.5 * s**3


def compose(p, s, steps):
    for _ in range(steps):
        s = p(s)
    return s


s = np.linspace(0.0, 1.0, 100_001)
q5 = compose(quintic, s, 5)
window = s >= 0.003
print(f"quintic p(1) = {quintic(1.0):.4f}, p'(0) = {A1}, "
      f"one step's largest value {quintic(s).max():.2f}")
k_cubic = 0
while compose(cubic, 1e-3, k_cubic) < 0.5:
    k_cubic += 1
print(f"cubic: a singular value 0.001 needs {k_cubic} steps to pass 0.5")
lo, hi = q5[window].min(), q5[window].max()
print(f"5 quintic steps map [0.003, 1] into [{lo:.2f}, {hi:.2f}]")
c5 = compose(cubic, s, 5)
lo, hi = c5[window].min(), c5[window].max()
print(f"5 cubic steps map [0.003, 1] into [{lo:.3f}, {hi:.2f}]")
assert 0.68 < q5[window].min() < 0.69 and 1.20 < q5[window].max() < 1.21
assert c5[window].min() < 0.03

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
axes[0].plot(s, quintic(s), "-", label="quintic p(s)")
axes[0].plot(s, cubic(s), "--", label="cubic (3s − s³)/2")
axes[0].plot(s, s, ":", label="identity")
axes[0].set_title("One step")
axes[1].plot(s, q5, "-", label="quintic, 5 steps")
axes[1].plot(s, c5, "--", label="cubic, 5 steps")
axes[1].axhline(1.0, ls=":", label="target 1")
axes[1].set_title("Five steps")
for ax in axes:
    ax.set_xlabel("singular value s of the scaled matrix")
    ax.set_ylabel("new singular value")
    ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# *The figure shows, on the left, one step of the quintic and of the cubic Newton–Schulz polynomials on
# singular values between 0 and 1, with the identity line for reference: near zero the quintic rises with
# slope 3.4, the cubic with slope 1.5; the quintic overshoots one for mid-sized values (up to 1.2) and ends
# at 0.70 for the value one, where the cubic ends at exactly one. On the right, five steps: the quintic lifts
# every singular value above about 0.003 into a band between 0.68 and 1.21 around the target one, while the
# cubic has lifted small singular values only part of the way.*
#
# That band is the whole error of Newton–Schulz: the singular vectors are exact. Written from scratch and checked against
# `gdlearn.optim.newton_schulz`, and against the SVD's $U V^\top$ on random matrices of several shapes:

# %%
def ns_from_scratch(M, steps=5):
    tall = M.shape[0] > M.shape[1]
    X = M.T if tall else M  # the Gram matrix X X^T is then the smaller one
    X = X / (np.linalg.norm(X) + 1e-7)
    for _ in range(steps):
        A = X @ X.T
        X = A1 * X + (A3 * A + A5 * A @ A) @ X
    return X.T if tall else X


rng = np.random.default_rng(3)
worst = 0.0
for shape in [(64, 64), (64, 10), (10, 64), (200, 50)]:
    M = rng.standard_normal(shape)
    assert np.allclose(ns_from_scratch(M), newton_schulz(M), rtol=0, atol=1e-12)
    sv = np.linalg.svd(M, compute_uv=False)
    assert sv.min() >= 0.003 * np.linalg.norm(M)  # inside the band of the polynomial
    err = np.linalg.norm(newton_schulz(M) - orthogonalize_svd(M), ord=2)
    worst = max(worst, err)
    print(f"shape {shape}: spectral-norm error against UV^T = {err:.3f}")
print("from scratch == gdlearn.optim.newton_schulz:", True)
assert worst < 0.32

# %% [markdown]
# The error $\lVert \operatorname{NS}_5(M) - U V^\top\rVert_{\mathrm{op}}$ is the largest distance of a
# transformed singular value from one. For every matrix whose singular values are at least $0.003$ of its
# Frobenius norm it is at most $0.32$ (the band above), and the four random matrices are such matrices. Jordan et al.
# report that this inexact orthogonalization trains as well as the exact one; `gdlearn`'s tests check the
# band, the exact singular vectors, and the result of optax's `orthogonalize_via_newton_schulz`.
#
# ## Training the digits network
#
# Now the four methods on the network of Part III: the 8×8 digit images (standardized pixels), one hidden
# layer of 64 tanh units, a softmax output, 1200 training and 597 test images, full-batch gradients, 150
# steps. Each optimizer starts from the same three initializations (seeds 1, 2, 3). Muon orthogonalizes
# both weight matrices and updates the biases by AdamW with learning rate $10^{-2}$. The learning rates
# below were picked beforehand from the grid $\{3\cdot 10^{-4}, 10^{-3}, \dots, 10^{-1}\}$, with seed 1 and
# 200 steps, looking at the training loss and the test accuracy (the test set thus took part in the choice,
# for every method alike; a separate validation split would be cleaner). Exercise 3 probes that choice.

# %%
LR = {"Adam": 1e-2, "Muon": 3e-2, "Lion": 3e-3, "signum": 3e-3}
MAKE = {
    "Adam": lambda: Adam(lr=LR["Adam"]),
    "Muon": lambda: Muon(lr=LR["Muon"], adamw_lr=1e-2),
    "Lion": lambda: Lion(lr=LR["Lion"]),
    "signum": lambda: SignSGD(lr=LR["signum"], momentum=0.9),
}
SEEDS, STEPS, TARGET, EVERY = (1, 2, 3), 150, 0.05, 5
curves, accuracy = {}, {}
for name, make in MAKE.items():
    curves[name], accuracy[name] = [], []
    for seed in SEEDS:
        params, opt, losses = net.init(np.random.default_rng(seed)), make(), []
        for k in range(STEPS + 1):
            if k % EVERY == 0:  # the loss every 5 steps is enough for the figure
                losses.append(net.value(params))
            if k < STEPS:
                params = opt.step(params, net.grad(params))
        curves[name].append(losses)
        accuracy[name].append(net.score(params, X_all[test], y_all[test]))
    curves[name] = np.array(curves[name])


def steps_to(losses, target=TARGET):
    below = np.flatnonzero(losses <= target)
    return EVERY * int(below[0]) if below.size else None


print(f"{'optimizer':<8}{'lr':>8}{'final loss (max)':>18}{'test accuracy':>15}"
      f"{'steps to loss 0.05':>20}")
for name in MAKE:
    final = curves[name][:, -1]
    reach = [steps_to(c) for c in curves[name]]
    acc = np.array(accuracy[name])
    print(f"{name:<8}{LR[name]:>8.0e}{final.max():>18.1e}"
          f"{acc.min():>9.3f}-{acc.max():.3f}"
          f"{'  ' + ', '.join(f'~{10 * round(r / 10)}' for r in reach):>20}")

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
styles = {"Adam": "-", "Muon": "--", "Lion": "-.", "signum": ":"}
for name in MAKE:
    c = curves[name]
    k = np.arange(0, STEPS + 1, EVERY)
    line = ax.semilogy(k, np.median(c, axis=0), styles[name], label=name)[0]
    ax.fill_between(k, c.min(axis=0), c.max(axis=0),
                    color=line.get_color(), alpha=0.15)
ax.axhline(TARGET, color="0.5", lw=0.8)
ax.set_xlabel("step k")
ax.set_ylabel("training loss (cross-entropy)")
ax.set_title("Digits network, 3 seeds (median and range)")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the training loss of the digits network over 150 full-batch steps on a logarithmic
# axis, for Adam (solid), Muon (dashed), Lion (dash-dotted) and signum (dotted); each line is the median of
# three seeds and the shaded band the range. All four fall from about 2.4. Adam crosses the grey line at
# loss 0.05 first and then flattens; Muon and signum cross later and keep falling far below Adam; Lion is
# the slowest of the four.*
#
# What the numbers support, and no more:

# %%
reach = {name: [steps_to(c) for c in curves[name]] for name in MAKE}
final = {name: curves[name][:, -1] for name in MAKE}
mean_acc = {name: float(np.mean(accuracy[name])) for name in MAKE}
ratio = min(final["Adam"]) / max(max(final["Muon"]), max(final["signum"]))
print("Adam's final loss / Muon's and signum's (worst seeds): more than",
      int(ratio // 10) * 10)
spread = max(mean_acc.values()) - min(mean_acc.values())
print(f"largest gap in mean test accuracy: {spread:.3f}")
assert max(reach["Adam"]) < min(min(reach[n]) for n in ("Muon", "Lion", "signum"))
assert max(max(reach[n]) for n in ("Muon", "signum")) < min(reach["Lion"])
assert ratio > 10 and spread < 0.03 and min(mean_acc.values()) > 0.94

# %% [markdown]
# - On this problem, at these learning rates, Adam reaches a training loss of 0.05 first (about 40 steps),
#   Muon and signum next (about 60), Lion last (about 100), for each of the three seeds.
# - After that the order turns: at step 150 Muon's and signum's training loss is more than ten times
#   lower than Adam's. Their steps keep a fixed size in every direction while Adam's shrink with the
#   gradient, so on a full-batch problem they keep pushing a loss that is already small.
# - Test accuracy hardly separates them: all four end between 0.95 and 0.98, and the mean accuracies differ
#   by less than 0.02, about what 597 test images and three seeds can resolve.
# - The limits are many: one small network, full-batch gradients (no noise), learning rates tuned once
#   on a coarse grid, three seeds, 150 steps. Muon's published gains are for the hidden layers of large
#   transformers trained on noisy minibatches, and nothing here tests that. The benchmark chapter of
#   Part VI compares the book's optimizers with a stated tuning budget.
#
# ## Key points
#
# - The steepest-descent step in a norm minimizes $g^\top u$ over the unit ball: $-g/\lVert g\rVert$ in
#   $\ell_2$, $-\operatorname{sign}(g)$ in $\ell_\infty$ (sign descent), $-UV^\top$ in the spectral norm
#   (Muon). The decrease it buys is the dual norm: $\lVert g\rVert_1$, or the nuclear norm $\lVert G\rVert_*$.
# - Sign descent moves each coordinate by $\alpha$ whatever its curvature, and needs a decaying rate to
#   converge. Signum takes the sign of a moving average.
# - Adam with $\beta_1 = \beta_2 = 0$ and $\varepsilon \to 0$ is sign descent; with $\beta_1 = \beta_2$ every
#   coordinate's step is at most $\alpha$ and shrinks when the gradients disagree; with $\beta_2 > \beta_1$
#   it can be several times $\alpha$ (measured above).
# - Lion is sign descent on $\beta_1 m + (1 - \beta_1) g$ with a slower buffer ($\beta_2$) and decoupled decay;
#   its update is long ($\alpha\sqrt d$), so its learning rate is 3 to 10 times smaller than AdamW's.
# - Muon orthogonalizes the (Nesterov) momentum of each weight matrix, so every singular direction moves by
#   the same amount; biases go to AdamW.
# - Newton–Schulz applies an odd polynomial to every singular value; Jordan's quintic maps
#   $[0.003, 1]$ into $[0.68, 1.21]$ in five steps, so its error against $UV^\top$ is at most 0.32 there,
#   and the singular vectors are exact.
#
# ## Exercises
#
# ```{exercise} Steepest descent in the ℓ1 norm
# :label: ex-norms-l1
# Find $\operatorname{arg\,min}_{\lVert u\rVert_1 \le 1} g^\top u$. Which classical method is steepest
# descent in $\ell_1$? Check your answer against all $2d$ vertices of the $\ell_1$ ball for a random $g$.
# ```
#
# ```{solution-start} ex-norms-l1
# :class: dropdown
# ```
#
# $g^\top u \ge -\sum_i |g_i|\,|u_i| \ge -\max_i |g_i| \sum_i |u_i| \ge -\lVert g\rVert_\infty$, with equality
# for $u = -\operatorname{sign}(g_j)\, e_j$ where $j$ is the coordinate of largest $|g_j|$. Steepest descent
# in $\ell_1$ moves one coordinate at a time, the one with the largest gradient: greedy (Gauss–Southwell)
# **coordinate descent**. The decrease is $\lVert g\rVert_\infty$, the dual norm of $\ell_1$.

# %%
rng = np.random.default_rng(4)
g = rng.standard_normal(7)
vertices = np.vstack([np.eye(7), -np.eye(7)])
best = vertices[np.argmin(vertices @ g)]
j = np.argmax(np.abs(g))
print("argmin is -sign(g_j) e_j for the largest |g_j|:",
      bool(best[j] == -np.sign(g[j])))
assert best[j] == -np.sign(g[j]) and np.count_nonzero(best) == 1

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Where do the quintic's iterates settle?
# :label: ex-norms-fixed
# The quintic $p(s) = 3.4445 s - 4.7750 s^3 + 2.0315 s^5$ has $p(1) \ne 1$. Find its positive fixed point
# $s^\star = p(s^\star)$ and the slope $p'(s^\star)$. Does the iteration converge to $s^\star$ if you run
# it forever? What do the cubic's $p(1)$ and $p'(1)$ say about it?
# ```
#
# ```{solution-start} ex-norms-fixed
# :class: dropdown
# ```
#
# Dividing $p(s) = s$ by $s$ gives $2.0315 u^2 - 4.7750 u + 2.4445 = 0$ for $u = s^2$, a quadratic in $u$.
# Its roots give the fixed points; for the one in $(0, 1]$ we compute $p'(s^\star)$. A fixed point attracts
# only if $|p'(s^\star)| < 1$: here the slope is below $-1$, so the iterates do not settle but keep
# hopping around $s^\star$ (between about 0.7 and 1.2, the band above). The cubic has $p(1) = 1$ and
# $p'(1) = 0$: one is a super-attracting fixed point, and the error squares at every step.

# %%
u = np.roots([A5, A3, A1 - 1.0])
s_star = np.sqrt(u[(u > 0) & (u <= 1)].real).item()
slope = A1 + 3 * A3 * s_star**2 + 5 * A5 * s_star**4
print(f"fixed point s* = {s_star:.4f}, p'(s*) = {slope:.3f}")
long_run = compose(quintic, np.linspace(0.003, 1.0, 1001), 200)
inside = bool(np.all((long_run > 0.68) & (long_run < 1.21)))
print("after 200 steps, every start in [0.003, 1] is in [0.68, 1.21]:", inside)
assert abs(quintic(s_star) - s_star) < 1e-12 and slope < -1
assert np.all((long_run > 0.68) & (long_run < 1.21))

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Probe the learning rates
# :label: ex-norms-tune
# For each of the four optimizers of the digits experiment, compare its learning rate with three times
# that rate on seed 4 for 60 steps: which gives the lower training loss? Does that agree with the table?
# Why might "lowest training loss" and "best test accuracy" pick different rates?
# ```
#
# ```{solution-start} ex-norms-tune
# :class: dropdown
# ```
#
# For all four the larger rate gives the lower training loss after 60 steps. On a full-batch problem the
# training loss rewards the largest step that does not yet oscillate, while the test accuracy stops
# improving long before the training loss does, and can prefer a smaller rate (for Muon the grid's test
# accuracies at $10^{-2}$ and $3\cdot 10^{-2}$ were nearly tied). A tuning rule has to say which of the two
# it optimizes, on which data, and with what budget: that is the subject of the benchmark chapter.

# %%
search = {}
for name in MAKE:
    results = {}
    for lr in [LR[name], 3 * LR[name]]:
        opt = {"Adam": Adam(lr=lr), "Muon": Muon(lr=lr, adamw_lr=1e-2),
               "Lion": Lion(lr=lr), "signum": SignSGD(lr=lr, momentum=0.9)}[name]
        params = net.init(np.random.default_rng(4))
        for _ in range(60):
            params = opt.step(params, net.grad(params))
        results[lr] = net.value(params)
    search[name] = min(results, key=results.get)
    print(f"{name:<7} lowest training loss at lr = {search[name]:.0e}"
          f" (table: {LR[name]:.0e})")
assert all(search[name] == 3 * LR[name] for name in MAKE)

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# Sign descent with and without momentum is analysed by {cite:t}`bernstein2018`, and Adam's link to it by
# {cite:t}`balles2018`; Lion comes from {cite:t}`chen2023`, Nesterov-Adam from {cite:t}`dozat2016`
# (`gdlearn.optim.NAdam`), Muon from {cite:t}`jordan2024`, and the view of all of them as steepest descent
# under a chosen norm from {cite:t}`bernstein2024`. Full entries are in the {doc}`../appendix/bibliography`.
