# %% [markdown]
# # Vanishing and exploding gradients
#
# Backpropagation computes the gradient of a deep network as a long product: one factor per layer. A
# product of many numbers is rarely of moderate size. If the factors are a little below one, the product
# goes to zero, and the first layers hardly learn: **vanishing gradients**. If they are a little above
# one, it blows up, and a single step throws the parameters far away: **exploding gradients**. This
# chapter measures both effects in `gdlearn`'s MLP. It then looks at the two ways to clip a gradient and
# at where NaN and inf come from and how the training loop catches them.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write the gradient of an early layer as a product of per-layer Jacobians, and explain why
#   $\sigma'(z) \le \tfrac14$ makes deep sigmoid networks lose their gradient;
# - measure gradient norms layer by layer and tell vanishing from healthy gradients;
# - predict exploding gradients from the weight scale (or the spectral radius of a recurrence);
# - clip a gradient by value and by norm, and say which one keeps the direction;
# - name the floating-point operations that produce `inf` and `nan`, and read a `"diverged"` result.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np

import gdlearn
from gdlearn.init import normal
from gdlearn.loop import minimize
from gdlearn.mlp import MLP
from gdlearn.models import sigmoid
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Why gradients vanish or explode
#
# We write $D$ for the number of layers (the depth) and $j$ for a layer's index, as everywhere in the book
# ({doc}`../notation`). A fully connected layer $j$ computes $z_j = h_{j-1} W_j + b_j$ and
# $h_j = \phi(z_j)$, with $h_0$ the input. Write $e_j = \partial f / \partial z_j$ for the error
# signal that backpropagation carries down ($f$ is the loss; many texts write $\delta_j$, a letter this book
# keeps for the Huber threshold). The chain rule gives one step down the
# network,
#
# $$
# e_{j-1} = \left(e_j W_j^\top\right) \odot \phi'(z_{j-1}),
# \qquad \frac{\partial f}{\partial W_j} = h_{j-1}^\top e_j ,
# $$
#
# and so, for one example (a row vector), the signal at layer $1$ of a $D$-layer network is a product of
# $D - 1$ Jacobians:
#
# $$
# \begin{aligned}
# e_1 &= e_D \prod_{j=D}^{2} W_j^\top S_{j-1},
# \qquad S_{j} = \operatorname{diag}\bigl(\phi'(z_{j})\bigr), \\
# \|e_1\| &\le \|e_D\| \prod_{j=2}^{D} \|W_j\|\,\max_i |\phi'(z_{j-1,i})| .
# \end{aligned}
# $$
#
# The bound is a product of $D-1$ factors, and their size sets the behaviour. Factors below one make the
# gradient vanish geometrically in the depth; factors above one make it explode
# {cite:p}`bengio1994,pascanu2013`. The activation enters through $\phi'$. For the logistic sigmoid
# $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$, a product of two numbers that add up to one, so it is at most
# $\tfrac14$ (at $z = 0$). For $\tanh$ the maximum is $1$; for ReLU the derivative is exactly $0$ or $1$.

# %%
z = np.linspace(-8, 8, 16_001)
d_sigmoid = sigmoid(z) * (1 - sigmoid(z))
d_tanh = 1 - np.tanh(z) ** 2
print(f"max sigmoid'(z) = {d_sigmoid.max():.4f} at z = {z[np.argmax(d_sigmoid)]:.1f}")
print(f"max tanh'(z)    = {d_tanh.max():.4f} at z = {z[np.argmax(d_tanh)]:.1f}")
at_2, at_4 = d_sigmoid[z == 2.0][0], d_sigmoid[z == 4.0][0]
print(f"sigmoid'(z) at z = 2, 4: {at_2:.4f}, {at_4:.4f}")

# %%
assert np.isclose(d_sigmoid.max(), 0.25) and np.all(d_sigmoid <= 0.25)
assert np.isclose(d_tanh.max(), 1.0)

# %% [markdown]
# So each sigmoid layer multiplies the backward signal by at most a quarter, times whatever the weights
# contribute. Away from zero it is worse: at $z = 4$ only $0.018$ of the signal gets through.
#
# ## Measuring it layer by layer
#
# `MLP.layer_grad_norms(params)` returns $\|\partial f / \partial W_j\|$ for every layer. We build two
# networks with 12 hidden layers of width 32 on the same small regression data set. One uses sigmoid units
# with Glorot (Xavier) initialization {cite:p}`glorot2010`; the other uses ReLU units with He
# initialization {cite:p}`he2015`, the scheme designed for them (see {doc}`../part3/initialization`).

# %%
n, d, depth, width = 200, 8, 12, 32
X = rng.normal(size=(n, d))
y = np.sin(X[:, 0]) + 0.5 * X[:, 1]

nets = {
    "sigmoid, Xavier init": (
        MLP(X, y, hidden=(width,) * depth, activation="sigmoid"),
        "xavier_normal",
    ),
    "ReLU, He init": (
        MLP(X, y, hidden=(width,) * depth, activation="relu"),
        "he_normal",
    ),
}
norms = {}
for name, (net, scheme) in nets.items():
    params = net.init(np.random.default_rng(SEED + 1), scheme=scheme)
    norms[name] = net.layer_grad_norms(params)

print(f"{'layer':>5} " + " ".join(f"{name:>22}" for name in norms))
for j in range(depth + 1):
    print(f"{j + 1:>5} " + " ".join(f"{g[j]:22.3e}" for g in norms.values()))
ratios = {name: g[0] / g[-1] for name, g in norms.items()}
for name, r in ratios.items():
    print(f"{name}: first-layer / last-layer gradient norm = {r:.2e}")
relu = norms["ReLU, He init"]
spread = relu.max() / relu.min()
print(f"ReLU network: largest / smallest layer gradient norm = {spread:.2f}")

# %%
assert ratios["sigmoid, Xavier init"] < 1e-6
assert 0.1 < ratios["ReLU, He init"] < 10
assert spread < 3

# %%
fig, ax = plt.subplots()
layers = np.arange(1, depth + 2)
for (name, g), marker in zip(norms.items(), ["o", "s"], strict=True):
    ax.semilogy(layers, g, marker=marker, label=name)
ax.set_xlabel("layer j (1 = next to the input)")
ax.set_ylabel(r"gradient norm $\|\partial f/\partial W_j\|$")
ax.set_title("Gradient norms layer by layer, 12 hidden layers")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the gradient norm of each layer's weights on a log scale, for a 12-hidden-layer network
# with sigmoid units (circles) and with ReLU units (squares, dashed line). The sigmoid curve climbs
# steadily from about 10 to the minus 8 at the first layer to about 1 at the last; the ReLU curve stays
# flat, between about 0.2 and 0.4.*
#
# The first sigmoid layer receives a gradient tens of millions of times smaller than the last. With
# one learning rate for all layers, gradient descent trains the top of this network and leaves the bottom
# where the initialization put it. The decay is geometric, as the product formula says. The average
# factor per layer is the $(D-1)$-th root of the ratio ($D = 13$ weight layers here):

# %%
per_layer = ratios["sigmoid, Xavier init"] ** (1 / depth)
net, _ = nets["sigmoid, Xavier init"]
params = net.init(np.random.default_rng(SEED + 1), scheme="xavier_normal")
hidden_out = net.activations(params)[:-1]
mean_slope = np.mean([np.mean(h * (1 - h)) for h in hidden_out])
print(f"sigmoid network: the gradient norm shrinks per layer by {per_layer:.3f}")
print(f"mean sigmoid'(z) over all hidden units: {mean_slope:.3f}")
assert per_layer < 0.25 and 0.2 < mean_slope <= 0.25

# %% [markdown]
# About $0.2$ per layer, close to the average slope of the sigmoid units themselves, just under $\tfrac14$:
# with Glorot's scale the weight matrices neither stretch nor shrink the signal much, and the sigmoid's
# derivative sets the factor. ReLU with He initialization keeps the factor near one, because
# He's variance $2/\text{fan-in}$ makes up for ReLU zeroing half of its inputs.
#
# ## Exploding gradients
#
# The same product explodes when its factors exceed one. The cleanest case is a linear recurrence
# $h_t = W h_{t-1}$, the skeleton of a recurrent network. Unrolled over $D$ time steps it is a network of
# depth $D$ whose layers all share the matrix $W$, and $\partial h_D / \partial h_0 = W^{D}$, the $D$-th
# power of $W$ (not its transpose $W^\top$). Its norm grows or shrinks like $\rho(W)^{D}$, with $\rho$ the
# spectral radius {cite:p}`pascanu2013`. We take $W = \rho\, Q$ with $Q$ a random orthogonal matrix, so
# that $\|W^{D}\|_2 = \rho^{D}$ exactly.

# %%
Q, _ = np.linalg.qr(rng.normal(size=(16, 16)))
print(f"{'rho':>5} {'D = 10':>10} {'D = 50':>10} {'D = 100':>10}")
for rho in (0.9, 1.0, 1.1):
    W = rho * Q
    growth = [np.linalg.norm(np.linalg.matrix_power(W, D), 2) for D in (10, 50, 100)]
    print(f"{rho:5.1f} " + " ".join(f"{v:10.3e}" for v in growth))
    assert np.allclose(growth, [rho**D for D in (10, 50, 100)], rtol=1e-8)


# %% [markdown]
# A spectral radius of $1.1$ turns into a factor of about $14{,}000$ after 100 steps, and $0.9$ into
# $3\times 10^{-5}$. Learning dependencies a hundred steps back is then impossible with plain gradients.
# That difficulty led to gated recurrent units such as the LSTM {cite:p}`hochreiter1997`.
#
# In a feed-forward network, too-large initial weights do the same. Below, every weight is drawn from a
# normal distribution with standard deviation 3, against LeCun's $1/\sqrt{\text{fan-in}}$. The networks have
# $\tanh$ units and a growing number of hidden layers; we print the norm of the whole gradient.


# %%
def big(shape, r):
    return normal(shape, r, std=3.0)


print(f"{'hidden layers':>13} {'LeCun init':>12} {'std 3':>12}")
grad_norm = {}
for n_hidden in (2, 4, 6, 8, 10):
    row = []
    for scheme in ("lecun_normal", big):
        net = MLP(X, y, hidden=(width,) * n_hidden, activation="tanh")
        params = net.init(np.random.default_rng(SEED + 1), scheme=scheme)
        row.append(np.sqrt(np.sum(net.layer_grad_norms(params) ** 2)))
    grad_norm[n_hidden] = row
    print(f"{n_hidden:>13} {row[0]:12.3e} {row[1]:12.3e}")

# %%
assert grad_norm[10][1] > 1e4 and grad_norm[10][1] > 100 * grad_norm[2][1]
assert all(0.1 < g[0] < 10 for g in grad_norm.values())


# %% [markdown]
# With LeCun's scale the gradient norm stays near one at every depth. With standard deviation 3 it grows
# by orders of magnitude with depth, although $\tanh'$ never exceeds one: here the weights supply the
# large factors. A learning rate that suits the top layer is then far too large for the bottom one.
#
# ## Clipping: by value or by norm
#
# When an occasional gradient is huge, a cheap fix is to cap it before the step. There are two common
# ways, and they differ in what they keep:
#
# - **by value**: $\tilde g_i = \min(\max(g_i, -C), C)$ for every coordinate. The large entries are cut
#   and the small ones kept, so the *direction* changes.
# - **by norm**: $\tilde g = g \cdot \min\left(1, C / \|g\|\right)$. The whole vector is shrunk, so the
#   direction is exactly kept {cite:p}`pascanu2013`.
#
# Our test problem is a deep chain in miniature: ten scalar weights whose product should equal one,
#
# $$
# f(w) = \tfrac12\Bigl(\prod_{i=1}^{10} w_i - 1\Bigr)^2, \qquad
# \frac{\partial f}{\partial w_i} = \Bigl(\prod_j w_j - 1\Bigr)\prod_{j \ne i} w_j .
# $$
#
# Starting from ten weights spread evenly between $0.7$ and $2.2$, the product is far above one and so is
# the gradient.


# %%
def chain_value(w):
    """Half the squared error of the product of the weights against 1."""
    return 0.5 * (np.prod(w) - 1.0) ** 2


def chain_grad(w):
    p = np.prod(w)
    return (p - 1.0) * p / w


def clip_by_value(g, cap):
    return np.clip(g, -cap, cap)


def clip_by_norm(g, cap):
    return g * min(1.0, cap / np.linalg.norm(g))


def cosine(a, b):
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


w0 = np.linspace(0.7, 2.2, 10)
g0 = chain_grad(w0)
gv, gn = clip_by_value(g0, 1.0), clip_by_norm(g0, 1.0)
print(
    f"product of the weights {np.prod(w0):.2f}, gradient norm {np.linalg.norm(g0):.1f}"
)
print("gradient        ", g0)
print("clipped by value", gv)
print("clipped by norm ", gn)
print(
    f"cosine with the original: by value {cosine(g0, gv):.4f}, "
    f"by norm within 1e-12 of 1: {abs(cosine(g0, gn) - 1) < 1e-12}"
)

# %%
assert abs(cosine(g0, gn) - 1) < 1e-12 and np.isclose(np.linalg.norm(gn), 1.0)
assert cosine(g0, gv) < 0.99

# %% [markdown]
# Clipping by value set every coordinate to $1$. The gradient's information about *which* weight matters
# most (the smallest weights get the largest partial derivatives) is gone. Clipping by norm kept the
# direction to twelve decimals and only shortened the step.
#
# `minimize` does either before handing the gradient to the optimizer (`clip_value=`, `clip_norm=`).
# First, no clipping at all:

# %%
lr = 0.01
chain = (chain_value, chain_grad)
plain = minimize(chain, w0, SGD(lr=lr), max_steps=2000, gtol=1e-8)
products = [np.prod(w) for w in plain.history.x]
print(f"no clipping: {plain.status} after {plain.n_steps} steps")
print("message:", plain.message)
print("product of the weights, steps 0 to 3:", ", ".join(f"{p:.3g}" for p in products))
print(
    f"best point seen: loss {plain.fun_best:.3g}, "
    f"product of the weights {np.prod(plain.x_best):.3g}"
)

# %% [markdown]
# The first step ($0.01$ times a gradient of norm about $1270$) overshoots by far: it takes the product
# of the weights from $22.4$ to $-6.12$, the second step to $-582$, and the third to about $-3\times
# 10^{32}$. The loss there, about $5\times 10^{64}$, is more than $10^{12}$ times its starting value
# ($229$), and `minimize` stops the run with `"diverged"`: its message names the *blow-up check*, one of
# the three divergence checks described in the section on NaN and inf below. `plain.x` is that last,
# useless point; `plain.x_best` keeps the best point seen, the one after the first step.
#
# A fair contest between the two clippings gives both the same cap on the length of the step. Clipping
# by norm at $C$ leaves a gradient of norm at most $C$; clipping by value at $C$ leaves one of norm up to
# $C\sqrt{d}$, here $d = 10$ weights. So for a cap $C$ on the gradient norm we compare `clip_norm=C` with
# `clip_value=C/sqrt(10)`: at the start every coordinate is clipped, and both steps then have length
# exactly $0.01\,C$. For each run we print the number of steps to convergence and the length of the path
# walked, the sum of the step lengths.

# %%
n_w = w0.size
header = f"{'cap C':>5} | {'by norm: steps':>14} {'path':>6} | "
print(header + f"{'by value: steps':>15} {'path':>6}")
contest = {}
for cap in (0.3, 1.0, 3.0):
    row = []
    for clip in ({"clip_norm": cap}, {"clip_value": cap / np.sqrt(n_w)}):
        r = minimize(chain, w0, SGD(lr=lr), max_steps=5000, gtol=1e-8, **clip)
        path = np.linalg.norm(np.diff(r.history.x, axis=0), axis=1).sum()
        row.append((r, path))
    contest[cap] = row
    (r_n, p_n), (r_v, p_v) = row
    print(f"{cap:5.1f} | {r_n.n_steps:14d} {p_n:6.3f} | {r_v.n_steps:15d} {p_v:6.3f}")

# %%
first = contest[1.0][0][0].history.x[1]
assert np.allclose(first, w0 - lr * clip_by_norm(g0, 1.0))  # the hand-clipped step
# no clipping: the blow-up check stops it at step 3 (rising-loss check clear at step 2)
f_start = plain.history.loss[0]
assert plain.status == "diverged" and "(blow-up check)" in plain.message
assert plain.n_steps == 3 and plain.fun > 1e12 * f_start
assert plain.history.loss[2] - f_start < 0.8 * 1e3 * f_start
assert plain.fun_best == plain.history.loss[1]
assert np.all(plain.x_best == plain.history.x[1])
assert np.isclose(products[1], -6.12, atol=0.01)
assert np.isclose(products[2], -582, atol=1)
assert -4e32 < products[3] < -3e32 and 4e64 < plain.fun < 6e64
for (r_n, p_n), (r_v, p_v) in contest.values():
    assert r_n.converged and r_v.converged and max(r_n.fun, r_v.fun) < 1e-12
    assert np.isclose(np.prod(r_n.x), 1.0, atol=1e-6)
    assert 1.3 * r_n.n_steps < r_v.n_steps < 3 * r_n.n_steps
    assert 1.15 * p_n < p_v

# %% [markdown]
# With the gradient clipped, the same learning rate walks down the steep wall in short steps; near the
# solution the gradient is short anyway and clipping switches itself off. Both kinds of clipping rescue the
# run. With the same cap on the step, clipping by value needs 1.5 to 2.5 times as many steps as clipping
# by norm, for two reasons. Its first steps move every weight by the same amount, although
# the gradient says the small weights matter most, so it walks to a different solution along a path about
# a quarter longer (1.04 against 0.83). And once some coordinates drop below the threshold, a
# value-clipped gradient is shorter than the cap, while a norm-clipped one keeps the full length until the
# whole gradient is short. Both effects come from the changed direction, not from the threshold: at
# unmatched thresholds (say `clip_norm=1` against `clip_value=0.1`, a cap of about $0.32$) the step
# counts would mostly compare the caps.
#
# Clipping treats the symptom. The causes are fixed by initializations that keep the per-layer factors
# near one {cite:p}`glorot2010,he2015`, non-saturating activations such as ReLU, normalization layers that
# re-scale activations inside the network {cite:p}`ioffe2015`, and gated architectures for recurrences
# {cite:p}`hochreiter1997`.
#
# ## NaN and inf
#
# A diverging run rarely stops at a large number: floating point turns it into `inf` and then `nan`.
# Each has a few typical sources. We compute them under `np.errstate(all="ignore")`, which silences
# numpy's warnings (in a training loop you would rather *detect* the result than be warned).

# %%
with np.errstate(all="ignore"):
    big_exp = np.exp(np.float64(1000.0))
    cases = {
        "exp(1000)": big_exp,
        "inf - inf": big_exp - big_exp,
        "0 * inf": 0.0 * big_exp,
        "inf / inf": big_exp / big_exp,
        "log(0)": np.log(np.float64(0.0)),
        "sqrt(-1)": np.sqrt(np.float64(-1.0)),
    }
for name, v in cases.items():
    print(f"{name:<30} = {float(v)}")
nan = cases["inf - inf"]
print(f"nan == nan: {nan == nan}, nan < 1: {nan < 1}, nan > 1: {nan > 1}")
assert np.isinf(big_exp) and np.isnan(nan) and np.isneginf(cases["log(0)"])


# %% [markdown]
# The last line is why NaN is sneaky: every comparison with it is false. A loop that stops "when the loss
# increases" never stops on a NaN loss, and one NaN in the parameters spreads to everything computed from
# them. The fix is to test `np.isfinite` explicitly.
#
# Here is a loss written the naive way, $f(\theta) = \log(1 + e^{\theta^2})$, which is fine on paper. Its
# gradient is $2\theta\, e^{\theta^2} / (1 + e^{\theta^2})$, and once $\theta^2 > 709$ the exponential
# overflows, the loss becomes `inf` and the gradient `inf / inf = nan`. With a learning rate of $3$ the
# gradient is about $2\theta$ for $|\theta| \gtrsim 2$, so each step maps $\theta$ to about $-5\theta$, and
# that happens within three steps:


# %%
def naive_value(theta):
    return float(np.log(1.0 + np.exp(theta[0] ** 2)))


def naive_grad(theta):
    e = np.exp(theta[0] ** 2)
    return np.array([2.0 * theta[0] * e / (1.0 + e)])


res = minimize((naive_value, naive_grad), np.array([1.0]), SGD(lr=3.0), max_steps=100)
print("status:", res.status)
print("message:", res.message)
print(
    "steps accepted:",
    res.n_steps,
    "| last point",
    res.x,
    "| all finite:",
    bool(np.isfinite(res.x).all()),
)
print("loss along the run:", np.round(res.history.loss, 2))

# %%
f_start = res.history.loss[0]
assert res.status == "diverged" and np.isfinite(res.x).all() and np.isfinite(res.fun)
assert "(non-finite check)" in res.message and res.n_steps == 2
assert np.all(res.x == res.history.x[-1]) and res.fun_best == f_start
# the loss jumped to inf before the other two checks could fire
assert res.fun < 0.5 * 1e3 * max(1.0, f_start)
assert res.x[0] ** 2 < 709 < (-5 * res.x[0]) ** 2

# %% [markdown]
# `minimize` does not wait for the NaN to spread. After every step it applies three divergence checks,
# under `np.errstate(all="ignore")` so that no warning floods the output. With the starting scale
# $s = \max(1, |f_0|)$, they are
#
# - the *non-finite check*: the new point, the loss or the gradient norm is `inf` or `nan`; that point is
#   rejected;
# - the *blow-up check*: the loss exceeds $10^{12} s$, which catches a blow-up before it reaches `inf`
#   (the unclipped chain above);
# - the *rising-loss check*: the loss has risen more than $1000\, s$ above its start and sets a new high.
#
# The first check that fires stops the run with status `"diverged"`; the message names it and suggests a
# smaller learning rate or a gradient check (`gdlearn.check_grad`). `res.x` is the last accepted point and
# `res.x_best` the best one seen (here the
# start). This loss went from $287$ to `inf` in a single step, too fast for the other two checks, so the
# non-finite check fired and `res.x` is the point after two accepted steps. The real cure for this loss is
# a stable formula: `np.logaddexp(0, theta**2)` computes the same function without ever forming
# $e^{\theta^2}$.

# %%
with np.errstate(all="ignore"):
    print(
        "naive  log(1 + exp(theta^2)) at theta = 125:",
        float(np.log(1.0 + np.exp(125.0**2))),
    )
stable = float(np.logaddexp(0.0, 125.0**2))
print(f"stable logaddexp(0, theta^2)  at theta = 125: {stable:.1f}")
assert np.isfinite(np.logaddexp(0.0, 125.0**2))

# %% [markdown]
# ## Key points
#
# - The gradient of an early layer is a product of one Jacobian per layer above it; its size changes
#   geometrically with depth.
# - $\sigma'(z) \le \tfrac14$: in a 12-hidden-layer sigmoid network the first layer's gradient was about
#   $10^{-8}$ of the last layer's. ReLU with He initialization kept all layers within a factor of three.
# - Large weights (or a recurrence with spectral radius above one) make gradients explode: standard
#   deviation 3 gave a gradient norm near $10^{5}$ in a tanh network with 10 hidden layers.
# - Clipping by norm shortens the gradient and keeps its direction (cosine $1$); clipping by value changes
#   the direction. Both can rescue a run that otherwise diverges; neither fixes the cause. With the same
#   cap on the step length, clipping by value took 1.5 to 2.5 times as many steps here.
# - `inf` comes from overflow (`exp`) and `log(0)`; `nan` from `inf - inf`, `0 * inf`, `inf / inf`. NaN
#   fails every comparison, so test with `np.isfinite`. `gdlearn`'s three divergence checks (non-finite,
#   blow-up, rising loss) stop a run with `"diverged"`, name the check, and keep the last accepted point and
#   the best one.
#
# ## Exercises
#
# ```{exercise} Depth and the vanishing factor
# :label: ex-vanish-depth
# Build sigmoid networks (Xavier init) with 2, 4, 8 and 12 hidden layers of width 32 on the data of this
# chapter. How does the first-layer / last-layer ratio depend on the depth? Is the decay geometric?
# ```
#
# ```{solution-start} ex-vanish-depth
# :class: dropdown
# ```

# %%
depth_ratio = {}
for n_hidden in (2, 4, 8, 12):
    net = MLP(X, y, hidden=(width,) * n_hidden, activation="sigmoid")
    g = net.layer_grad_norms(net.init(np.random.default_rng(SEED + 1)))
    depth_ratio[n_hidden] = g[0] / g[-1]
    print(
        f"{n_hidden:2d} hidden layers: ratio {depth_ratio[n_hidden]:.2e}, "
        f"per layer {depth_ratio[n_hidden] ** (1 / n_hidden):.3f}"
    )
values = list(depth_ratio.values())
assert np.all(np.diff(values) < 0)

# %% [markdown]
# The ratio falls by roughly the same factor, about $0.2$, for every added layer (the printed factors lie
# between $0.17$ and $0.23$): the decay is geometric in the depth, as the product of Jacobians predicts.
#
# ```{solution-end}
# ```
#
# ```{exercise} One large coordinate
# :label: ex-vanish-clip
# Take $g = (100, 1, 1)$ and clip it to $C = 1$ by value and by norm. Compute the angle between each result
# and $g$ in degrees. Which of the two sends the step mostly along the direction the gradient says is
# steepest?
# ```
#
# ```{solution-start} ex-vanish-clip
# :class: dropdown
# ```

# %%
g = np.array([100.0, 1.0, 1.0])
for name, gc in (
    ("by value", clip_by_value(g, 1.0)),
    ("by norm", clip_by_norm(g, 1.0)),
):
    angle = np.degrees(np.arccos(np.clip(cosine(g, gc), -1.0, 1.0)))
    print(f"{name:>8}: {gc}, angle to g = {angle:.1f} degrees")
assert np.degrees(np.arccos(cosine(g, clip_by_value(g, 1.0)))) > 50

# %% [markdown]
# Clipping by value gives $(1, 1, 1)$, about $54°$ away from $g$: the two tiny coordinates now weigh as
# much as the dominant one. Clipping by norm keeps the direction ($0°$) and only shortens the vector.
#
# ```{solution-end}
# ```
#
# ```{exercise} Does tanh vanish?
# :label: ex-vanish-tanh
# Repeat the layer-by-layer measurement with $\tanh$ units and Xavier initialization (12 hidden layers of
# width 32). Is the first-layer gradient orders of magnitude smaller than the last, as with the sigmoid?
# ```
#
# ```{solution-start} ex-vanish-tanh
# :class: dropdown
# ```

# %%
net = MLP(X, y, hidden=(width,) * depth, activation="tanh")
g = net.layer_grad_norms(
    net.init(np.random.default_rng(SEED + 1), scheme="xavier_normal")
)
print("tanh layer gradient norms:", g)
print(f"first / last = {g[0] / g[-1]:.3f}")
assert 0.1 < g[0] / g[-1] < 10

# %% [markdown]
# No. Near zero $\tanh'(z) \approx 1$, so with Xavier's scale the per-layer factor stays close to one and
# the first layer gets a gradient of the same order as the last. This is the case Glorot and Bengio's
# initialization was derived for. Large inputs would saturate $\tanh$ and bring the problem back.
#
# ```{solution-end}
# ```
#
# ```{exercise} The gradient through D linear layers
# :label: ex-vanish-linear
# Take a network of $D$ linear layers ($\phi(z) = z$, no biases) whose weight matrices are
# $W_j = a\, Q_j$, with $a > 0$ and each $Q_j$ orthogonal. Starting from the recursion
# $e_{j-1} = (e_j W_j^\top) \odot \phi'(z_{j-1})$, derive $\|e_1\|$ in terms of
# $\|e_D\|$, $a$ and $D$. For which $a$ does the first layer receive a signal as large as the last
# one? Check the formula numerically for $D = 12$ layers of width 16.
# ```
#
# ```{solution-start} ex-vanish-linear
# :class: dropdown
# ```
#
# With $\phi(z) = z$ every $\phi'$ is $1$, so each factor $S_{j-1}$ is the identity and the recursion reads
# $e_{j-1} = e_j W_j^\top = a\, e_j Q_j^\top$. An orthogonal matrix keeps the length of
# every vector, $\|e_j Q_j^\top\| = \|e_j\|$, so each step down multiplies the norm by exactly
# $a$:
#
# $$
# \|e_{j-1}\| = a\,\|e_j\|
# \quad\Longrightarrow\quad
# \|e_1\| = a^{D-1}\,\|e_D\| .
# $$
#
# The gradient vanishes geometrically for $a < 1$, explodes for $a > 1$, and keeps its size only for
# $a = 1$: the bound of the first section holds with equality here. (Orthogonal initialization of deep
# linear networks is built on this fact.) The check multiplies a random row vector through the $D - 1$
# transposed matrices:

# %%
D_lin, width_lin = 12, 16
rng_lin = np.random.default_rng(SEED + 2)
Qs = [
    np.linalg.qr(rng_lin.normal(size=(width_lin, width_lin)))[0] for _ in range(D_lin)
]
e_D = rng_lin.normal(size=width_lin)
for a in (0.8, 1.0, 1.25):
    e = e_D
    for j in range(D_lin, 1, -1):  # layers D, D - 1, ..., 2
        e = e @ (a * Qs[j - 1]).T
    ratio = np.linalg.norm(e) / np.linalg.norm(e_D)
    predicted = a ** (D_lin - 1)
    print(f"a = {a:4.2f}: |e_1|/|e_D| = {ratio:.4g}, a^(D-1) = {predicted:.4g}")
    assert np.isclose(ratio, predicted, rtol=1e-10)

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The difficulty of learning long-range dependencies with gradients was analysed by {cite:t}`bengio1994`
# and motivated the LSTM {cite:p}`hochreiter1997`; {cite:t}`pascanu2013` connected exploding gradients to
# the spectral radius and proposed clipping by norm. Variance-preserving initializations are due to
# {cite:t}`glorot2010` and {cite:t}`he2015`, and batch normalization to {cite:t}`ioffe2015`. Full entries are
# in the {doc}`../appendix/bibliography`.
