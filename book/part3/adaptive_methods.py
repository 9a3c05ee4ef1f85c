# %% [markdown]
# # Adaptive methods: AdaGrad, RMSProp, AdaDelta, Adam, AdamW, AMSGrad
#
# Gradient descent and momentum use one learning rate for every parameter. That is a poor fit when the
# parameters live on different scales: a step that is safe for the steepest coordinate crawls along the
# flattest. **Adaptive methods** give every coordinate its own step size, computed from the history of that
# coordinate's gradients. This chapter writes the family from scratch, one short rule at a time, and checks
# each against `gdlearn`: AdaGrad, RMSProp, AdaDelta, Adam with its bias correction, AMSGrad and AdamW. On the
# way it measures three details that change results in practice: where the small constant $\varepsilon$ goes,
# what bias correction repairs, and why weight decay in Adam is not the same as AdamW's decoupled decay. It ends
# with a comparison on a real classification problem.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write AdaGrad, RMSProp, AdaDelta, Adam, AMSGrad and AdamW in a few lines of numpy, and check them against a library;
# - explain why Adam divides its moments by $1 - \beta_1^k$ and $1 - \beta_2^k$, and predict the size of the first steps without it;
# - tell where $\varepsilon$ enters Adam's update in PyTorch and elsewhere, and when that matters;
# - explain why an L2 penalty in Adam decays coordinates unevenly while AdamW decays them all at the same rate;
# - compare optimizers fairly on a real problem: same data, same seeds, tuned step sizes, a target loss.
# ```
#
# The symbols follow the book's {doc}`../notation`: $\theta$ are the parameters, $g_k$ the gradient at step $k$, $\alpha$ the
# learning rate, $\beta_1$ and $\beta_2$ the decays of the moving averages, $m_k$ and $v_k$ the averages of the
# gradient and of its square, $\varepsilon$ the stability constant and $\nu$ the weight decay. As in the Adam paper,
# the steps are counted from 1 here: $g_k$ is the $k$-th gradient, taken at $\theta_{k-1}$, and the update makes
# $\theta_k$ from it.

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import minimize as scipy_minimize
from sklearn.datasets import load_digits
from threadpoolctl import threadpool_limits

import gdlearn
from gdlearn.data import add_bias, standardize
from gdlearn.loop import fit, minimize
from gdlearn.models import SoftmaxRegression
from gdlearn.objectives import Quadratic, Rosenbrock
from gdlearn.optim import SGD, AdaDelta, AdaGrad, Adam, AdamW, RMSProp
from gdlearn.plot import use_book_style

# The matrices in this chapter are tiny: one BLAS thread is faster than several, and the
# results then do not depend on the machine's thread count.
threadpool_limits(limits=1)
use_book_style()
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## One step size per coordinate
#
# Take the badly scaled bowl $f(\theta) = \tfrac12(0.01\,\theta_1^2 + 100\,\theta_2^2)$, condition number $10^4$, and start at
# $(1, 1)$. Gradient descent needs $\alpha < 2/100$ to stay stable in $\theta_2$, and with such a step it moves $\theta_1$ by
# a factor $1 - 0.01\alpha$ per step: it hardly moves at all. Adam, the best known adaptive method, divides each
# coordinate's gradient by a running estimate of its size, so both coordinates move by about the learning rate:

# %%
bowl = Quadratic([0.01, 100.0])
x_start = np.array([1.0, 1.0])
# gtol=None: all 300 steps, without minimize's default stop at a gradient norm of 1e-5
res_gd = minimize(bowl, x_start, SGD(lr=0.019), max_steps=300, gtol=None)
res_adam = minimize(bowl, x_start, Adam(lr=0.05), max_steps=300, gtol=None)
for name, res in [("GD, lr 0.019", res_gd), ("Adam, lr 0.05", res_adam)]:
    step1 = res.history.x[1] - x_start
    print(f"{name:<14} first step ({step1[0]:+.4f}, {step1[1]:+.4f})")
print(
    f"after 300 steps: GD x_1 = {res_gd.x[0]:.2f}, f = {res_gd.fun:.2g};  "
    f"Adam f < 1e-10: {res_adam.fun < 1e-10}"
)
path_adam = res_adam.history.x
lockstep = np.abs(path_adam[:, 0] - path_adam[:, 1]).max()
print("Adam: the two coordinates agree to 1e-5 along the whole path:", lockstep < 1e-5)

# %%
assert lockstep < 1e-5
assert res_adam.fun < 1e-10 and res_gd.fun > 1e-3

# %% [markdown]
# Adam moves the two coordinates in lockstep: coordinate $i$'s gradient is $\lambda_i \theta_i$, and Adam's update does
# not change when a coordinate's gradient is multiplied by a positive constant (as long as the gradient is large compared with
# $\varepsilon = 10^{-8}$), so the curvatures $0.01$ and $100$ cancel out.
# That invariance is the whole idea: dividing by a per-coordinate scale is a *diagonal preconditioner*, a cheap
# stand-in for the Hessian's curvatures (Hessian, eigenvalues and condition number are defined in the second-order
# sections of {doc}`../part2/derivatives_and_gradients`). It holds along the coordinate axes only; exercise 2 tilts the bowl.
#
# The methods below differ in how they estimate "the size of the gradient" of a coordinate. Each is written from
# scratch and then run against the `gdlearn` class for 20 steps on Rosenbrock's function from $(-1.2, 1)$; the
# iterates must agree to rounding error. All operations on vectors are element-wise.

# %%
rosen = Rosenbrock()
r0 = np.array([-1.2, 1.0])
N_CHECK = 20


def run_scratch(update, state, x0=r0, steps=N_CHECK, grad=rosen.grad):
    """Iterate x <- update(x, grad(x), state, t) for t = 1..steps; return all
    iterates."""
    xs = [np.array(x0, dtype=float)]
    for t in range(1, steps + 1):
        xs.append(update(xs[-1], grad(xs[-1]), state, t))
    return np.array(xs)


def same_as_gdlearn(name, scratch, optimizer):
    """Run the gdlearn optimizer for the same number of steps and compare the
    iterates."""
    lib = minimize(rosen, r0, optimizer, max_steps=len(scratch) - 1).history.x
    same = np.allclose(scratch, lib, rtol=1e-10, atol=1e-12)
    print(
        f"{name:<9} x_20 = {scratch[-1]}, same iterates as gdlearn (to 1e-10): {same}"
    )
    assert same


# %% [markdown]
# ## AdaGrad: divide by the root of the sum of squares
#
# AdaGrad {cite:p}`duchi2011` keeps, for each coordinate, the sum of all squared gradients so far and divides the
# step by its square root:
#
# $$
# \begin{aligned}
# s_k &= s_{k-1} + g_k^2, \qquad s_0 = 0, \\
# \theta_k &= \theta_{k-1} - \alpha\,\frac{g_k}{\sqrt{s_k} + \varepsilon} .
# \end{aligned}
# $$
#
# A coordinate with large gradients gets a small step, one with rare or small gradients a large one, which made
# AdaGrad popular for sparse features. The price: $s_k$ only grows, so every step size decays (like $1/\sqrt k$
# for gradients of constant size) and long runs stall.


# %%
def adagrad_update(x, g, s, t, lr=0.1, eps=1e-10):
    s["sum"] = s["sum"] + g**2
    return x - lr * g / (np.sqrt(s["sum"]) + eps)


path = run_scratch(adagrad_update, {"sum": np.zeros(2)})
same_as_gdlearn("AdaGrad", path, AdaGrad(lr=0.1))


# %% [markdown]
# ## RMSProp: forget old gradients
#
# RMSProp {cite:p}`tieleman2012` replaces the sum by an exponential moving average, so that old gradients are
# forgotten and the step size can grow again:
#
# $$
# \begin{aligned}
# v_k &= \beta_2\, v_{k-1} + (1 - \beta_2)\, g_k^2, \qquad v_0 = 0, \\
# \theta_k &= \theta_{k-1} - \alpha\,\frac{g_k}{\sqrt{v_k} + \varepsilon} .
# \end{aligned}
# $$
#
# $\sqrt{v_k}$ is a running root mean square of the gradient. (PyTorch and `gdlearn` call the decay $\beta_2$ `alpha`,
# default 0.99, and the learning rate `lr`.)


# %%
def rmsprop_update(x, g, s, t, lr=0.01, rho=0.99, eps=1e-8):
    s["v"] = rho * s["v"] + (1 - rho) * g**2
    return x - lr * g / (np.sqrt(s["v"]) + eps)


path = run_scratch(rmsprop_update, {"v": np.zeros(2)})
same_as_gdlearn("RMSProp", path, RMSProp(lr=0.01, alpha=0.99))


# %% [markdown]
# ## AdaDelta: a step with the right units
#
# {cite:t}`zeiler2012` noticed that in $\alpha\, g/\sqrt{v}$ the units do not work out: if $\theta$ is in metres, $g$
# is in "loss per metre" and $g/\sqrt v$ has no units at all, so $\alpha$ must carry metres. AdaDelta puts a
# running RMS of past *updates* in the numerator, so the step is in the units of $\theta$ and no learning rate is needed:
#
# $$
# \begin{aligned}
# v_k &= \beta_2 v_{k-1} + (1-\beta_2)\, g_k^2, \\
# \Delta_k &= \frac{\sqrt{u_{k-1} + \varepsilon}}{\sqrt{v_k + \varepsilon}}\, g_k, \\
# u_k &= \beta_2 u_{k-1} + (1-\beta_2)\,\Delta_k^2, \\
# \theta_k &= \theta_{k-1} - \alpha\,\Delta_k ,
# \end{aligned}
# $$
#
# with $v_0 = u_0 = 0$ and $\alpha = 1$ in the paper (PyTorch keeps an optional `lr`; AdaDelta's paper calls the decay
# $\rho$, PyTorch `rho`). Since $u_0 = 0$, the first steps have size about
# $\sqrt\varepsilon/\sqrt{1-\beta_2}$ whatever the gradient, so AdaDelta starts very slowly (exercise 3 measures it).


# %%
def adadelta_update(x, g, s, t, lr=1.0, rho=0.9, eps=1e-6):
    s["v"] = rho * s["v"] + (1 - rho) * g**2
    delta = np.sqrt(s["u"] + eps) / np.sqrt(s["v"] + eps) * g
    s["u"] = rho * s["u"] + (1 - rho) * delta**2
    return x - lr * delta


path = run_scratch(adadelta_update, {"v": np.zeros(2), "u": np.zeros(2)})
same_as_gdlearn("AdaDelta", path, AdaDelta(lr=1.0, rho=0.9))


# %% [markdown]
# ## Adam: momentum plus RMSProp, with bias correction
#
# Adam {cite:p}`kingma2015` keeps two moving averages per coordinate, of the gradient (the first moment, a momentum)
# and of its square (the second moment, as in RMSProp):
#
# $$
# \begin{aligned}
# m_k &= \beta_1 m_{k-1} + (1 - \beta_1)\, g_k, \\
# v_k &= \beta_2 v_{k-1} + (1 - \beta_2)\, g_k^2, \qquad m_0 = v_0 = 0 .
# \end{aligned}
# $$
#
# $m_k$ is the momentum buffer of {doc}`momentum` kept as an average: with the factor $1 - \beta_1$ it averages the
# gradients instead of summing them, so its size is that of one gradient.
#
# Because both start at zero they are biased towards zero early on. Unrolling the recursion,
# $m_k = (1 - \beta_1)\sum_{i=1}^k \beta_1^{k-i} g_i$; if the gradients have a constant mean $\bar g$ then
# $\mathbb E[m_k] = (1 - \beta_1^k)\,\bar g$, and likewise $\mathbb E[v_k] = (1 - \beta_2^k)\,\overline{g^2}$. Dividing by
# these factors removes the bias:
#
# $$
# \begin{aligned}
# \hat m_k &= \frac{m_k}{1 - \beta_1^k}, \qquad \hat v_k = \frac{v_k}{1 - \beta_2^k}, \\
# \theta_k &= \theta_{k-1} - \alpha\,\frac{\hat m_k}{\sqrt{\hat v_k} + \varepsilon} .
# \end{aligned}
# $$
#
# The defaults are $\alpha = 10^{-3}$, $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$. With **AMSGrad**
# {cite:p}`reddi2018` the denominator uses the running maximum of $v_k$ instead of $v_k$ itself (PyTorch takes the maximum
# of the raw $v_k$, then bias-corrects it). With **AdamW** {cite:p}`loshchilov2019` a weight-decay factor
# $1 - \alpha\nu$ multiplies $\theta_{k-1}$ before the Adam step. That is PyTorch's convention, and `gdlearn`'s:
# the decay is scaled by the learning rate, $\alpha\nu$. The AdamW paper writes the learning rate as
# $\alpha\,\eta_k$, a base rate $\alpha$ times a schedule multiplier $\eta_k$, and decays by
# $\eta_k\nu$: the schedule multiplier times the decay, without $\alpha$. So the paper's $\nu$ equals
# PyTorch's $\nu$ times $\alpha$, and with a schedule both shrink the decay together with the step.
# All three, from scratch:


# %%
def adam_update(
    x, g, s, t, lr=0.1, b1=0.9, b2=0.999, eps=1e-8, amsgrad=False, decoupled_wd=0.0
):
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    v = s["v"]
    if amsgrad:
        s["vmax"] = np.maximum(s["vmax"], s["v"])
        v = s["vmax"]
    m_hat = s["m"] / (1 - b1**t)
    v_hat = v / (1 - b2**t)
    x = x * (1 - lr * decoupled_wd)  # AdamW: decay first (nothing when 0)
    return x - lr * m_hat / (np.sqrt(v_hat) + eps)


def fresh():
    return {"m": np.zeros(2), "v": np.zeros(2), "vmax": np.zeros(2)}


same_as_gdlearn("Adam", run_scratch(adam_update, fresh()), Adam(lr=0.1))
same_as_gdlearn(
    "AMSGrad",
    run_scratch(lambda x, g, s, t: adam_update(x, g, s, t, amsgrad=True), fresh()),
    Adam(lr=0.1, amsgrad=True),
)
same_as_gdlearn(
    "AdamW",
    run_scratch(lambda x, g, s, t: adam_update(x, g, s, t, decoupled_wd=0.5), fresh()),
    AdamW(lr=0.1, weight_decay=0.5),
)

# %% [markdown]
# Six rules, six matches. (On these 20 steps $v_k$ only grows, so AMSGrad coincides with Adam; the AMSGrad section
# below checks the two on gradients where the maximum matters.) The next sections look at details of Adam that the
# formulas hide.
#
# ### Two relatives: AdaMax and NAdam
#
# The Adam paper also proposes **AdaMax** {cite:p}`kingma2015`, which replaces the root mean square in the
# denominator by an exponentially weighted maximum of $|g_k|$, written $v^\infty_k$ here (the limit of an
# $L^p$ average as $p \to \infty$; the paper's $u_k$), and needs no $\varepsilon$ and no second bias correction:
#
# $$
# \begin{aligned}
# v^\infty_k &= \max\big(\beta_2 v^\infty_{k-1},\ |g_k|\big), \qquad v^\infty_0 = 0, \\
# \theta_k &= \theta_{k-1} - \frac{\alpha}{1 - \beta_1^k}\,\frac{m_k}{v^\infty_k}
# \end{aligned}
# $$
#
# (paper's default $\alpha = 0.002$). **NAdam** {cite:p}`dozat2016` puts Nesterov's look-ahead into Adam: instead
# of the bias-corrected momentum $\hat m_k$ it steps along the momentum one step ahead, which mixes the next
# step's share of the current momentum with the current gradient,
#
# $$
# \begin{aligned}
# \bar m_k &= \frac{\beta_1\, m_k}{1 - \beta_1^{k+1}} + \frac{(1 - \beta_1)\, g_k}{1 - \beta_1^{k}}, \\
# \theta_k &= \theta_{k-1} - \alpha\,\frac{\bar m_k}{\sqrt{\hat v_k} + \varepsilon} ,
# \end{aligned}
# $$
#
# with $m_k$, $v_k$ and $\hat v_k$ as in Adam. This is the form with a constant $\beta_1$ (optax's `nadam`);
# Dozat's paper, and PyTorch's `NAdam`, also let $\beta_1$ vary with $k$ (PyTorch's `momentum_decay`). Under a
# constant gradient $\bar m_k \to \beta_1 g + (1 - \beta_1) g = g$, so late steps have length $\alpha$ as in Adam; the
# first steps are longer (exercise 4).
#
# ## Bias correction, measured
#
# Feed Adam a constant gradient $g$. Then $\hat m_k = g$ and $\hat v_k = g^2$ exactly, and every step has length
# $\alpha$ (up to $\varepsilon$). Without the correction the step is
#
# $$
# \alpha\,\frac{m_k}{\sqrt{v_k}} = \alpha\,\frac{(1 - \beta_1^k)\, g}{\sqrt{1 - \beta_2^k}\;|g|} ,
# $$
#
# so the first step has length
#
# $$
# \alpha\,\frac{1 - \beta_1}{\sqrt{1 - \beta_2}} = 3.16\,\alpha
# $$
#
# for the default betas. The first moment alone would make the step 10 times too small, the second moment alone
# $\sqrt{1000} \approx 31.6$ times too large; together the steps are too large, and since $\beta_2^k$ decays much more
# slowly than $\beta_1^k$, the excess *grows* at first. Step lengths from `gdlearn`, both ways, on $f(\theta) = \theta$
# (gradient 1):

# %%
linear = (lambda x: float(x[0]), lambda x: np.ones(1))
b1, b2 = 0.9, 0.999
runs_bc = {
    bc: minimize(linear, np.zeros(1), Adam(lr=1.0, bias_correction=bc), max_steps=1000)
    for bc in (True, False)
}
step_len = {bc: -np.diff(res.history.x[:, 0]) for bc, res in runs_bc.items()}
print(f"{'step k':>6}{'corrected':>11}{'uncorrected':>13}{'(1-b1^t)/sqrt(1-b2^t)':>24}")
for t in [1, 2, 3, 5, 10, 20, 50, 100, 1000]:
    predicted = (1 - b1**t) / np.sqrt(1 - b2**t)
    print(
        f"{t:6d}{step_len[True][t - 1]:11.4f}"
        f"{step_len[False][t - 1]:13.4f}{predicted:24.4f}"
    )
    assert np.isclose(step_len[False][t - 1], predicted, rtol=1e-6)
    assert np.isclose(step_len[True][t - 1], 1.0, rtol=1e-6)
t_peak = int(np.argmax(step_len[False])) + 1
print(f"largest uncorrected step: {step_len[False].max():.2f} x lr, at step {t_peak}")


# %% [markdown]
# With the correction every step is exactly the learning rate. Without it the first step is 3.16 times too long and
# the steps keep growing for about a dozen steps, peaking near 6.6 times the learning rate, before the excess fades
# over the next thousand steps. In a real run those early steps are taken where the model is furthest from
# any minimum, with the largest gradients; with $\beta_2$ closer to 1 (recommended for sparse gradients) the excess is
# larger still. That is why Kingma and Ba made the correction part of the method.
#
# ## Where ε goes
#
# $\varepsilon$ is there to avoid dividing by zero, and with ordinary gradients it does not matter where it is added. When
# gradients are tiny it does. Three placements are in use:
#
# - **after the square root and the bias correction**, $\hat m_k / (\sqrt{\hat v_k} + \varepsilon)$: the paper's Algorithm 1,
#   PyTorch and `gdlearn`;
# - **before the bias correction**, $\alpha_k\, m_k/(\sqrt{v_k} + \hat\varepsilon)$ with $\alpha_k = \alpha\sqrt{1 - \beta_2^k}/(1 - \beta_1^k)$:
#   the "more efficient" ordering of the paper's Section 2, used by TensorFlow/Keras; with $\hat\varepsilon = \varepsilon$ the
#   effective $\varepsilon$ is $\varepsilon/\sqrt{1-\beta_2^k}$, up to 31.6 times larger in the first step;
# - **inside the square root**, $\hat m_k / \sqrt{\hat v_k + \varepsilon}$, as in some papers and as an option in others
#   (optax's `eps_root`): then $\varepsilon$ competes with $g^2$, not with $|g|$.
#
# Feed each a constant gradient $g$ and print the step length divided by the learning rate:


# %%
def adam_step_lengths(g, placement, steps=1000, b1=0.9, b2=0.999, eps=1e-8):
    """Step lengths / lr of Adam under a constant gradient g, for one placement of
    eps."""
    m = v = 0.0
    out = []
    for t in range(1, steps + 1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        if placement == "after":
            out.append(m_hat / (np.sqrt(v_hat) + eps))
        elif placement == "before":
            out.append(np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps))
        else:  # "inside"
            out.append(m_hat / np.sqrt(v_hat + eps))
    return np.array(out)


ts = [1, 10, 100, 1000]
print(
    f"{'gradient':>9}{'eps placement':>24}" + "".join(f"{'t=' + str(t):>9}" for t in ts)
)
lengths = {}
for g in [1.0, 1e-8]:
    for placement, label in [
        ("after", "after sqrt (PyTorch)"),
        ("before", "before correction"),
        ("inside", "inside sqrt"),
    ]:
        lengths[g, placement] = adam_step_lengths(g, placement)
        print(
            f"{g:9.0e}{label:>24}"
            + "".join(f"{lengths[g, placement][t - 1]:9.4f}" for t in ts)
        )

# gdlearn's Adam is the "after" placement: its step lengths under g = 1e-8
lib_tiny = minimize(
    (lambda x: 1e-8 * float(x[0]), lambda x: np.full(1, 1e-8)),
    np.zeros(1),
    Adam(lr=1.0),
    max_steps=1000,
    gtol=None,  # the gradient 1e-8 is below the default tolerance already at the start
).history.x[:, 0]

# %%
assert np.allclose(-np.diff(lib_tiny), lengths[1e-8, "after"], rtol=1e-9)
assert all(
    np.allclose(lengths[1.0, p], 1.0, atol=1e-6) for p in ("after", "before", "inside")
)

# %% [markdown]
# With $g = 1$ the three agree to six digits. With $g = 10^{-8}$, as for a weight that barely affects the loss or in
# a late phase of training, they differ by orders of magnitude: PyTorch's placement still takes half the
# learning rate, the before-correction placement starts 16 times smaller and approaches PyTorch's value only as
# $\beta_2^k$ decays, and the inside placement takes steps $10^{-4}$ times the learning rate, effectively freezing the
# coordinate. A learning rate or $\varepsilon$ copied from a paper that used another library can therefore behave
# differently. At the other extreme, a large $\varepsilon$ dominates the denominator and turns Adam into momentum SGD with
# step $\alpha/\varepsilon$; TensorFlow's documentation suggests $\varepsilon = 1$ or $0.1$ for some ImageNet models.
#
# ## AMSGrad: a denominator that never shrinks
#
# {cite:t}`reddi2018` showed that Adam can fail to converge even on a convex problem: when a large, informative
# gradient is rare, the moving average $v_k$ forgets it, the step size grows again, and the frequent small gradients
# pulling the wrong way win (exercise 1 replays their example). AMSGrad divides by the running *maximum* of $v_k$
# instead. Here is a gradient sequence with ten large gradients followed by small ones, and the step sizes of the
# two methods ($\beta_2 = 0.95$ to make the effect quick), with the from-scratch AMSGrad checked against `gdlearn` on
# the way:

# %%
g_seq = np.where(np.arange(1, 301) <= 10, 10.0, 0.1)  # gradients g_1..g_300
steps_seq = {}
for name, ams in [("Adam", False), ("AMSGrad", True)]:
    opt = Adam(lr=0.01, betas=(0.9, 0.95), amsgrad=ams)
    xs = [np.zeros(1)]
    for g in g_seq:
        xs.append(opt.step(xs[-1], np.array([g])))
    steps_seq[name] = np.abs(np.diff(np.concatenate(xs)))

# the from-scratch AMSGrad on the same gradients
# (here the maximum matters: v_t falls after step 10)
state, xs = {"m": np.zeros(1), "v": np.zeros(1), "vmax": np.zeros(1)}, [np.zeros(1)]
for t, g in enumerate(g_seq, start=1):
    xs.append(
        adam_update(xs[-1], np.array([g]), state, t, lr=0.01, b2=0.95, amsgrad=True)
    )
assert np.allclose(
    np.abs(np.diff(np.concatenate(xs))), steps_seq["AMSGrad"], rtol=1e-10
)
print(f"{'step k':>7}{'gradient':>10}{'Adam step':>12}{'AMSGrad step':>14}")
for t in [10, 11, 20, 50, 100, 200, 300]:
    print(
        f"{t:7d}{g_seq[t - 1]:10.1f}"
        f"{steps_seq['Adam'][t - 1]:12.5f}{steps_seq['AMSGrad'][t - 1]:14.5f}"
    )
assert steps_seq["Adam"][-1] > 5 * steps_seq["AMSGrad"][-1]

# %% [markdown]
# After the large gradients stop, Adam's denominator decays and by step 300 it again takes steps of nearly the full
# learning rate in response to gradients a hundred times smaller. AMSGrad remembers the large gradients and keeps its
# steps small. (In PyTorch's variant, which `gdlearn` follows, the maximum is divided by the bias correction
# $1 - \beta_2^k$, so early in a run the effective step can still grow a little; the maximum itself never decreases.) Whether AMSGrad helps in practice is disputed; its value is
# that it closes the hole in Adam's convergence proof.
#
# ## Weight decay: Adam with an L2 penalty versus AdamW
#
# For plain gradient descent, adding $\tfrac\nu2\|\theta\|^2$ to the loss and "decaying the weights" are the same thing:
# the gradient gains $\nu \theta$, and the step $\theta - \alpha(g + \nu \theta) = (1 - \alpha\nu)\theta - \alpha g$ shrinks every
# weight by the factor $1 - \alpha\nu$. In Adam they differ. With `Adam(weight_decay=ν)` the term $\nu \theta$ is added
# to the gradient and then divided by $\sqrt{\hat v_k}$ like everything else, so the decay of coordinate $i$ per step is
# about $\alpha\nu \theta_i / \sqrt{\hat v_{k,i}}$: **coordinates with a large gradient history are decayed less.**
# {cite:t}`loshchilov2019` argued that this is not what weight decay is meant to do and proposed AdamW, which shrinks
# $\theta$ by $1 - \alpha\nu$ outside the adaptive step, the same for every coordinate.
#
# A small experiment isolates the effect. 300 weights start at 1, in three groups of 100. The loss gives them no
# pull in any direction, only zero-mean gradient noise, like the minibatch noise of weights the data do not determine;
# the noise has standard deviation $0.01$, $1$ and $100$ in the three groups. With weight decay alone pulling
# them in, AdamW should shrink every group by $(1 - \alpha\nu)^K$ after $K$ steps.

# %%
rng = np.random.default_rng(2019)
noise_sd = np.repeat([0.01, 1.0, 100.0], 100)
lr_wd, nu_wd, T_wd = 0.01, 0.2, 500
noise = rng.standard_normal((T_wd, noise_sd.size)) * noise_sd

final_w, denominators = {}, {}
for name, opt in [
    ("Adam + L2", Adam(lr=lr_wd, weight_decay=nu_wd)),
    ("AdamW", AdamW(lr=lr_wd, weight_decay=nu_wd)),
]:
    w = np.ones(noise_sd.size)
    for t in range(T_wd):
        w = opt.step(w, noise[t])  # the optimizer adds (or applies) the decay itself
    final_w[name] = w.reshape(3, 100).mean(axis=1)
    denominators[name] = (
        np.sqrt(opt.state["exp_avg_sq"] / (1 - 0.999**T_wd))
        .reshape(3, 100)
        .mean(axis=1)
    )

predicted = (1 - lr_wd * nu_wd) ** T_wd
print(f"AdamW prediction (1 - lr*nu)^K = {predicted:.3f}")
print(
    f"{'noise s.d.':>12}{'Adam + L2: mean w':>20}"
    f"{'AdamW: mean w':>16}{'Adam + L2: sqrt(v_hat)':>24}"
)
for i, s in enumerate([0.01, 1.0, 100.0]):
    print(
        f"{s:12g}{final_w['Adam + L2'][i]:20.3f}"
        f"{final_w['AdamW'][i]:16.3f}{denominators['Adam + L2'][i]:24.3f}"
    )

# %%
assert np.allclose(final_w["AdamW"], predicted, atol=0.06)
assert final_w["Adam + L2"][0] < 0.05 and final_w["Adam + L2"][2] > 0.9

# %% [markdown]
# AdamW shrinks all three groups to about $(1 - \alpha\nu)^K = 0.37$, as promised, whatever their gradient noise.
# Adam with the L2 penalty does something quite different: the quiet group (standard deviation 0.01, where the penalty
# gradient $\nu \theta$ dominates and Adam normalizes it to a step of about $\alpha$) is driven to 0, the middle group happens to match AdamW because its $\sqrt{\hat v}$ is close to 1, and the noisy group
# ($\sqrt{\hat v} \approx 100$) is decayed a hundred times more slowly, so it keeps its initial size. In a network this means
# Adam's L2 penalty regularizes least the weights whose gradients are largest or noisiest. Loshchilov and Hutter found
# that the decoupled form also generalizes better, and AdamW has become the usual way to combine Adam with weight
# decay. (AdamW's $\nu$ is therefore not
# interchangeable with Adam's: the same number means a different strength.)
#
# ## A comparison on handwritten digits
#
# Kingma and Ba compared optimizers on L2-regularized multi-class logistic regression for MNIST, with step sizes decaying
# like $1/\sqrt k$. We do the same with constant step sizes and at a smaller scale with the 1797 8×8 digit images that ship with scikit-learn: 64 standardized pixel features plus a
# bias, 10 classes, softmax regression with penalty $\nu = 10^{-3}$ (so the loss has a finite minimum), minibatches of
# 120, 20 epochs, all from zero weights. (Why not 128? Since $1797 = 14 \cdot 128 + 5$, the last minibatch of every epoch
# would hold only 5 images, and its noisy full-size step would land just before each evaluation of the loss.) The minimum $f^\star$ is computed once with scipy's L-BFGS so that we can plot
# the **suboptimality** $f - f^\star$ of the full training loss on a log axis.

# %%
digits = load_digits()
X_digits, _, _ = standardize(digits.data)
X_digits = add_bias(X_digits)
model = SoftmaxRegression(X_digits, digits.target, l2=1e-3)
W0 = np.zeros(model.shape)

opt_result = scipy_minimize(
    lambda w: (
        model.value(w.reshape(model.shape)),
        model.grad(w.reshape(model.shape)).ravel(),
    ),
    W0.ravel(),
    jac=True,
    method="L-BFGS-B",
    options={"gtol": 1e-8, "maxiter": 1000},
)
f_star = float(opt_result.fun)
print(
    f"{model.n_samples} images, {model.n_features} features, {model.n_classes} classes"
)
grad_norm_star = np.linalg.norm(opt_result.jac)
print(
    f"minimum training loss f* = {f_star:.5f} (gradient norm there < 1e-4: "
    f"{grad_norm_star < 1e-4})"
)
assert grad_norm_star < 1e-4

# %% [markdown]
# Every method gets a constant step size chosen from a grid of three values a factor of about 3 apart, as the one
# with the lowest average training loss over the last five epochs. Momentum is 0.9 with Nesterov's correction;
# the adaptive methods keep their other defaults. Each run is repeated with three shuffling seeds and the curves
# are averaged. The search, and the runs with the chosen step sizes, are the same computation:

# %%
contenders = {  # optimizer factory, step sizes searched
    "SGD": (lambda lr: SGD(lr=lr), [1.0, 3.0, 10.0]),
    "SGD + Nesterov": (
        lambda lr: SGD(lr=lr, momentum=0.9, nesterov=True),
        [0.1, 0.3, 1.0],
    ),
    "AdaGrad": (lambda lr: AdaGrad(lr=lr), [0.1, 0.3, 1.0]),
    "RMSProp": (lambda lr: RMSProp(lr=lr), [0.003, 0.01, 0.03]),
    "Adam": (lambda lr: Adam(lr=lr), [0.01, 0.03, 0.1]),
}
SEEDS = [0, 1, 2]
EPOCHS, BATCH = 20, 120


def mean_curve(make, lr):
    """Full training loss after each epoch, averaged over the three shuffling seeds."""
    losses = []
    for seed in SEEDS:
        res = fit(
            model,
            W0,
            make(lr),
            epochs=EPOCHS,
            batch_size=BATCH,
            rng=np.random.default_rng(seed),
        )
        assert res.status == "max_steps"
        losses.append(res.history.loss)
    return np.mean(losses, axis=0)


curves, best_lr, grid_score = {}, {}, {}
print(
    "mean loss over the last five epochs (mean of 3 seeds), for each step size "
    "searched:"
)
for name, (make, grid) in contenders.items():
    runs_lr = {lr: mean_curve(make, lr) for lr in grid}
    grid_score[name] = {lr: c[-5:].mean() for lr, c in runs_lr.items()}
    best_lr[name] = min(grid_score[name], key=grid_score[name].get)
    curves[name] = runs_lr[best_lr[name]]
    cells = "  ".join(f"lr {lr:<6g}{v:7.4f}" for lr, v in grid_score[name].items())
    print(f"{name:<16}{cells}   best lr {best_lr[name]:g}")

# %%
# the best step size is inside each grid, not at its edge
assert all(best_lr[name] == grid[1] for name, (_, grid) in contenders.items())

# %%
TARGET = 0.01
print(f"target: f - f* <= {TARGET}")
print(
    f"{'method':<16}{'lr':>6}{'final loss':>12}"
    f"{'final f - f*':>14}{'epochs to target':>18}"
)
epochs_to_target = {}
for name, curve in curves.items():
    gap = curve - f_star
    hit = np.flatnonzero(gap <= TARGET)
    epochs_to_target[name] = int(hit[0]) if hit.size else None
    lr = best_lr[name]
    reached = str(epochs_to_target[name]) if hit.size else "not reached"
    print(f"{name:<16}{lr:6g}{curve[-1]:12.4f}{gap[-1]:14.4f}{reached:>18}")

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
for (name, curve), mk in zip(curves.items(), ["o", "s", "^", "D", "v"], strict=True):
    ax.semilogy(np.arange(EPOCHS + 1), curve - f_star, marker=mk, ms=5, label=name)
ax.axhline(TARGET, color="gray", ls="--", lw=1, label=f"target {TARGET}")
ax.set_xlabel("epoch")
ax.set_ylabel(r"training loss minus minimum, $f - f^\star$")
ax.set_title("Softmax regression on digits (minibatch 120, mean of 3 seeds)")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the training-loss suboptimality on a log scale against the epoch for five optimizers, each with its
# own line style and marker. All start at
# about 2.2 and fall below 0.2 within one epoch. SGD + Nesterov is lowest from epoch 8 on and ends near 0.001; Adam
# falls most smoothly and ends second; plain SGD and AdaGrad are among the fastest in the first five epochs, then level
# off with bumps; RMSProp falls steadily but slowest and crosses the dashed target line at 0.01 last.*
#
# Read the table with its caveats: one small convex problem with standardized features, a coarse grid of three
# step sizes per method (each best value in the middle of its grid, so a finer grid could still move the results
# a little), step sizes tuned on the same training loss, constant steps so that each curve ends in a noise floor
# whose height depends on the step size. Within those limits: with tuned step sizes the five methods end within a
# factor of about four of each other; momentum with Nesterov's correction ends lowest and Adam second. The
# experiment does not measure how much tuning each method needs: every method was given the same three-point
# search, and the grid shows only that a step size three times smaller or larger than the best one ends higher
# for all five. Kingma and Ba likewise found Adam on par with Nesterov momentum on logistic regression. The
# checks:

# %%
final_gap = {name: curve[-1] - f_star for name, curve in curves.items()}
ranking = sorted(final_gap, key=final_gap.get)
print(
    "final f - f*, lowest first:",
    ", ".join(f"{name} {final_gap[name]:.4f}" for name in ranking),
)
print(
    f"highest / lowest final f - f*: "
    f"{max(final_gap.values()) / min(final_gap.values()):.1f}"
)
gaps = np.array([curves[name] - f_star for name in contenders])
nag = list(contenders).index("SGD + Nesterov")
lowest = np.argmin(gaps, axis=0) == nag
first_lead = int(np.flatnonzero(~lowest)[-1]) + 1
print(f"SGD + Nesterov has the lowest loss at every epoch from epoch {first_lead} on")
print(
    "slowest to the target:",
    max(epochs_to_target, key=lambda k: epochs_to_target[k] or EPOCHS + 1),
)

# %%
assert ranking[:2] == ["SGD + Nesterov", "Adam"]
assert max(final_gap.values()) / min(final_gap.values()) < 4.5
assert all(v is not None for v in epochs_to_target.values())

# %% [markdown]
# ## Key points
#
# - Adaptive methods divide each coordinate's step by a running estimate of its gradient's size: AdaGrad by the root of
#   the **sum** of squares (steps only shrink), RMSProp by a **moving** root mean square, AdaDelta by a ratio of two
#   RMS values (no learning rate, slow start), Adam by RMSProp's denominator with a momentum numerator.
# - Adam's **bias correction** divides $m_k$ and $v_k$ by $1 - \beta_1^k$ and $1 - \beta_2^k$. Without it the first step is
#   $(1-\beta_1)/\sqrt{1-\beta_2} \approx 3.2$ times too long and the excess grows to about 6.6 times before fading.
# - **$\varepsilon$'s placement** matters only for tiny gradients, but then by orders of magnitude: PyTorch adds it after the
#   square root and the bias correction; other libraries add it before the correction or inside the root.
# - **Adam + L2** decays coordinates with large gradient history less; **AdamW** decays all by $1 - \alpha\nu$ per step.
# - **AMSGrad** keeps the largest $v_k$ seen, so rare large gradients are not forgotten; it repairs Adam's
#   convergence proof.
# - Every rule here is a few lines of numpy, and each matches `gdlearn` (and so PyTorch's documented rule) to rounding error.
#
# ## Exercises
#
# ```{exercise} Adam walks to the worst point
# :label: ex-adapt-reddi
# Reddi et al.'s example: on $\theta \in [-1, 1]$ the loss at step $k$ is $f_k(\theta) = 3\theta$ if $k \bmod 3 = 1$ and $-\theta$ otherwise.
# The average loss $\tfrac13 \theta$ is minimized at $\theta = -1$. Run Adam and AMSGrad with $\beta_1 = 0$,
# $\beta_2 = 1/(1 + 3^2)$ and step $0.5/\sqrt k$ for 1500 steps from $\theta = 0$, clipping $\theta$ to $[-1, 1]$ after every step.
# Where does each end?
# ```
#
# ```{solution-start} ex-adapt-reddi
# :class: dropdown
# ```
#
# With $\beta_2 = 0.1$, $v_k$ remembers the large gradient 3 for only about one step. Adam divides every gradient by its
# recent size, so the rare gradient 3 moves $\theta$ about as far as each of the frequent gradients $-1$: in every cycle of
# three steps it takes one step down and two steps up, although the average gradient $\tfrac13$ points down. AMSGrad
# keeps dividing by the largest $v_k$ seen, so the steps driven by $-1$ are about three times shorter, and it goes the
# right way.

# %%
C = 3.0
for name, ams in [("Adam", False), ("AMSGrad", True)]:
    opt = Adam(
        lr=lambda t: 0.5 / np.sqrt(t + 1), betas=(0.0, 1 / (1 + C**2)), amsgrad=ams
    )
    x = np.zeros(1)
    for t in range(1, 1501):
        g = np.array([C if t % 3 == 1 else -1.0])
        x = np.clip(opt.step(x, g), -1.0, 1.0)
    print(f"{name:<8} ends at x = {x[0]:+.3f}")
    assert (x[0] > 0.9) if name == "Adam" else (x[0] < -0.9)

# %% [markdown]
# Adam ends at the worst point of the interval, AMSGrad near the minimum. (Here `lr` is a schedule: a function of the
# number of steps already taken.)
#
# ```{solution-end}
# ```
#
# ```{exercise} A tilted bowl
# :label: ex-adapt-rotated
# Rotate the bowl $\tfrac12(0.01\theta_1^2 + 100\theta_2^2)$ of the first section by 45 degrees
# (`Quadratic([0.01, 100.0], rotation=np.pi / 4)`) and run Adam with the same settings for 300 steps. Does it still
# beat gradient descent by a wide margin? Why not?
# ```
#
# ```{solution-start} ex-adapt-rotated
# :class: dropdown
# ```
#
# Adam's step sizes are per *coordinate*. In the tilted bowl the steep and flat directions are mixtures of both
# coordinates, so both coordinates see large gradients, and dividing by their size no longer separates the two
# curvatures.

# %%
tilted = Quadratic([0.01, 100.0], rotation=np.pi / 4)
for name, opt in [("GD, lr 0.019", SGD(lr=0.019)), ("Adam, lr 0.05", Adam(lr=0.05))]:
    f_axis = minimize(bowl, x_start, opt, max_steps=300, gtol=None).fun
    f_tilt = minimize(tilted, x_start, opt, max_steps=300, gtol=None).fun
    axis = f"{f_axis:.1e}" if f_axis > 1e-10 else "below 1e-10"
    print(f"{name:<14} f after 300 steps: axis-aligned {axis}, tilted {f_tilt:.1e}")
f_adam_tilt = minimize(tilted, x_start, Adam(lr=0.05), max_steps=300, gtol=None).fun
f_gd_tilt = minimize(tilted, x_start, SGD(lr=0.019), max_steps=300, gtol=None).fun
print(
    f"tilted bowl: Adam's loss is {f_gd_tilt / f_adam_tilt:.0f} times lower than GD's "
    f"(axis-aligned: more than 1e7 times: {res_gd.fun / res_adam.fun > 1e7})"
)
assert f_adam_tilt > 1e3 * res_adam.fun and res_gd.fun / res_adam.fun > 1e7

# %% [markdown]
# On the tilted bowl Adam loses its lockstep advantage: it ends many orders of magnitude higher than on the aligned
# bowl and only a few times lower than gradient descent.
# Adaptive methods help most when the scales line up with the parameters, as they often do for features of different
# units or for the weights of different layers.
#
# ```{solution-end}
# ```
#
# ```{exercise} AdaDelta's slow start
# :label: ex-adapt-adadelta
# Predict the length of AdaDelta's first step (with $\beta_2 = 0.9$, $\varepsilon = 10^{-6}$) for a gradient of size $10^{-2}$, 1 and
# $10^{2}$, then measure it with `gdlearn`.
# ```
#
# ```{solution-start} ex-adapt-adadelta
# :class: dropdown
# ```
#
# With $u_0 = 0$ and $v_1 = (1-\beta_2)g^2$, the first step is $\sqrt\varepsilon\,|g|/\sqrt{(1-\beta_2)g^2 + \varepsilon}$, which is
# $\sqrt{\varepsilon/(1-\beta_2)} \approx 0.0032$ for any gradient much larger than $\sqrt{\varepsilon/(1-\beta_2)}$, and smaller for
# tiny ones.

# %%
rho, eps = 0.9, 1e-6
for g in [1e-2, 1.0, 1e2]:
    predicted = np.sqrt(eps) * g / np.sqrt((1 - rho) * g**2 + eps)
    measured = abs(AdaDelta(rho=rho, eps=eps).step(np.zeros(1), np.array([g]))[0])
    print(
        f"gradient {g:6g}: first step predicted {predicted:.5f}, measured "
        f"{measured:.5f}"
    )
    assert np.isclose(predicted, measured)

# %% [markdown]
# A gradient ten thousand times larger gives the same first step: AdaDelta's step has the units of $\theta$, and with
# nothing yet in $u$ it must build up its scale over the first steps.
#
# ```{solution-end}
# ```
#
# ```{exercise} NAdam by hand
# :label: ex-adapt-nadam
# Implement NAdam in the constant-$\beta_1$ form above, in the style of `adam_update`. Then compute by hand the
# lengths of its first two steps under a constant gradient $g$ (ignore $\varepsilon$), for $\beta_1 = 0.9$, and check
# your implementation against them.
# ```
#
# ```{solution-start} ex-adapt-nadam
# :class: dropdown
# ```
#
# With a constant gradient, $m_k = (1 - \beta_1^k)\,g$ and $\hat v_k = g^2$, so the step length is $\alpha\,|\bar m_k|/|g|$ with
#
# $$
# \frac{\bar m_k}{g} = \frac{\beta_1 (1 - \beta_1^k)}{1 - \beta_1^{k+1}} + \frac{1 - \beta_1}{1 - \beta_1^k} .
# $$
#
# For $k = 1$ this is $\frac{\beta_1}{1 + \beta_1} + 1 = \frac{1 + 2\beta_1}{1 + \beta_1} = \frac{2.8}{1.9} \approx 1.4737$; for
# $k = 2$ it is $\frac{\beta_1 (1 + \beta_1)}{1 + \beta_1 + \beta_1^2} + \frac{1}{1 + \beta_1} = \frac{1.71}{2.71} + \frac{1}{1.9}
# \approx 0.6310 + 0.5263 = 1.1573$. The first step is about 47 % longer than Adam's, and the excess fades as
# $\beta_1^k$ does.


# %%
def nadam_update(x, g, s, t, lr=0.1, b1=0.9, b2=0.999, eps=1e-8):
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    m_bar = b1 * s["m"] / (1 - b1 ** (t + 1)) + (1 - b1) * g / (1 - b1**t)
    v_hat = s["v"] / (1 - b2**t)
    return x - lr * m_bar / (np.sqrt(v_hat) + eps)


by_hand = [2.8 / 1.9, 1.71 / 2.71 + 1 / 1.9]
xs = run_scratch(
    nadam_update,
    {"m": np.zeros(1), "v": np.zeros(1)},
    x0=np.zeros(1),
    steps=50,
    grad=lambda x: np.ones(1),
)
lengths_nadam = -np.diff(xs[:, 0]) / 0.1
print(
    "first two step lengths / lr, by hand:",
    np.round(by_hand, 4),
    " implementation:",
    np.round(lengths_nadam[:2], 4),
)
print(f"step 50: {lengths_nadam[-1]:.4f} x lr")

# %%
assert np.allclose(lengths_nadam[:2], by_hand, rtol=1e-6)
assert abs(lengths_nadam[-1] - 1) < 0.01

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# AdaGrad is due to {cite:t}`duchi2011`, RMSProp to {cite:t}`tieleman2012`, AdaDelta to {cite:t}`zeiler2012` and Adam
# and AdaMax to {cite:t}`kingma2015`; NAdam to {cite:t}`dozat2016`; {cite:t}`reddi2018` found the flaw in Adam's proof and proposed AMSGrad, and
# {cite:t}`loshchilov2019` decoupled weight decay. {cite:t}`ruder2016` surveys all of them together with the momentum
# methods of {doc}`../part3/momentum` {cite:p}`polyak1964,nesterov1983,sutskever2013`. The iterates were checked on
# Rosenbrock's function {cite:p}`rosenbrock1960`. Full entries are in the {doc}`../appendix/bibliography`.
