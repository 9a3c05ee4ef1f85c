# %% [markdown]
# # Schedules and averaging
#
# With a fixed learning rate, stochastic gradient descent does not converge: it reaches a cloud
# around the minimum whose width is set by the rate and the gradient noise. Two remedies have been
# used since Robbins and Monro: shrink the rate (a **schedule**), or keep the rate and **average**
# the iterates. Large models today are trained with both ideas in new forms: a warm-up at the start,
# warm-up–stable–decay schedules at the end, weight averages kept beside the weights, and
# Schedule-Free methods that fold the average into the optimizer. This chapter measures each on
# problems small enough to run in seconds, and checks the code against `gdlearn`, PyTorch's
# formulas and the identities stated in the papers.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - say when a warm-up helps and measure it on a problem whose curvature falls during the run;
# - write the warm-up–stable–decay (WSD), one-cycle and linear-to-zero schedules and reproduce
#   PyTorch's one-cycle values;
# - predict the noise floor of constant-rate SGD on a quadratic and measure how much each
#   schedule and each average removes;
# - write Polyak–Ruppert averaging and an exponential moving average (EMA), with and without bias
#   correction;
# - write Schedule-Free SGD from scratch, check it against `gdlearn`, and show that it contains
#   plain SGD with Polyak averaging ($\beta = 0$) and primal averaging ($\beta = 1$).
# ```
#
# The symbols follow the book's {doc}`../notation`: $\theta_k$ is the iterate after $k$ updates,
# $\alpha_k$ the rate of update $k$, $T$ the budget of updates, $T_{\mathrm w}$ and
# $T_{\mathrm d}$ the warm-up and decay lengths, $\bar\theta_k$ an average of the iterates,
# $z_k$ Schedule-Free's base sequence and $\tilde\theta_k$ the point where it takes the gradient.

# %%
import matplotlib.pyplot as plt
import numpy as np

import gdlearn
from gdlearn.loop import minimize
from gdlearn.optim import EMA, SGD, PolyakAveraging, ScheduleFreeSGD
from gdlearn.plot import use_book_style
from gdlearn.schedules import (
    CosineDecay,
    LinearDecay,
    LinearWarmup,
    OneCycle,
    WarmupStableDecay,
)

use_book_style()
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## Four schedules
#
# A schedule is a function $t \mapsto \alpha_t$ of the number of updates already made. Besides
# the step, exponential and cosine decays of {doc}`../part3/schedules_linesearch`, three shapes
# are common today.
#
# - **Linear decay to zero**, $\alpha_t = \alpha\,(1 - t/T)$. {cite:t}`bergsma2025` argue for
#   it from the analysis of SGD's last iterate and found it matched or beat cosine in
#   language-model training.
# - **Warm-up–stable–decay** {cite:p}`hu2024,hagele2024`: a linear warm-up over $T_{\mathrm w}$
#   steps, a long constant phase, and a short decay over the last $T_{\mathrm d}$ steps. With
#   $T_{\mathrm s} = T - T_{\mathrm d}$ and $s = (t - T_{\mathrm s})/T_{\mathrm d}$ the decay is
#
#   $$
#   \begin{aligned}
#   \alpha_t &= \alpha\, h(s), \qquad t \ge T_{\mathrm s}, \\
#   h(s) &= 1 - s \ \text{ or } \ 1 - \sqrt{s} .
#   \end{aligned}
#   $$
#
#   Since the decay comes last, one long constant run can be branched into decays at several
#   lengths, which is why it suits runs whose length is not known in advance.
# - **One-cycle** {cite:p}`smith2019`: up from $\alpha/d$ to $\alpha$ over the first fraction
#   $p$ of the run, then down to $\alpha/(d\,d_{\mathrm f})$, each leg half a cosine.
#
# `OneCycle` follows PyTorch's `OneCycleLR` value for value. PyTorch is not needed to check it:
# the numbers below were computed from its documented algorithm (the peak sits at step
# $pT - 1$, and the cosine ramp is $v + \tfrac12(u - v)(1 + \cos\pi s)$) in a separate script
# and written out.

# %%
# torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=10), written out
TORCH_ONECYCLE = [0.0040000000000000036, 0.052000000000000005, 0.1, 0.09504846320134738,
                  0.0811745653949763, 0.06112620219362893, 0.03887419780637107,
                  0.0188258346050237, 0.004951936798652629, 4e-07]
ours = OneCycle(0.1, total_steps=10).values(10)
gap = np.max(np.abs(ours - TORCH_ONECYCLE) / np.array(TORCH_ONECYCLE))
assert gap < 1e-12
print("OneCycle(0.1, 10) against torch's OneCycleLR: equal to 1e-12")
print("first three rates:", np.round(ours[:3], 4).tolist())

# %%
T = 1000
peak = 0.5
schedules = {
    "cosine": CosineDecay(peak, T),
    "linear to zero": LinearDecay(peak, T),
    "WSD, linear decay": WarmupStableDecay(
        peak, T, decay_steps=T // 5, warmup_steps=50
    ),
    "WSD, 1-sqrt decay": WarmupStableDecay(
        peak, T, decay_steps=T // 5, warmup_steps=50, shape="1-sqrt"
    ),
    "one-cycle": OneCycle(peak, T),
}
styles = ["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1))]
fig, ax = plt.subplots(figsize=(7, 3.8))
for (name, s), ls in zip(schedules.items(), styles, strict=True):
    ax.plot(s.values(T), ls=ls, lw=2, label=name)
ax.set_xlabel("update t")
ax.set_ylabel(r"learning rate $\alpha_t$")
ax.set_title(f"Five schedules with peak {peak} over T = {T} updates")
ax.legend(loc="lower left")
plt.show()

# %% [markdown]
# *The figure shows the learning rate against the update number for five schedules with the same
# peak 0.5 over 1000 updates: cosine (solid) and linear (dashed) fall from the start; the two WSD
# schedules (dash-dotted and dotted) climb for 50 steps, stay at the peak until step 800 and then
# fall, the 1-sqrt one faster at first; one-cycle (dash-dot-dot) climbs for the first 300 steps
# and then falls along half a cosine.*
#
# ## Why a warm-up helps, measured
#
# Gradient descent with rate $\alpha$ is stable near a point only when $\alpha$ is below
# $2/\lambda_{\max}$, with $\lambda_{\max}$ the largest curvature *there*. If the curvature at the
# start is larger than near the solution, the rate that is best at the end is unstable at the
# start. A warm-up lets the first steps be small while the iterates leave the sharp region, and
# gives the full rate when it has become safe. The gradual warm-up was introduced for
# large-minibatch training, where the large rate failed in the first epochs
# {cite:p}`goyal2017`; the toy below isolates this one mechanism, a curvature that is larger at
# the start than later:
#
# $$
# \begin{aligned}
# f(\theta) &= \tfrac12\lVert\theta - c\rVert^2 + \tfrac{1}{40}\lVert\theta\rVert^4, \\
# \lambda_{\max}(\theta) &= 1 + 0.3\,\lVert\theta\rVert^2 ,
# \end{aligned}
# $$
#
# with $c = (1, 0)$ and $\theta_0 = (0, 6)$: the curvature is 11.8 at the start and
# 1.25 at the minimum.

# %%
C_VEC = np.array([1.0, 0.0])
theta_start = np.array([0.0, 6.0])


def f_toy(th):
    return 0.5 * np.sum((th - C_VEC) ** 2) + np.sum(th**2) ** 2 / 40


def grad_toy(th):
    return th - C_VEC + 0.1 * np.sum(th**2) * th


def sharpness(th):
    return 1 + 0.3 * np.sum(th**2)


toy = (f_toy, grad_toy)
best = minimize(toy, theta_start, SGD(lr=0.1), max_steps=5000, gtol=1e-12)
f_min = best.fun
print(f"curvature at the start {sharpness(theta_start):.1f}, "
      f"at the minimum {sharpness(best.x):.2f}")
print(f"stable rates: below {2 / sharpness(theta_start):.2f} at the start, "
      f"below {2 / sharpness(best.x):.2f} at the minimum")

runs = {
    "constant 0.15 (safe at the start)": 0.15,
    "constant 1.2": 1.2,
    "1.2 after a 20-step warm-up": LinearWarmup(1.2, warmup_steps=20),
}
steps_needed = {}
curves = {}
for name, lr in runs.items():
    res = minimize(toy, theta_start, SGD(lr=lr), max_steps=150, gtol=None)
    gap_curve = res.history.loss - f_min
    curves[name] = gap_curve
    below = np.flatnonzero(gap_curve <= 1e-10)
    steps_needed[name] = int(below[0]) if below.size else None
    where = f"gap 1e-10 after {below[0]} steps" if below.size else res.status
    print(f"{name:36s} {where}")
assert steps_needed["constant 1.2"] is None
warm, safe = steps_needed["1.2 after a 20-step warm-up"], steps_needed[
    "constant 0.15 (safe at the start)"]
assert warm is not None and safe is not None and 3 * warm < safe

# %% [markdown]
# The large constant rate diverges at once; the safe constant rate converges, but at the rate its
# small step allows near the minimum; the warm-up reaches the same accuracy in under a third of
# the steps. The loss curves show where the time goes.

# %%
fig, ax = plt.subplots(figsize=(7, 3.8))
for (name, gap_curve), (ls, mk) in zip(
    curves.items(), [("-", None), ("--", "x"), (":", "o")], strict=True
):
    shown = np.maximum(gap_curve, 1e-16)
    ax.semilogy(shown, ls=ls, marker=mk, ms=4, markevery=5, label=name)
ax.set_ylim(1e-15, 1e4)
ax.set_xlabel("update k")
ax.set_ylabel(r"$f(\theta_k) - f^\star$")
ax.set_title("Warm-up on a function whose curvature falls")
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# *The figure shows the loss gap on a log scale against the update for the three runs: the
# constant rate 1.2 (dashed, crosses) jumps up and stops after two steps (diverged); the safe rate
# 0.15 (solid) falls steadily and reaches $10^{-10}$ after 68 steps; the warm-up run
# (dotted, circles) falls as fast as the safe run for the first steps and then much faster,
# reaching $10^{-10}$ after 15 steps.*
#
# The toy's lesson is the one the papers draw for networks: the warm-up is not about the noise,
# it is about the step being too large for the curvature the run starts in. For Adam there is a
# second reason: its first steps have size about $\alpha$ in every coordinate whatever the
# gradient, and a warm-up keeps them small until the second-moment estimate has settled.
#
# ## The noise floor, and what a schedule removes
#
# To compare decays we need noise. On the quadratic
# $f(\theta) = \tfrac12\sum_i \lambda_i \theta_i^2$ with curvatures $\lambda_i$ from 0.05 to 1,
# each step gets the gradient plus independent standard normal noise, $g_k = \Lambda\theta_k +
# \xi_k$. With a constant rate $\alpha$ each coordinate is an autoregression,
# $\theta_{k+1,i} = (1 - \alpha\lambda_i)\theta_{k,i} - \alpha\xi_{k,i}$, whose stationary variance
# is $\alpha/(\lambda_i(2 - \alpha\lambda_i))$ (exercise 1). The expected loss therefore settles at
#
# $$
# \mathbb E f_\infty = \sum_i \frac{\alpha}{2\,(2 - \alpha\lambda_i)} ,
# $$
#
# however many steps are taken: the **noise floor**.

# %%
LAM = np.geomspace(0.05, 1.0, 10)
THETA0 = np.full(10, 3.0)
N_SEEDS = 8


def noisy_run(opt, seed, steps=T, record=False):
    """SGD-type run on the noisy quadratic; the loss at the evaluated point."""
    noise = np.random.default_rng(seed).standard_normal((steps, LAM.size))
    th = THETA0.copy()
    losses = []
    for k in range(steps):
        th = opt.step(th, LAM * th + noise[k])
        if record:
            p = opt.eval_params(th) if hasattr(opt, "eval_params") else th
            losses.append(0.5 * np.sum(LAM * p**2))
    p = opt.eval_params(th) if hasattr(opt, "eval_params") else th
    final = 0.5 * np.sum(LAM * p**2)
    return (final, np.array(losses)) if record else final


def mean_final(make):
    return np.array([noisy_run(make(), seed) for seed in range(N_SEEDS)])


floor = np.sum(peak / (2 * (2 - peak * LAM)))
constant = mean_final(lambda: SGD(lr=peak))
print(f"noise floor predicted {floor:.2f}, measured {constant.mean():.2f} "
      f"(mean of {N_SEEDS} seeds, after {T} steps at rate {peak})")
assert abs(constant.mean() - floor) < 0.25 * floor

# %% [markdown]
# Every decaying schedule spends the same budget of $T = 1000$ updates from the same peak rate;
# the seeds give every schedule the same noise, so the comparison is paired.

# %%
final = {"constant": constant}
for name, s in schedules.items():
    final[name] = mean_final(lambda s=s: SGD(lr=s))
for name, values in final.items():
    print(f"{name:18s} final loss {values.mean():.2g}  ({values.mean() / floor:.2f} of "
          "the floor)")
decayed = [n for n in final if n != "constant"]
assert all(final[n].mean() < 0.35 * floor for n in decayed)
ratio = final["linear to zero"].mean() / final["cosine"].mean()
assert 0.7 < ratio < 1.4
assert final["WSD, 1-sqrt decay"].mean() < final["WSD, linear decay"].mean()
assert max(final["WSD, linear decay"].mean(), final["WSD, 1-sqrt decay"].mean()) > max(
    final["cosine"].mean(), final["linear to zero"].mean())

# %% [markdown]
# Every decay cuts the final loss to a fraction of the noise floor. Cosine and linear-to-zero end
# within 40 % of each other. WSD with a 20 % decay ends higher here: its decay is too short for
# the flattest direction ($\lambda = 0.05$ needs about $1/(\alpha\lambda) = 40$ steps at the
# full rate to forget, and many more as the rate falls), so noise from the constant phase is
# still in the last iterate; of the two WSD shapes, 1-sqrt, which drops the rate sooner, ends
# lower, as {cite:t}`hagele2024` found. One-cycle behaves like cosine: its warm-up costs little
# on this problem, where the start is not sharp.
#
# ## Averaging the iterates instead
#
# Keep the rate constant and average. **Polyak–Ruppert averaging**
# {cite:p}`ruppert1988,polyak1992` reports the uniform average of the iterates from step $s$ on,
#
# $$
# \begin{aligned}
# \bar\theta_k &= \frac{1}{k - s + 1}\sum_{j=s}^{k} \theta_j \\
# &= \bar\theta_{k-1} + \frac{\theta_k - \bar\theta_{k-1}}{k - s + 1},
# \end{aligned}
# $$
#
# and an **exponential moving average** with decay $\gamma$ reports
# $e_k/(1 - \gamma^k)$ with $e_k = \gamma\, e_{k-1} + (1 - \gamma)\,\theta_k$, $e_0 = 0$
# (`optax.ema` with bias correction; PyTorch's `AveragedModel` starts at $\theta_1$ instead,
# `bias_correction=False` in `gdlearn`). The iterates themselves are unchanged: the average is
# kept beside them and only evaluated. From scratch, both are two lines; `gdlearn` wraps any
# optimizer with `PolyakAveraging` and `EMA`.

# %%
def polyak_by_hand(iterates, start):
    avg = iterates[start].copy()
    for n, th in enumerate(iterates[start + 1:], start=2):
        avg += (th - avg) / n
    return avg


def ema_by_hand(iterates, gamma):
    m = np.zeros_like(iterates[0])
    for th in iterates[1:]:
        m = gamma * m + (1 - gamma) * th
    return m / (1 - gamma ** (len(iterates) - 1))


rng = np.random.default_rng(7)
wrapped_p = PolyakAveraging(SGD(lr=peak), start=T // 2)
wrapped_e = EMA(SGD(lr=peak), decay=0.99)
th_p = th_e = THETA0.copy()
path = [THETA0.copy()]
for _ in range(T):
    xi = rng.standard_normal(LAM.size)
    th_p = wrapped_p.step(th_p, LAM * th_p + xi)
    th_e = wrapped_e.step(th_e, LAM * th_e + xi)
    path.append(th_p)
assert np.array_equal(th_p, th_e)  # the wrapped optimizer's steps are unchanged
err_p = np.max(np.abs(wrapped_p.eval_params(th_p) - polyak_by_hand(path, T // 2)))
err_e = np.max(np.abs(wrapped_e.eval_params(th_e) - ema_by_hand(path, 0.99)))
assert err_p < 1e-12 and err_e < 1e-12
print("from-scratch Polyak and EMA averages equal gdlearn's to 1e-12")

# %% [markdown]
# On the noisy quadratic, at the constant rate 0.5, how much noise does each average remove?

# %%
averaged = {
    "last iterate": constant,
    "Polyak from T/2": mean_final(lambda: PolyakAveraging(SGD(lr=peak), start=T // 2)),
    "EMA, decay 0.99": mean_final(lambda: EMA(SGD(lr=peak), decay=0.99)),
}
for name, values in averaged.items():
    print(f"{name:16s} final loss {values.mean():.2g}  "
          f"(floor / {floor / values.mean():.0f})")
assert averaged["Polyak from T/2"].mean() < floor / 15
assert floor / 15 < averaged["EMA, decay 0.99"].mean() < floor / 4
assert averaged["Polyak from T/2"].mean() < min(final[n].mean() for n in decayed)

# %% [markdown]
# The Polyak average of the second half of the run beats every schedule above, at no cost to the
# iterates: an average of $n$ nearly independent points divides the variance by about $n$, and
# 500 iterates correlated over about $1/(\alpha\lambda)$ steps are worth many independent ones.
# The EMA keeps only about $1/(1 - \gamma) = 100$ recent iterates, so it removes less noise, but it
# forgets the start, which matters when the iterates are still moving. Both are what
# {cite:t}`izmailov2018` (stochastic weight averaging) and today's EMA of model weights do at
# scale.
#
# ## Schedule-Free: the average put inside the optimizer
#
# The average of a constant-rate run is good, yet the iterates themselves never see it. Defazio
# et al. {cite:p}`defazio2024` take the gradient at a point between the two: with the base
# sequence $z_k$, the average $\bar\theta_k$ and $\tilde\theta_k$ the gradient point,
#
# $$
# \begin{aligned}
# \tilde\theta_k &= (1 - \beta)\, z_k + \beta\, \bar\theta_k, \\
# z_{k+1} &= z_k - \alpha\, \nabla f(\tilde\theta_k), \\
# \bar\theta_{k+1} &= \tfrac{k}{k+1}\,\bar\theta_k
#    + \tfrac{1}{k+1}\, z_{k+1},
# \end{aligned}
# $$
#
# as in the paper's theory, so that $\bar\theta_k$ is the uniform average of the
# $z$'s, and $z_1 = \bar\theta_1 = \tilde\theta_1 = \theta_0$. (The paper's practical version
# weights the average by $\alpha_k^2$, which matters only during a warm-up; it is `gdlearn`'s
# default, `weight_lr_power=2`.) The point to evaluate is $\bar\theta_k$; the point to take the
# gradient at is $\tilde\theta_k$. In `gdlearn`, `step` returns $\tilde\theta_{k+1}$ and
# `eval_params` returns $\bar\theta_{k+1}$. Two values of $\beta$ are old friends:
#
# - $\beta = 0$: the gradient is taken at $z_k$, which is **plain SGD**, and $\bar\theta_k$ is its
#   Polyak–Ruppert average (from the start);
# - $\beta = 1$: the gradient is taken at the average itself, which is **primal averaging**
#   {cite:p}`nesterov2015`.
#
# Between them ($\beta = 0.9$ by default) the method behaves like momentum, and the paper reports
# that it matches tuned schedules without one. From scratch:

# %%
def schedule_free_sgd(grad, theta0, lr, beta, steps):
    """Schedule-Free SGD with uniform averages: gradient points and averages."""
    z, avg, point = theta0.copy(), theta0.copy(), theta0.copy()
    points, averages = [point], [avg]
    for k in range(1, steps + 1):
        z = z - lr * grad(point)
        avg = avg + (z - avg) / (k + 1)
        point = (1 - beta) * z + beta * avg
        points.append(point)
        averages.append(avg)
    return np.array(points), np.array(averages)


def grad_quad(th):
    return LAM * th - 0.3


points, averages = schedule_free_sgd(grad_quad, THETA0, 0.5, 0.9, 200)
opt = ScheduleFreeSGD(lr=0.5, momentum=0.9, weight_lr_power=None)
th = THETA0.copy()
for _ in range(200):
    th = opt.step(th, grad_quad(th))
assert np.max(np.abs(th - points[-1])) < 1e-12
assert np.max(np.abs(opt.eval_params(th) - averages[-1])) < 1e-12
print("from-scratch Schedule-Free SGD equals gdlearn's to 1e-12 (200 steps)")

# %% [markdown]
# Now the two special cases, checked on the same quadratic over 200 steps: with $\beta = 0$ the
# gradient points are exactly gradient descent's iterates and the average is their Polyak
# average from step 0; with $\beta = 1$ the gradient points are the averages.

# %%
sgd_path = [THETA0.copy()]
for _ in range(200):
    sgd_path.append(sgd_path[-1] - 0.5 * grad_quad(sgd_path[-1]))
sgd_path = np.array(sgd_path)
pts0, avg0 = schedule_free_sgd(grad_quad, THETA0, 0.5, 0.0, 200)
gap_sgd = np.max(np.abs(pts0 - sgd_path))
gap_avg = np.max(np.abs(avg0[-1] - sgd_path.mean(axis=0)))
pts1, avg1 = schedule_free_sgd(grad_quad, THETA0, 0.5, 1.0, 200)
gap_primal = np.max(np.abs(pts1 - avg1))
print("beta = 0: gradient points = gradient descent, average = Polyak average:",
      gap_sgd < 1e-12 and gap_avg < 1e-12)
print("beta = 1: gradient points = averages (primal averaging):", gap_primal == 0.0)
assert gap_sgd < 1e-12 and gap_avg < 1e-12 and gap_primal == 0.0

# %% [markdown]
# On the noisy quadratic, at the same constant rate and budget, Schedule-Free SGD is compared
# with the schedules and averages above; `minimize` and `fit` report the averaged point of any
# optimizer with `eval_params`, so nothing else in a training script changes. One thing to know
# when a run is continued with `reset=False`: start it from `Result.x_resume`, the point the
# optimizer steps from, not from `Result.x`, which is the average.

# %%
sf = mean_final(lambda: ScheduleFreeSGD(lr=peak, momentum=0.9))
print(f"Schedule-Free SGD (beta 0.9, constant rate): final loss {sf.mean():.2g} "
      f"(floor / {floor / sf.mean():.0f})")
assert sf.mean() < floor / 5
best_two = [final["cosine"].mean(), final["linear to zero"].mean()]
assert averaged["Polyak from T/2"].mean() < min(best_two)
assert max(best_two) < min(sf.mean(), averaged["EMA, decay 0.99"].mean())

# one seed, recorded, for the figure
curves = {
    "constant rate, last iterate": noisy_run(SGD(lr=peak), 0, record=True)[1],
    "cosine schedule": noisy_run(SGD(lr=schedules["cosine"]), 0, record=True)[1],
    "constant rate, Polyak from T/2": noisy_run(
        PolyakAveraging(SGD(lr=peak), start=T // 2), 0, record=True)[1],
    "Schedule-Free, its average": noisy_run(
        ScheduleFreeSGD(lr=peak, momentum=0.9), 0, record=True)[1],
}
fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
steps_axis = np.arange(1, T + 1)
for (name, c), ls in zip(curves.items(), ["-", "--", "-.", ":"], strict=True):
    shown = steps_axis >= T // 2 if "Polyak" in name else steps_axis > 0
    ax.semilogy(steps_axis[shown], c[shown], ls=ls, lw=1.6, label=name)
ax.axhline(floor, color="k", lw=2, label="predicted noise floor")
ax.set_xlabel("update k")
ax.set_ylabel("loss at the evaluated point")
ax.set_title("Noisy quadratic, rate 0.5, one seed")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
plt.show()

# %% [markdown]
# *The figure shows the loss at the evaluated point, on a log scale, against the update for one
# seed: the last iterate at a constant rate (solid) falls within a few steps to the predicted
# noise floor (thick horizontal line) and fluctuates around it until the end; the cosine schedule
# (dashed) fluctuates with it for about 400 steps and then falls, with smaller and smaller
# wiggles, to about a twentieth of the floor; the Polyak average (dash-dotted), shown from step
# 500 where it starts, falls below the floor at once and ends lowest; the Schedule-Free average
# (dotted) falls below the floor within about 50 steps and then drifts slowly down to about a
# tenth of it, with no schedule.*
#
# The measured ranking on this problem: the Polyak average of the second half is best, cosine
# and linear-to-zero next, then Schedule-Free and the EMA, all far below the noise floor; the
# Schedule-Free run needed no budget $T$ in advance, which is its point. On a deterministic
# problem the ranking would be different: averaging slows a run whose iterates are still
# improving, which is why the Polyak average starts late and why Schedule-Free interpolates.
#
# ## Key points
#
# - A warm-up helps when the curvature at the start is larger than where the run ends: measured
#   on a toy with curvature 11.8 at the start and 1.25 at the minimum, the rate 1.2 diverged
#   alone and converged after a 20-step warm-up, in under a third of the steps of the safe rate.
# - Constant-rate SGD on a noisy quadratic settles at the noise floor
#   $\sum_i \alpha/(2(2 - \alpha\lambda_i))$ (predicted 1.4, measured within 25 %).
# - With the same budget, cosine and linear-to-zero end at a small fraction of the floor and
#   within 40 % of each other; WSD with a 20 % decay ends higher on this problem, and its 1-sqrt
#   decay beats its linear one; one-cycle behaves like cosine. `OneCycle` reproduces PyTorch's
#   values to $10^{-12}$.
# - Polyak–Ruppert averaging and an EMA leave the iterates unchanged and remove noise: the
#   average of the second half beat every schedule here; the EMA, which remembers about
#   $1/(1 - \gamma)$ iterates, removed less.
# - Schedule-Free SGD takes the gradient at $\tilde\theta_k = (1 - \beta) z_k + \beta\bar\theta_k$
#   and evaluates at $\bar\theta_k$; $\beta = 0$ is SGD with its Polyak average and $\beta = 1$
#   primal averaging (checked to $10^{-12}$). `gdlearn`'s loop reports $\bar\theta_k$.
#
# ## Exercises
#
# ```{exercise} The noise floor
# :label: ex-sa-floor
# For $\theta_{k+1} = (1 - \alpha\lambda)\theta_k - \alpha\xi_k$ with independent $\xi_k$ of mean 0
# and variance 1, show that $\operatorname{Var}(\theta_k)$ tends to
# $\alpha/(\lambda(2 - \alpha\lambda))$ when $0 < \alpha\lambda < 2$, and deduce the expected loss
# $\tfrac12\lambda\operatorname{Var}(\theta_\infty)$.
# ```
#
# ```{solution-start} ex-sa-floor
# :class: dropdown
# ```
#
# Write $a = 1 - \alpha\lambda$. Since $\xi_k$ is independent of $\theta_k$,
# $v_{k+1} = a^2 v_k + \alpha^2$. With $|a| < 1$, which is $0 < \alpha\lambda < 2$, this
# converges to the fixed point $v = \alpha^2/(1 - a^2)$, and
# $1 - a^2 = \alpha\lambda(2 - \alpha\lambda)$ gives $v = \alpha/(\lambda(2 - \alpha\lambda))$.
# The expected loss is $\tfrac12\lambda v = \alpha/(2(2 - \alpha\lambda))$: to first order
# $\alpha/4$ per coordinate, whatever the curvature. Halving the rate halves the floor, which is
# what every decaying schedule exploits.
#
# ```{solution-end}
# ```
#
# ```{exercise} The weights of an exponential moving average
# :label: ex-sa-ema
# Show that $e_k/(1 - \gamma^k)$, with $e_k = \gamma e_{k-1} + (1 - \gamma)\theta_k$ and $e_0 = 0$, is a
# weighted average of $\theta_1, \dots, \theta_k$ whose weights sum to 1, and give the weight of
# $\theta_1$. Compare with PyTorch's form, which starts at $\bar\theta_1 = \theta_1$.
# ```
#
# ```{solution-start} ex-sa-ema
# :class: dropdown
# ```
#
# Unrolling, $e_k = (1 - \gamma)\sum_{j=1}^k \gamma^{k-j}\theta_j$; the weights sum to
# $(1 - \gamma)(1 - \gamma^k)/(1 - \gamma) = 1 - \gamma^k$, so dividing by $1 - \gamma^k$ gives weights
# $(1 - \gamma)\gamma^{k-j}/(1 - \gamma^k)$ that sum to 1; $\theta_1$ gets
# $(1 - \gamma)\gamma^{k-1}/(1 - \gamma^k)$. PyTorch's form unrolls to weight $\gamma^{k-1}$ on
# $\theta_1$ and $(1 - \gamma)\gamma^{k-j}$ on the others, also summing to 1. The first iterate's
# weight is $\gamma^{k-1}$ against $(1 - \gamma)\gamma^{k-1}/(1 - \gamma^k)$: PyTorch's form leans on the
# start much longer (for $\gamma = 0.99$ and $k = 10$, 0.91 against 0.10), which is why the
# bias-corrected form is `gdlearn`'s default.
#
# ```{solution-end}
# ```
#
# ```{exercise} Schedule-Free with $\beta = 0$ and $\beta = 1$
# :label: ex-sa-sf
# From the three lines of Schedule-Free SGD above, prove that
# $\bar\theta_k = \frac1k\sum_{j=1}^k z_j$, that for $\beta = 0$ the $z_k$ are plain gradient
# descent's iterates, and that for $\beta = 1$ every gradient is taken at the average.
# ```
#
# ```{solution-start} ex-sa-sf
# :class: dropdown
# ```
#
# By induction: $\bar\theta_1 = z_1$, and if $\bar\theta_k = \frac1k\sum_{j\le k} z_j$ then
# $\bar\theta_{k+1} = \frac{k}{k+1}\bar\theta_k + \frac{1}{k+1}z_{k+1} = \frac{1}{k+1}\sum_{j\le
# k+1} z_j$. With $\beta = 0$, $\tilde\theta_k = z_k$, so $z_{k+1} = z_k - \alpha\nabla f(z_k)$ is
# gradient descent and $\bar\theta_k$ the running mean of its iterates, that is the Polyak
# average from the start. With $\beta = 1$, $\tilde\theta_k = \bar\theta_k$: the gradient is taken
# at the average, and $z$ accumulates those gradients, which is primal averaging. The code above
# checks all three statements to $10^{-12}$.
#
# ```{solution-end}
# ```
#
# ## References
#
# Iterate averaging is due to {cite:t}`ruppert1988` and {cite:t}`polyak1992`; stochastic weight
# averaging to {cite:t}`izmailov2018`; the warm-up for large-batch training was popularized by
# {cite:t}`goyal2017`. One-cycle is from {cite:t}`smith2019`, cosine decay from
# {cite:t}`loshchilov2017`, warm-up–stable–decay from {cite:t}`hu2024` and {cite:t}`hagele2024`,
# and the case for linear decay to zero is made by {cite:t}`bergsma2025`. Schedule-Free learning
# is {cite:t}`defazio2024`; primal averaging is {cite:t}`nesterov2015`'s. Full entries are in the
# {doc}`../appendix/bibliography`.
