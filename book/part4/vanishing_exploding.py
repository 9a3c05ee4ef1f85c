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
# A fully connected layer $l$ computes $z_l = h_{l-1} W_l + b_l$ and $h_l = \phi(z_l)$, with $h_0$ the
# input. Write $\delta_l = \partial J / \partial z_l$ for the error signal that backpropagation carries
# down. The chain rule gives one step down the network,
#
# $$
# \delta_{l-1} = \left(\delta_l W_l^\top\right) \odot \phi'(z_{l-1}),
# \qquad \frac{\partial J}{\partial W_l} = h_{l-1}^\top \delta_l ,
# $$
#
# and so, for one example (a row vector), the signal at layer $1$ of an $L$-layer network is a product of
# $L - 1$ Jacobians:
#
# $$
# \begin{aligned}
# \delta_1 &= \delta_L \prod_{l=L}^{2} W_l^\top D_{l-1},
# \qquad D_{l} = \operatorname{diag}\bigl(\phi'(z_{l})\bigr), \\
# \|\delta_1\| &\le \|\delta_L\| \prod_{l=2}^{L} \|W_l\|\,\max_i |\phi'(z_{l-1,i})| .
# \end{aligned}
# $$
#
# The bound is a product of $L-1$ factors, and their size sets the behaviour. Factors below one make the
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
# `MLP.layer_grad_norms(params)` returns $\|\partial J / \partial W_l\|$ for every layer. We build two
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
for l in range(depth + 1):
    print(f"{l + 1:>5} " + " ".join(f"{g[l]:22.3e}" for g in norms.values()))
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
ax.set_xlabel("layer l (1 = next to the input)")
ax.set_ylabel(r"gradient norm $\|\partial J/\partial W_l\|$")
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
# factor per layer is the $(L-1)$-th root of the ratio:

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
# $h_t = W h_{t-1}$, the skeleton of a recurrent network: $\partial h_T / \partial h_0 = W^T$ (the $T$-th
# power), whose norm grows or shrinks like $\rho(W)^T$ with $\rho$ the spectral radius
# {cite:p}`pascanu2013`. We take $W = \rho\, Q$ with $Q$ a random orthogonal matrix, so that
# $\|W^T\|_2 = \rho^T$ exactly.

# %%
Q, _ = np.linalg.qr(rng.normal(size=(16, 16)))
print(f"{'rho':>5} {'T = 10':>10} {'T = 50':>10} {'T = 100':>10}")
for rho in (0.9, 1.0, 1.1):
    W = rho * Q
    growth = [np.linalg.norm(np.linalg.matrix_power(W, T), 2) for T in (10, 50, 100)]
    print(f"{rho:5.1f} " + " ".join(f"{v:10.3e}" for v in growth))
    assert np.allclose(growth, [rho**T for T in (10, 50, 100)], rtol=1e-8)


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
# - **by value**: $\tilde g_i = \min(\max(g_i, -c), c)$ for every coordinate. The large entries are cut
#   and the small ones kept, so the *direction* changes.
# - **by norm**: $\tilde g = g \cdot \min\left(1, c / \|g\|\right)$. The whole vector is shrunk, so the
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


def clip_by_value(g, c):
    return np.clip(g, -c, c)


def clip_by_norm(g, c):
    return g * min(1.0, c / np.linalg.norm(g))


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
# Its first step with norm clipping is exactly our hand-clipped step:

# %%
lr = 0.01
chain = (chain_value, chain_grad)
runs = {
    "no clipping": minimize(chain, w0, SGD(lr=lr), max_steps=2000, gtol=1e-8),
    "clip_norm=1": minimize(
        chain, w0, SGD(lr=lr), max_steps=2000, gtol=1e-8, clip_norm=1.0
    ),
    "clip_value=0.1": minimize(
        chain, w0, SGD(lr=lr), max_steps=2000, gtol=1e-8, clip_value=0.1
    ),
}
for name, res in runs.items():
    loss = "below 1e-12" if res.converged else f"{res.fun:.2e}"
    print(
        f"{name:>15}: {res.status:>9} after {res.n_steps:4d} steps, "
        f"product of weights {np.prod(res.x):.4f}, loss {loss}"
    )

# %%
assert np.allclose(runs["clip_norm=1"].history.x[1], w0 - lr * clip_by_norm(g0, 1.0))
assert runs["no clipping"].status == "diverged"
assert runs["clip_norm=1"].converged
assert np.isclose(np.prod(runs["clip_norm=1"].x), 1.0, atol=1e-6)
assert runs["clip_value=0.1"].converged
assert all(res.fun < 1e-12 for res in runs.values() if res.converged)

# %% [markdown]
# Without clipping, the first step ($0.01$ times a gradient of norm about $1270$) overshoots by far: two
# steps later the product of the weights is about $-582$. The third step makes the loss explode, and the
# loop stops with `"diverged"`. With the gradient clipped to norm one, the same learning rate walks down
# the steep wall in small steps. Near the solution the gradient is short anyway and clipping switches
# itself off. Clipping by value also rescues this run, but along a different path (and, with the
# threshold used here, in four times as many steps), because it changed the directions.
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
# Here is a loss written the naive way, $f(x) = \log(1 + e^{x^2})$, which is fine on paper. Its gradient
# is $2x\, e^{x^2} / (1 + e^{x^2})$, and once $x^2 > 709$ the exponential overflows, the loss becomes
# `inf` and the gradient `inf / inf = nan`. With a learning rate of $3$ the gradient is about $2x$ for
# $|x| \gtrsim 2$, so each step maps $x$ to about $-5x$, and that happens within three steps:


# %%
def naive_value(x):
    return float(np.log(1.0 + np.exp(x[0] ** 2)))


def naive_grad(x):
    e = np.exp(x[0] ** 2)
    return np.array([2.0 * x[0] * e / (1.0 + e)])


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
assert res.status == "diverged" and np.isfinite(res.x).all() and np.isfinite(res.fun)

# %% [markdown]
# `minimize` checks three things after every step, under `np.errstate(all="ignore")` so that no warning
# floods the output. It checks that the new point is finite; that the loss and the gradient norm there are
# finite; and that the loss has not grown beyond $10^{12}\max(1, |f_0|)$, which catches a blow-up before it
# reaches `inf`. If any check fails, it rejects the step, stops with status `"diverged"` and returns the last
# point whose loss and gradient were finite, here the point after two accepted steps. The real cure for this
# loss is a stable formula: `np.logaddexp(0, x**2)` computes the same function without ever forming
# $e^{x^2}$.

# %%
with np.errstate(all="ignore"):
    print(
        f"naive  log(1 + exp(x^2)) at x = 125: {float(np.log(1.0 + np.exp(125.0**2)))}"
    )
print(f"stable logaddexp(0, x^2)  at x = 125: {float(np.logaddexp(0.0, 125.0**2)):.1f}")
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
#   the direction. Both can rescue a run that otherwise diverges; neither fixes the cause.
# - `inf` comes from overflow (`exp`) and `log(0)`; `nan` from `inf - inf`, `0 * inf`, `inf / inf`. NaN
#   fails every comparison, so test with `np.isfinite`. `gdlearn` stops with `"diverged"` and keeps the last
#   finite point.
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
# Take $g = (100, 1, 1)$ and clip it to $c = 1$ by value and by norm. Compute the angle between each result
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
# ## References
#
# The difficulty of learning long-range dependencies with gradients was analysed by {cite:t}`bengio1994`
# and motivated the LSTM {cite:p}`hochreiter1997`; {cite:t}`pascanu2013` connected exploding gradients to
# the spectral radius and proposed clipping by norm. Variance-preserving initializations are due to
# {cite:t}`glorot2010` and {cite:t}`he2015`, and batch normalization to {cite:t}`ioffe2015`. Full entries are
# in the {doc}`../appendix/bibliography`.
