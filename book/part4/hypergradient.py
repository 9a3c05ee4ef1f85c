# %% [markdown]
# # Learning the learning rate: hypergradient descent
#
# Every chapter so far has had to choose a learning rate, usually by trying several. The source articles
# close by predicting that optimizers will tune their own hyper-parameters, the learning rate first, by
# "meta-learning". This chapter makes the simplest version of that idea concrete. The loss after a step
# depends on the learning rate used for the step, so it has a derivative with respect to the rate, and we
# can do gradient descent on the rate too. This is **hypergradient descent**, named and analysed by
# {cite:t}`baydin2018`; the rule itself is older, {cite:t}`almeida1998` adapted step sizes online from the
# product of successive gradients two decades earlier. It costs one dot product per step and needs no
# extra evaluations of the loss. We derive it, write it in a few lines,
# check it against `gdlearn`, and measure what it buys against a tuned and a badly tuned constant rate.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - derive the hypergradient $\partial f(\theta_k)/\partial\alpha = -g_k\cdot g_{k-1}$ of plain gradient
#   descent and the corresponding formula for Adam;
# - implement SGD-HD in a few lines and check it against `gdlearn.optim.SGDHD`;
# - explain why the rate grows when successive gradients agree and shrinks when they alternate, why it
#   freezes once the gradients fade, and why a one-step-deep rule prefers too small a rate;
# - compare it fairly with a grid-searched constant rate, and say what its own hyper-parameter $\psi$
#   depends on;
# - place it among the current research directions: adaptive, parallel and learned optimizers.
# ```

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from gdlearn.data import add_bias, standardize
from gdlearn.loop import fit, minimize
from gdlearn.models import LogisticRegression
from gdlearn.objectives import Quadratic
from gdlearn.optim import SGD, SGDHD, Adam, AdamHD, Newton
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## The derivative of the loss with respect to the learning rate
#
# With $g_k = \nabla f(\theta_k)$ the gradient at step $k$ ({doc}`../notation`), one step of gradient
# descent is $\theta_k = \theta_{k-1} - \alpha\, g_{k-1}$. Hold $\theta_{k-1}$ fixed and read the loss
# after the step as a function of $\alpha$ alone. The chain rule gives
#
# $$
# \frac{\partial f(\theta_k)}{\partial \alpha}
# = \nabla f(\theta_k) \cdot \frac{\partial \theta_k}{\partial \alpha}
# = -\,g_k \cdot g_{k-1} .
# $$
#
# This is the **hypergradient**. It needs nothing new: both gradients are computed anyway, one for this step
# and one for the last. Its sign has a plain meaning:
#
# - successive gradients point the same way ($g_k\cdot g_{k-1} > 0$): a longer
#   step would have gone further downhill, so the rate was too small;
# - they point in opposite directions (a zig-zag): the step overshot, so the rate was too large;
# - they are orthogonal: $\alpha$ minimized the loss along the direction, which is exactly the condition of
#   exact line search ({doc}`../part3/schedules_linesearch`).
#
# We check the formula with a centred difference on an ill-conditioned quadratic bowl, $\kappa = 100$ in
# ten dimensions, with randomly rotated axes.

# %%
bowl = Quadratic.with_condition(100.0, dim=10, rng=rng)
theta0 = rng.normal(size=10)
print(f"L = {bowl.L:.0f}, mu = {bowl.mu:.0f}, kappa = {bowl.kappa:.0f}")
print(f"f(theta0) = {bowl.value(theta0):.3f}")


def loss_after_step(alpha, theta=theta0):
    """The loss after one gradient step of size alpha from theta."""
    return bowl.value(theta - alpha * bowl.grad(theta))


alpha, h = 0.005, 1e-7
hypergrad = -bowl.grad(theta0 - alpha * bowl.grad(theta0)) @ bowl.grad(theta0)
numeric = (loss_after_step(alpha + h) - loss_after_step(alpha - h)) / (2 * h)
print(f"hypergradient formula {hypergrad:.1f}")
agrees = np.isclose(hypergrad, numeric, rtol=1e-6)
print(f"centred difference agrees to a relative 1e-6: {agrees}")
assert np.isclose(hypergrad, numeric, rtol=1e-6)


# %% [markdown]
# ## Hypergradient descent
#
# Treat $\alpha$ as one more parameter and take a gradient step on it, with its own small step size
# $\psi$, before each ordinary step. (Baydin et al. write $\beta$ for this hyper-learning rate; the book keeps
# $\beta$ for the momentum coefficient and writes $\psi$, as in {doc}`../notation`. In `gdlearn` it is
# `hyper_lr`.) The previous update was
# $\theta_k = \theta_{k-1} - \alpha_{k-1} g_{k-1}$, so
# $\partial f(\theta_k) / \partial \alpha_{k-1} = -g_k \cdot g_{k-1}$, and **SGD-HD** reads
#
# $$
# \alpha_k = \alpha_{k-1} + \psi\, g_k \cdot g_{k-1}, \qquad
# \theta_{k+1} = \theta_k - \alpha_k\, g_k ,
# $$
#
# for $k \ge 1$; the first step uses the starting rate $\alpha_0$. With minibatch gradients (then $g_k$ is
# a stochastic estimate) the same rule uses noisy hypergradients, just as SGD uses noisy gradients. The
# derivation treats $\theta_{k-1}$ as fixed: it ignores
# how the rate changed the earlier iterates, so it is greedy, one step deep. (Differentiating through the
# whole training run instead gives exact hypergradients of the final loss {cite:p}`maclaurin2015`, at far
# greater cost.)
#
# **Adam-HD.** Adam steps along $u_k = \hat m_k / (\sqrt{\hat v_k} + \varepsilon)$ instead of $g_k$:
# $\theta_{k+1} = \theta_k - \alpha\, u_k$. The same chain rule gives
# $\partial f(\theta_k)/\partial\alpha_{k-1} = -g_k \cdot u_{k-1}$, hence
# $\alpha_k = \alpha_{k-1} + \psi\, g_k\cdot u_{k-1}$, and Adam's moments are updated as usual
# {cite:p}`kingma2015`. (Exercise 2 checks it against `gdlearn.optim.AdamHD`.)
#
# SGD-HD from scratch:


# %%
def sgd_hd(grad, theta0, alpha0, psi, steps):
    """Gradient descent whose rate follows its hypergradient.

    Returns the iterates and the rates used.
    """
    theta, alpha, g_prev = theta0, alpha0, np.zeros_like(theta0)
    thetas, alphas = [theta0], []
    for _ in range(steps):
        g = grad(theta)
        alpha = alpha + psi * (g @ g_prev)  # gradient step on the rate
        theta = theta - alpha * g  # gradient step on the parameters
        g_prev = g
        thetas.append(theta)
        alphas.append(alpha)
    return np.array(thetas), np.array(alphas)


thetas, alphas = sgd_hd(bowl.grad, theta0, alpha0=1e-4, psi=1e-6, steps=200)
opt = SGDHD(lr=1e-4, hyper_lr=1e-6)
res = minimize(bowl, theta0, opt, max_steps=200, gtol=None)  # all 200 steps
print("same iterates as gdlearn.optim.SGDHD:", np.allclose(thetas, res.history.x))
print(
    "same learning rates:",
    np.allclose(alphas, res.history.lr),
    np.allclose(alphas, opt.lr_history),
)
used = ", ".join(f"{alphas[i]:.2e}" for i in (0, 9, 49, 199))
print(f"rate used by update 1, 10, 50, 200: {used}")

# %%
assert np.allclose(thetas, res.history.x) and np.allclose(alphas, res.history.lr)
assert np.allclose(alphas, opt.lr_history)

# %% [markdown]
# Started a hundred times below the safe rate $1/L = 0.01$, the rate climbs by two orders of magnitude
# within ten steps, and then hardly moves. That is not a sign that it has found the best rate: the
# hypergradient is a product of two gradients, so it fades as the iterates converge, and the rate
# freezes wherever it happens to be when the gradients have become short.
#
# ## An ill-conditioned quadratic
#
# The fair comparison is with a constant rate that somebody took the trouble to tune. We grid-search the
# constant rate of gradient descent on the bowl: 13 rates from $0.01/L$ to $2.5/L$, each run for at most 1000
# steps, scored by the number of steps to reach $f \le 10^{-6} f(\theta_0)$. The minimum value is 0.

# %%
TARGET_Q = 1e-6 * bowl.value(theta0)
MAX_STEPS = 1000


def steps_to(losses, target):
    """First index where the loss is at or below target (None if never)."""
    hit = np.flatnonzero(losses <= target)
    return int(hit[0]) if hit.size else None


def steps_on_bowl(optimizer):
    """Steps until f <= TARGET_Q (the run stops there), or None."""
    r = minimize(
        bowl,
        theta0,
        optimizer,
        max_steps=MAX_STEPS,
        gtol=None,  # the target alone stops a converging run
        callback=lambda k, x, f, g: f <= TARGET_Q,
    )
    return steps_to(r.history.loss, TARGET_Q)


grid_q = np.geomspace(0.01, 2.5, 13) / bowl.L
grid_steps = [steps_on_bowl(SGD(lr=a)) for a in grid_q]
print("alpha * L : " + " ".join(f"{a * bowl.L:6.3f}" for a in grid_q))
print("steps     : " + " ".join(f"{'-' if s is None else s:>6}" for s in grid_steps))
tuned_q = grid_q[np.argmin([np.inf if s is None else s for s in grid_steps])]
print(f"tuned constant rate: {tuned_q:.4g} = {tuned_q * bowl.L:.3f}/L")

# %% [markdown]
# Rates below about $0.4/L$ do not reach the target within 1000 steps, and $2.5/L$, beyond the stability
# limit $2/L$, diverges ("-" marks both). Now the contest: the tuned constant rate, a rate 100 times
# too small ($0.01/L$), a too-large rate ($2.5/L$), and SGD-HD started from each of the two bad rates, with
# $\psi = 10^{-6}$. Each run takes all 1000 steps unless it diverges: we pass `gtol=None`, because by
# default `minimize` stops a run as soon as the gradient norm falls to `gtol=1e-5`, and we want the whole
# loss curves and the rates after 1000 steps. (The grid search above passes it too, so that only the
# target ends a converging run.)

# %%
PSI_Q = 1e-6
small_q, large_q = grid_q[0], grid_q[-1]
runs_q = {
    "constant, tuned": (SGD(lr=tuned_q), tuned_q),
    "constant, too small": (SGD(lr=small_q), small_q),
    "constant, too large": (SGD(lr=large_q), large_q),
    "SGD-HD from too small": (SGDHD(lr=small_q, hyper_lr=PSI_Q), small_q),
    "SGD-HD from too large": (SGDHD(lr=large_q, hyper_lr=PSI_Q), large_q),
}
results_q = {  # every run takes all MAX_STEPS steps unless it diverges
    name: minimize(bowl, theta0, o, max_steps=MAX_STEPS, gtol=None)
    for name, (o, _) in runs_q.items()
}


def print_table(results, starts, target, unit):
    header = f"{'method':24s} {'alpha_0':>9s} {'status':>10s} {'final loss':>11s}"
    print(f"{header} {unit:>16s}")
    for name, r in results.items():
        s = steps_to(r.history.loss, target)
        s = "-" if s is None else s
        final = f"{r.fun:.3g}" if r.fun >= 1e-6 else "< 1e-6"
        print(f"{name:24s} {starts[name]:9.3g} {r.status:>10s} {final:>11} {s:>16}")


print_table(
    results_q, {k: v[1] for k, v in runs_q.items()}, TARGET_Q, "steps to target"
)
steps_q = {k: steps_to(r.history.loss, TARGET_Q) for k, r in results_q.items()}
frozen_q = {
    k: results_q[f"SGD-HD from too {k}"].history.lr[-1] for k in ("small", "large")
}
print(
    f"rate of SGD-HD after {MAX_STEPS} steps: from too small {frozen_q['small']:.4f}, "
    f"from too large {frozen_q['large']:.4f}; tuned constant rate {tuned_q:.4f}"
)
print("constant, too large:", results_q["constant, too large"].message.split(";")[0])

# %%
blown = results_q["constant, too large"]
f_start = blown.history.loss[0]
limit = f_start + 1e3 * max(1.0, f_start)  # the rising-loss threshold
assert blown.n_steps == 10 and "(rising-loss check)" in blown.message
assert blown.history.loss[-2] < 0.8 * limit and blown.fun > 1.1 * limit
assert all(r.n_steps == MAX_STEPS for r in results_q.values() if r is not blown)
assert max(frozen_q.values()) < tuned_q and frozen_q["small"] > 1.2 * frozen_q["large"]
hd_small, hd_large = steps_q["SGD-HD from too small"], steps_q["SGD-HD from too large"]
assert steps_q["constant, too small"] is None
assert results_q["constant, too large"].status == "diverged"
assert hd_small is not None and hd_large is not None
assert hd_small <= 1.25 * steps_q["constant, tuned"]
assert hd_large <= 1.6 * steps_q["constant, tuned"]
assert min(hd_small, hd_large) >= steps_q["constant, tuned"]

# %% [markdown]
# The too-large constant rate did not get far: `minimize` stopped it at step 10, when its loss had climbed
# from 125 to about 154,000, more than 1000 times its starting value above the start and still rising
# (the *rising-loss check*, one of the divergence checks of {doc}`vanishing_exploding`).
#
# From a rate 100 times too small, SGD-HD reaches the target with at most a quarter more steps than the tuned
# constant rate; from a rate at which plain gradient descent diverges, it recovers and converges, needing at
# most about half as many steps again as the tuned rate. Neither bad start needed a grid search, and neither
# beat it.
#
# Both learned rates froze below the tuned constant rate, and at different values (printed above): where
# the rate stops depends on where it started, not on a property of the problem. The hypergradient fades with
# the gradients, and it also looks only one step ahead. It asks which rate would have lowered the *next*
# loss most, and on an ill-conditioned problem the next loss is dominated by the steep directions, which a
# smaller rate serves well; the long-run progress along the flat directions needs a larger one.
# {cite:t}`wu2018` studied this **short-horizon bias** of meta-learned rates: greedy hypergradients
# systematically prefer rates that are too small for the whole run.
#
# ## Logistic regression with minibatches
#
# The same contest on real data and noisy gradients: logistic regression on the breast cancer data set
# {cite}`street1993` (standardized, with an intercept and a small L2 penalty $\nu = 0.01$), minibatches of
# 32 and 20 epochs (360 updates) with `gdlearn.loop.fit`, the same shuffling for every run. The target is a
# full-data loss within $0.01$ of the minimum, which Newton's method gives us ({doc}`../part3/newton`).

# %%
data = load_breast_cancer()
X = add_bias(standardize(data.data)[0])
y = data.target
logreg = LogisticRegression(X, y, l2=0.01)
theta_zero = np.zeros(X.shape[1])
f_min = minimize(logreg, theta_zero, Newton(), max_steps=50, gtol=1e-10).fun
TARGET_LR = f_min + 0.01
print(f"n = {X.shape[0]}, parameters = {X.shape[1]}")
print(f"loss at 0: {logreg.value(theta_zero):.4f}, minimum: {f_min:.4f}")


def train(optimizer):
    """20 epochs of minibatch training, recording the full-data loss at every update."""
    return fit(
        logreg,
        theta_zero,
        optimizer,
        epochs=20,
        batch_size=32,
        rng=np.random.default_rng(SEED),
        eval_every=1,
    )


grid_lr = 10.0 ** np.arange(-3, 1.6, 0.5)
grid_res = [train(SGD(lr=a)) for a in grid_lr]
scores = [steps_to(r.history.loss, TARGET_LR) for r in grid_res]
print("alpha       : " + " ".join(f"{a:7.3g}" for a in grid_lr))
print("updates     : " + " ".join(f"{'-' if s is None else s:>7}" for s in scores))
print("final excess: " + " ".join(f"{r.fun - f_min:7.1e}" for r in grid_res))
tuned_lr = grid_lr[np.argmin([np.inf if s is None else s for s in scores])]
print(f"tuned constant rate: {tuned_lr:.3g}")

# %% [markdown]
# The grid search picks the rate that reaches the target in the fewest updates. Now the contest, with
# $\psi = 3$ for SGD-HD, and also Adam at its customary default rate $10^{-3}$ against Adam-HD from the same
# rate (with $\psi = 10^{-3}$).

# %%
PSI_LR = 3.0
small_lr, large_lr = grid_lr[0], grid_lr[-2]
runs_lr = {
    "constant, tuned": (SGD(lr=tuned_lr), tuned_lr),
    "constant, too small": (SGD(lr=small_lr), small_lr),
    "constant, too large": (SGD(lr=large_lr), large_lr),
    "SGD-HD from too small": (SGDHD(lr=small_lr, hyper_lr=PSI_LR), small_lr),
    "SGD-HD from too large": (SGDHD(lr=large_lr, hyper_lr=PSI_LR), large_lr),
    "Adam": (Adam(lr=1e-3), 1e-3),
    "Adam-HD": (AdamHD(lr=1e-3, hyper_lr=1e-3), 1e-3),
}
results_lr = {name: train(o) for name, (o, _) in runs_lr.items()}
print_table(
    results_lr, {k: v[1] for k, v in runs_lr.items()}, TARGET_LR, "updates to target"
)
steps_lr = {k: steps_to(r.history.loss, TARGET_LR) for k, r in results_lr.items()}
final_rates = {
    k: results_lr[k].history.lr[-1]
    for k in ("SGD-HD from too small", "SGD-HD from too large")
}
print(
    "final rate of SGD-HD: "
    + ", ".join(f"{k[7:]}: {v:.3g}" for k, v in final_rates.items())
)
adam_hd_rate = results_lr["Adam-HD"].history.lr[-1]
print(f"final rate of Adam-HD: {adam_hd_rate:.3g}")

# %%
hd_small, hd_large = (steps_lr[f"SGD-HD from too {s}"] for s in ("small", "large"))
assert steps_lr["constant, too small"] is None
assert steps_lr["constant, too large"] is None
assert hd_small is not None and hd_large is not None
assert all(tuned_lr / 3 < v < 3 * tuned_lr for v in final_rates.values())
assert min(hd_small, hd_large) >= steps_lr["constant, tuned"]
assert steps_lr["Adam"] is None and steps_lr["Adam-HD"] is not None
assert adam_hd_rate > 10 * 1e-3

# %% [markdown]
# Both badly started SGD-HD runs reach the target, which neither bad constant rate does, end at the same loss
# as the tuned constant rate, and finish with a rate close to the one the grid search found. The tuned constant rate is still the
# fastest: hypergradient descent does not beat a good grid search, it replaces it. Adam's default rate is too
# small for this problem; Adam-HD raises it more than tenfold on its own.

# %%
styles = {  # colour, line style and marker: every series tells apart without colour
    "constant, tuned": dict(color="k", ls="-", marker=None),  # black: by lightness too
    "constant, too small": dict(color="C1", ls="--", marker="v"),
    "constant, too large": dict(color="C3", ls=":", marker="^"),
    "SGD-HD from too small": dict(color="C2", ls="-", marker="o"),
    "SGD-HD from too large": dict(color="C4", ls="-.", marker="s"),
}


def plot_contest(results, unit, min_value, tuned, title, rate_steps=None):
    """Loss above the minimum (top) and the learned rate of SGD-HD (bottom)."""
    fig, (ax_loss, ax_rate) = plt.subplots(2, 1, figsize=(7, 7.5))
    for name, style in styles.items():
        loss = results[name].history.loss - min_value
        ax_loss.semilogy(loss, label=name, markevery=max(1, len(loss) // 8), **style)
    for name in ("SGD-HD from too small", "SGD-HD from too large"):
        rate = results[name].history.lr[:rate_steps]
        every = max(1, len(rate) // 8)
        ax_rate.semilogy(rate, label=name, markevery=every, **styles[name])
    ax_rate.axhline(tuned, color="k", ls=(0, (1, 1)), label="tuned constant rate")
    ax_loss.set_xlabel(unit)
    ax_rate.set_xlabel(unit)
    ax_loss.set_ylabel("loss - minimum")
    ax_rate.set_ylabel(r"learning rate $\alpha_k$")
    ax_loss.set_title(f"{title}: loss")
    ax_rate.set_title(f"{title}: the learned rate")
    ax_rate.legend()
    return ax_loss, ax_rate


ax_loss, _ = plot_contest(results_q, "step", 0.0, tuned_q, "Quadratic", rate_steps=60)
ax_loss.set_ylim(1e-12, 1e4)
ax_loss.legend(ncols=2, fontsize=9, loc="lower left")
plt.show()

# %% [markdown]
# *The figure shows two panels for the quadratic. Top: the loss above its minimum (log scale) against the
# step for the five methods; the too-small constant rate barely moves, the too-large one shoots up and is
# stopped after 10 steps, and
# both SGD-HD runs fall nearly as fast as the tuned constant rate. Bottom: in the first 60 steps, the
# learned rate of SGD-HD rises from 0.0001 and falls from 0.025 within a few steps, to levels somewhat
# below the tuned rate (dotted), where it stays.*

# %%
ax_loss, _ = plot_contest(results_lr, "update", f_min, tuned_lr, "Logistic regression")
ax_loss.set_ylim(1e-4, 1e3)
ax_loss.legend(ncols=2, fontsize=9, loc="upper right")
plt.show()

# %% [markdown]
# *The figure shows the same two panels for logistic regression with minibatches. The losses are noisy;
# the learned rate jumps from 0.001 to about 5 in the first updates and falls from 10, and both then
# decrease slowly towards the tuned rate of 1.*
#
# ## What $\psi$ depends on
#
# Hypergradient descent replaces the learning rate by a new hyper-parameter, $\psi$. Two observations:
#
# - One $\psi$ served two starting rates 250 times apart on the bowl and $10^4$ times apart on the logistic
#   loss: what hypergradient descent buys is insensitivity to the starting rate.
# - But the two problems needed very different $\psi$ ($10^{-6}$ and $3$). The rate moves by
#   $\psi\, g_k\cdot g_{k-1}$, which scales with the squared size of the gradients, so $\psi$ must be
#   matched to it. At the start the bowl's gradient is long and the logistic loss's short (printed below).
#   Exercise 3 shows that starting the bowl ten times further from its minimum needs a $\psi$ a hundred
#   times smaller.
#
# A scan of $\psi$ on the bowl, from both bad starts, shows the usable range:

# %%
print(
    f"gradient norm at the start: bowl {np.linalg.norm(bowl.grad(theta0)):.0f}, "
    f"logistic loss {np.linalg.norm(logreg.grad(theta_zero)):.2f}"
)
print(f"{'psi':>8s} | steps from 0.01/L | steps from 2.5/L")
scan = {}
for psi in [1e-8, 1e-7, 1e-6, 3e-6, 1e-5]:
    scan[psi] = [steps_on_bowl(SGDHD(lr=a, hyper_lr=psi)) for a in (small_q, large_q)]
    print(
        f"{psi:8.0e} | {'-' if scan[psi][0] is None else scan[psi][0]:>17} |"
        f" {'-' if scan[psi][1] is None else scan[psi][1]:>16}"
    )
assert all(s is not None for s in scan[1e-7] + scan[1e-6])
assert scan[1e-8][0] is None and all(s is None for s in scan[3e-6] + scan[1e-5])

# %% [markdown]
# Both bad starts succeed for $\psi$ from $10^{-7}$ to $10^{-6}$, a range of ten. With too small a $\psi$
# the rate climbs too slowly from $0.01/L$ (the start from $2.5/L$ is still rescued: as the iterates blow up,
# the gradients and with them the hypergradient grow); with too large a $\psi$ the rate itself overshoots
# and the runs diverge. So $\psi$ needs tuning too, on a scale set by the gradients.
#
# ## Where research is going
#
# Hypergradient descent is one answer to the question the source articles leave open: how should an optimizer
# set its own step? Current research pursues several others.
#
# - **Adaptive rates per coordinate.** AdaGrad {cite:p}`duchi2011` and Adam {cite:p}`kingma2015` scale each
#   coordinate's step by the history of its gradients ({doc}`../part3/adaptive_methods`); the analysis of
#   AMSGrad {cite:p}`reddi2018` showed that such methods can fail to converge and how to repair them. Adam-HD
#   above tunes Adam's one remaining global rate on top.
# - **Large-scale parallel training.** Asynchronous parameter servers {cite:p}`dean2012` and very large
#   synchronous minibatches need their own rate rules: linear scaling with warm-up {cite:p}`goyal2017` and
#   layer-wise trust ratios (LAMB) {cite:p}`you2020`; {doc}`distributed_dask` measures how stale gradients
#   shrink the safe rate.
# - **Learned optimizers.** Instead of a rule with one learned number, {cite:t}`andrychowicz2016` learn the
#   whole update rule: a small recurrent network reads the gradient and outputs the step, trained by gradient
#   descent on the performance of the optimizee.
# - **Gradient-based hyper-parameter optimization.** {cite:t}`maclaurin2015` differentiate the validation
#   loss after a whole training run with respect to learning-rate schedules, initialization and
#   regularization, reversing the training dynamics to keep the memory cost small; hypergradient descent is the
#   cheap, one-step, online version of the same idea {cite:p}`baydin2018`.
#
# ## Key points
#
# - The loss after a step depends on the learning rate; its derivative, the **hypergradient**, is
#   $-g_k\cdot g_{k-1}$ for gradient descent and $-g_k\cdot u_{k-1}$ for Adam. The rule goes back to
#   {cite:t}`almeida1998`; {cite:t}`baydin2018` derived it as a hypergradient and named it.
# - **SGD-HD** takes a gradient step on the rate before each step on the parameters: the rate grows while
#   successive gradients agree and shrinks when they zig-zag. It stops moving because the gradients fade
#   (the hypergradient is a product of two of them), not because it reached the best rate: on the
#   quadratic it froze at two different rates, both below the tuned one, depending on the start.
# - The rule is greedy, one step deep, and such short-horizon rules favour too small a rate
#   (short-horizon bias, {cite:t}`wu2018`).
# - Our from-scratch version and `gdlearn.optim.SGDHD` give the same iterates and rates.
# - Measured: from rates 100 times too small or beyond the stability limit, SGD-HD reaches the targets that
#   the same bad constant rates miss, close to a grid-tuned constant rate but not faster.
# - Its own step $\psi$ still needs tuning, and the right value depends on the scale of the gradients; what
#   it buys is insensitivity to the starting rate.
#
# ## Exercises
#
# ```{exercise} Check the hypergradient on logistic regression
# :label: ex-hd-fd
# At $\theta = 0$ on the breast cancer loss, take one gradient step with $\alpha = 0.5$. Compare the formula
# $-\nabla f(\theta_1)\cdot\nabla f(\theta_0)$ with a centred difference of $\alpha \mapsto f(\theta_0 - \alpha
# \nabla f(\theta_0))$. Is $0.5$ too small or too large for this step?
# ```
#
# ```{solution-start} ex-hd-fd
# :class: dropdown
# ```

# %%
g0 = logreg.grad(theta_zero)
step_loss = lambda a: logreg.value(theta_zero - a * g0)  # noqa: E731
formula = -logreg.grad(theta_zero - 0.5 * g0) @ g0
centred = (step_loss(0.5 + 1e-6) - step_loss(0.5 - 1e-6)) / 2e-6
print(
    f"formula {formula:.4f}; centred difference agrees to a relative 1e-5: "
    f"{np.isclose(formula, centred, rtol=1e-5)}"
)
assert np.isclose(formula, centred, rtol=1e-5) and formula < 0


# %% [markdown]
# The derivative is negative: a larger rate would have lowered the loss more, so $0.5$ is too small for the
# first step, and SGD-HD would increase it.
#
# ```{solution-end}
# ```
#
# ```{exercise} Adam-HD from scratch
# :label: ex-hd-adam
# Write Adam-HD in a few lines of numpy from the update rule in this chapter (bias-corrected moments,
# $\varepsilon$ outside the square root) and check it against `gdlearn.optim.AdamHD` on the bowl: same iterates
# and same learning rates for 100 steps.
# ```
#
# ```{solution-start} ex-hd-adam
# :class: dropdown
# ```


# %%
def adam_hd(grad, theta0, alpha0, psi, steps, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    theta, alpha = theta0, alpha0
    m, v, d_prev = np.zeros_like(theta0), np.zeros_like(theta0), np.zeros_like(theta0)
    thetas, alphas = [theta0], []
    for t in range(1, steps + 1):
        g = grad(theta)
        alpha = alpha + psi * (g @ d_prev)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        d = (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
        theta = theta - alpha * d
        d_prev = d
        thetas.append(theta)
        alphas.append(alpha)
    return np.array(thetas), np.array(alphas)


thetas_a, alphas_a = adam_hd(bowl.grad, theta0, 1e-3, 1e-5, 100)
res_a = minimize(bowl, theta0, AdamHD(lr=1e-3, hyper_lr=1e-5), max_steps=100, gtol=None)
print(
    "iterates equal:",
    np.allclose(thetas_a, res_a.history.x),
    " rates equal:",
    np.allclose(alphas_a, res_a.history.lr),
)
print(f"rate: {alphas_a[0]:.4f} -> {alphas_a[-1]:.4f}")
assert np.allclose(thetas_a, res_a.history.x)
assert np.allclose(alphas_a, res_a.history.lr)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} How the hyper-learning rate scales
# :label: ex-hd-scale
# Start the bowl from $10\,\theta_0$ instead of $\theta_0$. The best constant rate does not change (the
# curvature is the same), but does $\psi = 10^{-6}$ still work from the too-small start? Which $\psi$ does,
# and why?
# ```
#
# ```{solution-start} ex-hd-scale
# :class: dropdown
# ```
#
# All gradients are ten times larger, so $g_k\cdot g_{k-1}$ is a hundred times larger, and so is every change
# of the rate. With $\psi = 10^{-6}$ the first update throws the rate to about $1.4$, far beyond the
# stability limit $2/L = 0.02$, and `minimize` stops the run as diverged after its second step (the
# rising-loss check). Dividing $\psi$ by 100 restores the original run exactly (scaled by 10), because on
# a quadratic with minimum 0 the whole SGD-HD trajectory is then just the original one scaled by 10. All
# runs pass `gtol=None`, so the rescued run takes all 1000 steps, like the original one, and the two
# trajectories can be compared point by point.

# %%
far = 10 * theta0
target_far = 1e-6 * bowl.value(far)
far_runs = {
    psi: minimize(
        bowl, far, SGDHD(lr=small_q, hyper_lr=psi), max_steps=MAX_STEPS, gtol=None
    )
    for psi in (PSI_Q, PSI_Q / 100)
}
for psi, r in far_runs.items():
    n_steps = steps_to(r.history.loss, target_far)
    print(
        f"psi = {psi:.0e}: {r.status} after {r.n_steps} steps, "
        f"steps to target {n_steps}"
    )
jump = far_runs[PSI_Q].history.lr[1]
print(f"psi = 1e-06: rate used by the second step {jump:.2g} (2/L = {2 / bowl.L:.2g})")
original = results_q["SGD-HD from too small"].history.x
print(
    "with psi / 100 the trajectory is 10 x the original one:",
    np.allclose(far_runs[PSI_Q / 100].history.x, 10 * original),
)
assert far_runs[PSI_Q].status == "diverged" and far_runs[PSI_Q].n_steps == 2
assert "(rising-loss check)" in far_runs[PSI_Q].message and 1.3 < jump < 1.5
assert np.allclose(far_runs[PSI_Q / 100].history.x, 10 * original)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The hypergradient on a quadratic
# :label: ex-hd-quadratic
# Let $f(\theta) = \tfrac12 \theta^\top A \theta$ with $A$ symmetric positive definite, and take one step
# $\theta_k = \theta_{k-1} - \alpha g_{k-1}$. Derive the hypergradient
# $\partial f(\theta_k)/\partial\alpha = -g_k\cdot g_{k-1}$ as an explicit function of $\alpha$. Where is it
# zero, and what is that rate? What does one SGD-HD update of the rate then do, and when does it overshoot?
# Check the formula on the bowl of this chapter at $\theta_0$.
# ```
#
# ```{solution-start} ex-hd-quadratic
# :class: dropdown
# ```
#
# On a quadratic $g = A\theta$, so $g_k = A(\theta_{k-1} - \alpha g_{k-1}) = g_{k-1} - \alpha A g_{k-1}$ and
#
# $$
# \frac{\partial f(\theta_k)}{\partial\alpha} = -g_k\cdot g_{k-1}
# = -\|g_{k-1}\|^2 + \alpha\, g_{k-1}^\top A\, g_{k-1} .
# $$
#
# It is linear in $\alpha$ (the loss after the step is a parabola in $\alpha$) and vanishes at
# $\alpha^\star = \|g_{k-1}\|^2 / (g_{k-1}^\top A g_{k-1})$, the exact line-search step along $-g_{k-1}$. One
# update $\alpha \leftarrow \alpha - \psi\,\partial f/\partial\alpha$ is a gradient step on that parabola,
# whose curvature is $g_{k-1}^\top A g_{k-1}$: it moves $\alpha$ towards $\alpha^\star$ by the fraction
# $\psi\, g_{k-1}^\top A g_{k-1}$ of the distance, and overshoots when that fraction exceeds one (diverges
# beyond two). The fraction grows with the squared size of the gradient, which is why $\psi$ has to shrink
# as the gradients grow (exercise 3), and why the rate stops moving as they fade.

# %%
g_prev = bowl.grad(theta0)
curv = g_prev @ bowl.A @ g_prev
alpha_star = (g_prev @ g_prev) / curv
for a in (0.0, 0.005, alpha_star):
    by_formula = -(g_prev @ g_prev) + a * curv
    by_gradients = -bowl.grad(theta0 - a * g_prev) @ g_prev
    assert np.isclose(by_formula, by_gradients, rtol=1e-9, atol=1e-9 * g_prev @ g_prev)
hg_star = -bowl.grad(theta0 - alpha_star * g_prev) @ g_prev
print(f"exact line-search rate alpha* = {alpha_star:.4f} (1/L = {1 / bowl.L:.4f})")
zero = abs(hg_star) < 1e-10 * (g_prev @ g_prev)
print(f"hypergradient at alpha* is zero to 1e-10 of |g|^2: {zero}")
fractions = {psi: psi * curv for psi in (1e-7, 1e-6, 3e-6)}
print("fraction of the way to alpha* at the start: "
      + ", ".join(f"psi = {p:.0e}: {v:.2f}" for p, v in fractions.items()))
assert zero and fractions[1e-7] < 1 < fractions[1e-6] < 2 < fractions[3e-6]

# %% [markdown]
# The formula agrees with the two gradients at every rate tried, and the hypergradient vanishes at the
# exact line-search step. At the start, $\psi = 10^{-6}$ moves the rate slightly more than all the way to
# $\alpha^\star$ (a fraction of about $1.1$): that is the jump from $0.0001$ to about $0.014$ in the first
# updates. $\psi = 3\times10^{-6}$ gives a fraction beyond two, and indeed the $\psi$ scan saw those runs
# fail from both starts. As the gradients shrink, the fraction falls, and the rate stops moving.
#
# ```{solution-end}
# ```
#
# ## References
#
# Hypergradient descent, SGD-HD and Adam-HD are from {cite:t}`baydin2018`; Adam from {cite:t}`kingma2015`.
# Exact hypergradients through a whole training run are in {cite:t}`maclaurin2015`, learned optimizers in
# {cite:t}`andrychowicz2016`. The research overview also cites {cite:t}`duchi2011`, {cite:t}`reddi2018`,
# {cite:t}`dean2012`, {cite:t}`goyal2017` and {cite:t}`you2020`; the data set is from {cite:t}`street1993`.
# Full entries are in the {doc}`../appendix/bibliography`.
