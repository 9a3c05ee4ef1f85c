# %% [markdown]
# # A fair benchmark
#
# Every chapter so far has compared optimizers, and every comparison was a small one: two or three
# methods, one problem, step sizes picked by hand. Such comparisons are easy to bias without meaning
# to. Tune your favourite method a little longer, stop the plot where it happens to lead, measure in
# the unit where it looks best, and it wins. Published comparisons of deep-learning optimizers have
# done all of these things, and their rankings disagree. The MLCommons **AlgoPerf** benchmark
# {cite:p}`dahl2023` is an answer to that: fixed workloads, each with a target; a tuning budget
# written down in advance and the same for every method; time to reach the target as the score; and
# the scores over all workloads summed up in a **performance profile** {cite:p}`dolan2002`. This
# chapter runs that method at the scale of a notebook, with every optimizer of the book.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - state the rules that make an optimizer comparison fair: workloads with targets fixed in
#   advance, the same tuning budget for every method, held-out seeds, cost counted in gradient
#   evaluations rather than seconds;
# - measure time to target, and charge a line search or a Newton step for the extra work it does;
# - compute and read a performance profile $F_s(\chi)$ and AlgoPerf's score, the area under it;
# - say what a small benchmark shows, and what it cannot show.
# ```
#
# The symbols follow the book's {doc}`../notation`; $\theta$ are the parameters, $\alpha$ the
# learning rate, $f$ the training loss.

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits
from threadpoolctl import threadpool_limits

import gdlearn
from gdlearn.benchmark import (
    Workload,
    performance_profile,
    performance_ratios,
    profile_score,
    run_to_target,
    tune,
)
from gdlearn.data import add_bias, standardize
from gdlearn.mlp import MLP
from gdlearn.models import LinearRegression, LogisticRegression
from gdlearn.objectives import Quadratic
from gdlearn.optim import (
    SGD,
    SGDHD,
    AdaDelta,
    AdaGrad,
    Adam,
    AdamHD,
    AdamW,
    ArmijoGD,
    Lion,
    Muon,
    NAdam,
    Newton,
    Prodigy,
    RMSProp,
    ScheduleFreeAdamW,
    ScheduleFreeSGD,
    SignSGD,
)
from gdlearn.plot import use_book_style

use_book_style()
threadpool_limits(limits=1)  # tiny matrices: one BLAS thread is the fastest
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## The method
#
# AlgoPerf's rules, and how this chapter follows them at a small scale:
#
# 1. **Workloads with targets.** A workload is a model, a data set and a **target**: a value of a
#    validation metric (or here, of the training loss) that counts as "trained". The targets are
#    set before any optimizer is compared. AlgoPerf sets them from the best result that tuned
#    reference methods reach; here each target is a tolerance above a reference optimum computed by
#    an exact solver, or a validation error that a long reference run beats comfortably.
# 2. **Time to target.** A run's cost is how long it takes to reach the target; a run that never
#    reaches it within the budget costs $\infty$. AlgoPerf measures wall-clock time on fixed
#    hardware. A notebook cannot (the timings of this machine would not hold on yours), so we count
#    **gradient evaluations**: one per minibatch gradient, one more for every loss value a line
#    search asks for, and $d$ for a Hessian of $d$ parameters (what $d$ Hessian-vector products or
#    a finite-difference Hessian would cost). The linear solve of a Newton step is not charged
#    separately. The budget of every run is a number of gradient evaluations too.
# 3. **The same tuning budget for everyone.** Every optimizer gets the same number of trials: five
#    values of its one tuned setting (the learning rate, or the first trial step of the line search),
#    on a ladder $1, 3, 10, 30, \dots$ placed where that method's learning rates usually lie, with
#    every other setting at its published default. The setting is chosen by the **median cost over
#    three tuning seeds** (100, 101, 102), and the five seeds that are reported (0 to 4) are never
#    used to choose. Choosing on the reported seeds would count lucky draws as skill: with five
#    trials, the best of five noisy costs is biased low.
# 4. **Seeds.** Each workload is run from 5 seeds. A seed draws the starting point and, for the two
#    minibatch workloads, the order of the minibatches.
# 5. **Performance profiles.** A problem $p$ is a (workload, seed) pair, 20 in all, and
#    $\mathcal P$ is the set of them. With $C_{p,s}$ the cost of optimizer $s$ on problem $p$, the
#    **performance ratio** and the **profile** are
#
# $$
# \begin{aligned}
# R_{p,s} &= \frac{C_{p,s}}{\min_{s'} C_{p,s'}}, \\
# F_s(\chi) &= \frac{\lvert\{p \in \mathcal P : R_{p,s} \le \chi\}\rvert}
# {\lvert\mathcal P\rvert}.
# \end{aligned}
# $$
#
# $F_s(1)$ is the share of problems on which $s$ was the fastest (ties count for each), and
# $F_s(\chi)$ for large $\chi$ is the share it solved at all. AlgoPerf summarizes a profile by
# its mean height over $1 \le \chi \le \chi_{\max}$, with $\chi_{\max} = 4$:
#
# $$
# \bar F_s = \frac{1}{\chi_{\max} - 1}\int_1^{\chi_{\max}} F_s(\chi)\,d\chi \in [0, 1].
# $$
#
# Dolan and Moré write $\tau$ for the factor, $r_{p,s}$ for the ratio and $\rho_s(\tau)$ for the
# profile, and so do `gdlearn.benchmark`'s docstrings; in this book $\tau$ is a gradient's
# staleness, $\rho$ a rate and $r^\star$ a distance, hence the letters above.
#
# AlgoPerf profiles over workloads, with one time per workload (from the best of its tuning trials).
# With only four workloads a profile would have four steps, so here each seed is a problem of its
# own, and the ratio compares optimizers on the same workload and seed.
#
# `gdlearn.benchmark` holds the machinery, which its unit tests check on tables computed by hand:
# `Workload`, `run_to_target`, `tune`, `performance_profile` and `profile_score`.

# %% [markdown]
# ## The workloads
#
# Four small problems, chosen to pull the optimizers in different directions.
#
# **A quadratic with $\kappa = 10^3$.** $f(\theta) = \frac12 (\theta - \theta^\star)^\top A
# (\theta - \theta^\star)$ in $d = 20$ dimensions (the book's $\frac12\theta^\top A\theta - c^\top
# \theta$ with $c = A\theta^\star$, shifted so that $f^\star = 0$), with eigenvalues spread
# geometrically from $10^{-3}$ to $1$ and eigenvectors in random directions, so the bad conditioning
# is not aligned with the coordinate axes. Start: $\theta_0 \sim \mathcal N(0, I)$. Target:
# $f(\theta) - f^\star \le 10^{-3}$. Full gradients.

# %%
SEEDS = [0, 1, 2, 3, 4]  # reported
TUNING_SEEDS = [100, 101, 102]  # used only to choose each optimizer's setting
setup = np.random.default_rng(2026)  # draws the workloads themselves, once

D = 20
Q_rand, _ = np.linalg.qr(setup.normal(size=(D, D)))
theta_star = setup.normal(size=D)
bowl = Quadratic(np.geomspace(1e-3, 1.0, D), rotation=Q_rand, center=theta_star)
quadratic = Workload(
    "quadratic",
    init=lambda rng: rng.normal(size=D),
    grad=lambda th, idx: bowl.grad(th),
    value=lambda th, idx: bowl.value(th),
    score=lambda th: bowl.value(th),  # f* = 0
    target=1e-3,
    budget=200,
    hess=lambda th, idx: bowl.hess(th),
)
gaps0 = [bowl.value(np.random.default_rng(s).normal(size=D)) for s in SEEDS]
print(f"kappa = {bowl.kappa:.0f}; starting gap f(theta_0) - f*: "
      f"{min(gaps0):.1f} to {max(gaps0):.1f}; target 1e-3")
assert np.isclose(bowl.kappa, 1e3)

# %% [markdown]
# **Logistic regression on breast cancer.** The 569 tumours of scikit-learn's breast-cancer data
# {cite:p}`street1993,pedregosa2011`, 30 standardized features and a bias, with an $L_2$ penalty
# $\nu = 10^{-2}$ so that the minimum is unique. The reference optimum $f^\star$ comes from
# Newton's method run on all the data until the gradient vanishes. Minibatches of $B = 32$ (17 per
# epoch). Start: $\theta_0 \sim \mathcal N(0, 0.1^2 I)$. Target: training loss
# $f(\theta) - f^\star \le 10^{-2}$.

# %%
X_bc, y_bc = load_breast_cancer(return_X_y=True)
X_bc = add_bias(standardize(X_bc)[0])
logreg = LogisticRegression(X_bc, y_bc, l2=1e-2)
w_ref = np.zeros(logreg.n_features)
for _ in range(30):  # the reference solver: full Newton steps
    w_ref = Newton(lr=1.0).step(w_ref, logreg.grad(w_ref), logreg.hess(w_ref))
f_logreg = logreg.value(w_ref)
assert np.linalg.norm(logreg.grad(w_ref)) < 1e-10
logistic = Workload(
    "logistic",
    init=lambda rng: rng.normal(scale=0.1, size=logreg.n_features),
    grad=lambda th, idx: logreg.grad(th, idx),
    value=lambda th, idx: logreg.value(th, idx),
    score=lambda th: logreg.value(th) - f_logreg,
    target=1e-2,
    budget=200,
    n_samples=logreg.n_samples,
    batch_size=32,
    hess=lambda th, idx: logreg.hess(th, idx),
)
print(f"{logreg.n_samples} examples, {logreg.n_features} parameters; "
      f"reference f* = {f_logreg:.4f} (gradient norm < 1e-10)")

# %% [markdown]
# **The MLP on digits.** The network of Part III: scikit-learn's 1797 handwritten digits
# ($8\times 8$ pixels), split once into 1200 training and 597 validation images, pixels
# standardized with the training statistics, one hidden layer of 32 tanh units and a softmax output
# (`gdlearn.mlp.MLP`, 2,410 parameters, Xavier-normal initialization drawn from the seed).
# Minibatches of $B = 64$ (18 per epoch). Target: **validation error** $\le 5\,\%$, checked every
# 5 steps. To see that the target is reachable but not trivial, a reference run of Adam
# ($\alpha = 0.01$) trains for 600 steps and records the best validation error it sees.

# %%
X_dg, y_dg = load_digits(return_X_y=True)
order = setup.permutation(len(y_dg))
train, val = order[:1200], order[1200:]
X_tr, mean_tr, std_tr = standardize(X_dg[train])
X_va = standardize(X_dg[val], mean_tr, std_tr)[0]
net = MLP(X_tr, y_dg[train], hidden=(32,), activation="tanh", output="softmax")


def val_error(p):
    """Share of the validation images the network gets wrong."""
    return float(np.mean(net.predict(p, X_va) != y_dg[val]))


mlp = Workload(
    "mlp",
    init=lambda rng: net.init(rng),
    grad=lambda p, idx: net.grad(p, idx),
    value=lambda p, idx: net.value(p, idx),
    score=val_error,
    target=0.05,
    budget=120,
    eval_every=5,
    n_samples=1200,
    batch_size=64,
)
ref_rng = np.random.default_rng(99)
p_ref, ref_opt, best_ref = net.init(ref_rng), Adam(lr=0.01), 1.0
for k in range(600):
    idx = ref_rng.choice(1200, size=64, replace=False)
    p_ref = ref_opt.step(p_ref, net.grad(p_ref, idx))
    if (k + 1) % 50 == 0:
        best_ref = min(best_ref, val_error(p_ref))
print(f"{net.n_params} parameters; reference run: best validation error "
      f"{100 * best_ref:.1f} % (target 5 %)")
assert best_ref < 0.04

# %% [markdown]
# **Ill-conditioned least squares.** $n = 200$ examples, $d = 10$ standard-normal features whose
# columns are then scaled by factors from 1 down to 0.01, as raw features in different units would
# be (the situation of {doc}`../part4/ill_conditioning`), and targets from a random linear model
# plus noise. Unlike the quadratic, this bad conditioning is aligned with the coordinate axes,
# where a per-coordinate step size can undo it. The reference $f^\star$ is the least-squares
# solution (`LinearRegression.solve`, numpy's `lstsq`). Start: $\theta_0 \sim \mathcal N(0, I)$.
# Target: $f(\theta) - f^\star \le 10^{-3}$. Full gradients.

# %%
n_ls, d_ls = 200, 10
X_ls = setup.normal(size=(n_ls, d_ls)) * np.geomspace(1.0, 0.01, d_ls)
y_ls = X_ls @ setup.normal(size=d_ls) + 0.1 * setup.normal(size=n_ls)
ols = LinearRegression(X_ls, y_ls)
f_ols = ols.value(ols.solve())
eig_ls = np.linalg.eigvalsh(ols.hess())
least_squares = Workload(
    "least squares",
    init=lambda rng: rng.normal(size=d_ls),
    grad=lambda th, idx: ols.grad(th),
    value=lambda th, idx: ols.value(th),
    score=lambda th: ols.value(th) - f_ols,
    target=1e-3,
    budget=200,
    hess=lambda th, idx: ols.hess(),
)
print(f"condition number of the Hessian: about {eig_ls[-1] / eig_ls[0]:.1e}")

WORKLOADS = [quadratic, logistic, mlp, least_squares]
print(f"\n{'workload':<15}{'minibatch':>10}{'target':>9}{'budget':>8}{'checked':>9}")
for wl in WORKLOADS:
    batch = f"{wl.batch_size}" if wl.batch_size else "all"
    print(f"{wl.name:<15}{batch:>10}{wl.target:>9g}{wl.budget:>8}"
          f"{'every ' + str(wl.eval_every):>9}")

# %% [markdown]
# ## The contestants and their tuning budget
#
# Every optimizer of the book is in the race, each in one line of the registry below: its
# constructor for a given value of the tuned setting, and the five values tried. Adding an
# optimizer is adding a line. The fixed settings are the defaults of `gdlearn` (which are
# PyTorch's), except the momentum $\beta = 0.9$ of heavy ball and Nesterov (the default is no
# momentum at all). Four remarks on what the defaults mean here:
#
# - `AdamW`'s default decoupled weight decay $\nu = 10^{-2}$ moves its fixed point slightly away
#   from the minimizer of $f$; it is left on, as a user who takes the default would.
# - `Muon` orthogonalizes the update of a weight *matrix*. On the three workloads whose parameters
#   are one vector, it runs entirely on its documented fallback, AdamW with $\beta_2 = 0.95$ and no
#   weight decay; only the MLP tests Muon proper. Jordan et al. advise AdamW for the first and the
#   last layer, which in a network with one hidden layer would leave Muon nothing, so here both
#   weight matrices take the Muon update and only the biases take the fallback.
# - `Newton` needs a Hessian, which `gdlearn`'s MLP does not provide (and which would cost 2,410
#   gradient evaluations per step). It runs on the other three workloads and counts as not solving
#   the MLP.
# - The hypergradient methods `SGDHD` and `AdamHD` keep their default hypergradient rates $\psi$;
#   their initial learning rate is tuned like everybody's.


# %%
def ladder(first, n=5):
    """n values of the ladder ..., 0.01, 0.03, 0.1, 0.3, 1, 3, ... from `first` on."""
    rungs = [float(f"{m}e{e}") for e in range(-4, 3) for m in (1, 3)]
    return rungs[rungs.index(first):][:n]


REGISTRY = {  # name: (constructor of one setting, the settings tried)
    "SGD": (lambda a: SGD(lr=a), ladder(0.1)),
    "heavy ball": (lambda a: SGD(lr=a, momentum=0.9), ladder(0.03)),
    "Nesterov": (lambda a: SGD(lr=a, momentum=0.9, nesterov=True), ladder(0.03)),
    "AdaGrad": (lambda a: AdaGrad(lr=a), ladder(0.1)),
    "RMSProp": (lambda a: RMSProp(lr=a), ladder(0.001)),
    "AdaDelta": (lambda a: AdaDelta(lr=a), ladder(1.0)),
    "Adam": (lambda a: Adam(lr=a), ladder(0.01)),
    "AdamW": (lambda a: AdamW(lr=a), ladder(0.01)),
    "AMSGrad": (lambda a: Adam(lr=a, amsgrad=True), ladder(0.01)),
    "Newton": (lambda a: Newton(lr=a), [0.1, 0.2, 0.3, 0.5, 1.0]),
    "ArmijoGD": (lambda a: ArmijoGD(alpha0=a), ladder(1.0)),
    "SGDHD": (lambda a: SGDHD(lr=a), ladder(0.1)),
    "AdamHD": (lambda a: AdamHD(lr=a), ladder(0.01)),
    "NAdam": (lambda a: NAdam(lr=a), ladder(0.01)),
    "SignSGD": (lambda a: SignSGD(lr=a), ladder(0.001)),
    "Lion": (lambda a: Lion(lr=a), ladder(0.001)),
    "Muon": (lambda a: Muon(lr=a), ladder(0.01)),
    "ScheduleFreeSGD": (lambda a: ScheduleFreeSGD(lr=a), ladder(0.1)),
    "ScheduleFreeAdamW": (lambda a: ScheduleFreeAdamW(lr=a), ladder(0.01)),
    "Prodigy": (lambda a: Prodigy(lr=a), ladder(0.1)),
}
NAMES = list(REGISTRY)
print(f"{len(NAMES)} optimizers, {len(REGISTRY['SGD'][1])} settings each, "
      f"{len(TUNING_SEEDS)} tuning seeds: every optimizer gets "
      f"{len(REGISTRY['SGD'][1]) * len(TUNING_SEEDS)} tuning runs per workload")
for name, (_, grid) in REGISTRY.items():
    what = "alpha0" if name == "ArmijoGD" else "lr"
    print(f"  {name:<18}{what:<7}" + "  ".join(f"{v:g}" for v in grid))
    assert len(grid) == 5

# %% [markdown]
# ## Running the benchmark
#
# For each workload and optimizer: tune on the three tuning seeds, then run the chosen setting from
# the five reported seeds and record its cost in gradient evaluations and in steps. A tuning run is
# stopped as soon as it has spent more than the best median so far: it can no longer be chosen, so
# the choice is the same as without the cut (a unit test of `gdlearn.benchmark` checks this).

# %%
def applies(name, wl):
    """Newton needs a Hessian; the MLP workload has none."""
    return not (name == "Newton" and wl.hess is None)


n_p = len(WORKLOADS) * len(SEEDS)
evals = np.full((n_p, len(NAMES)), np.inf)  # rows: (workload, seed) problems
steps = np.full((n_p, len(NAMES)), np.inf)
chosen = {}
with np.errstate(over="ignore", invalid="ignore"):  # diverging runs overflow; they
    for w, wl in enumerate(WORKLOADS):  # are recorded as misses
        for s, name in enumerate(NAMES):
            if not applies(name, wl):
                continue
            make, grid = REGISTRY[name]
            chosen[wl.name, name], _ = tune(wl, make, grid, TUNING_SEEDS)
            for j, seed in enumerate(SEEDS):
                run = run_to_target(
                    wl, make(chosen[wl.name, name]), np.random.default_rng(seed)
                )
                evals[w * len(SEEDS) + j, s] = run.evals
                steps[w * len(SEEDS) + j, s] = run.steps

print("chosen setting (lr, or alpha0 for ArmijoGD) on each workload:")
print(f"{'':<18}" + "".join(f"{wl.name:>14}" for wl in WORKLOADS))
for name in NAMES:
    cells = [
        f"{chosen[wl.name, name]:>14g}" if applies(name, wl) else f"{'-':>14}"
        for wl in WORKLOADS
    ]
    print(f"{name:<18}" + "".join(cells))
edge = sum(
    chosen[wl.name, n] in (REGISTRY[n][1][0], REGISTRY[n][1][-1])
    for wl in WORKLOADS
    for n in NAMES
    if applies(n, wl)
)
n_pairs = len(chosen)
print(f"\n{edge} of {n_pairs} choices sit at an end of their ladder")

# %% [markdown]
# ## Results
#
# First the raw material: for each workload, the median cost over the five seeds and the number of
# seeds that reached the target. The medians are rounded to two significant figures: a count that
# depends on when a tolerance is crossed is not exact to the last step on every machine.


# %%
def about(x):
    """A cost rounded to two significant figures, or '-' for a miss."""
    return f"{float(f'{x:.2g}'):g}" if np.isfinite(x) else "-"


print("median gradient evaluations to target (seeds that reached it, of 5)")
print(f"{'':<18}" + "".join(f"{wl.name:>14}" for wl in WORKLOADS))
for s, name in enumerate(NAMES):
    cells = []
    for w, wl in enumerate(WORKLOADS):
        col = evals[w * len(SEEDS):(w + 1) * len(SEEDS), s]
        if not applies(name, wl):
            cells.append(f"{'n/a':>14}")
            continue
        med = np.median(col)  # a miss counts as infinite
        cells.append(f"{about(med) + f' ({np.isfinite(col).sum()})':>14}")
    print(f"{name:<18}" + "".join(cells))

# %% [markdown]
# Read by workload, the table already tells most of the story.
#
# - On the **quadratic**, Newton's method needs one step: 21 evaluations, the gradient and a
#   Hessian of 20. Of the first-order methods, those with momentum (heavy ball, Nesterov, Adam and
#   its relatives, Muon's AdamW fallback) reach the target in about 60 to 140 evaluations. SGD and
#   the methods that only rescale each coordinate (AdaGrad, RMSProp, AdaDelta) miss it: the bad
#   conditioning lies along rotated directions, which a per-coordinate step size cannot undo.
# - The **least-squares** problem is as badly conditioned, but along the coordinate axes, and
#   the ranking turns over: AdaGrad, RMSProp and ScheduleFreeAdamW need fewer than ten
#   evaluations, and plain SGD misses again.
# - On **logistic regression** and the **MLP**, almost every method reaches the target: most
#   medians lie between 10 and 45 evaluations on the first and between 35 and 90 on the second.
#   Newton's method misses the logistic target: each of its steps costs $1 + 31 = 32$
#   evaluations, so the budget of 200 allows six steps, each fitted to a minibatch of 32
#   examples. Lion, at its best setting, reaches the MLP's target on one seed of five.
# - `SGDHD` and `AdamHD` score the same as `SGD` and `Adam`: with their default hypergradient
#   rates $\psi$ the learned rate hardly moves in a few hundred steps.
#
# Now the profiles. The table gives $F_s(\chi)$ at a few values of $\chi$, over the 20
# (workload, seed) problems, the share solved at all, and the score $\bar F_s$; it is sorted by the
# score.

# %%
TAUS = [1.0, 2.0, 4.0, 16.0]
rho = performance_profile(evals, TAUS)
score = profile_score(evals, tau_max=4.0)
solved = np.isfinite(evals).mean(axis=0)
rank = np.argsort(-score, kind="stable")
print(f"{'optimizer':<18}" + "".join(f"{'F(' + f'{t:g}' + ')':>8}" for t in TAUS)
      + f"{'solved':>8}{'score':>7}")
for s in rank:
    print(f"{NAMES[s]:<18}" + "".join(f"{r:>8.2f}" for r in rho[:, s])
          + f"{solved[s]:>8.2f}{score[s]:>7.2f}")

# %% [markdown]
# The profiles themselves, split into four panels by family so that each curve can be told apart;
# the other sixteen curves are drawn in grey behind each panel.

# %%
PANELS = {
    "gradient descent and second order": ["SGD", "heavy ball", "Nesterov", "Newton",
                                          "ArmijoGD"],
    "adaptive (Part III)": ["AdaGrad", "RMSProp", "AdaDelta", "Adam", "AdamW",
                            "AMSGrad"],
    "sign, orthogonal and NAdam (Part VI)": ["SignSGD", "Lion", "Muon", "NAdam"],
    "learning the rate, or no schedule": ["SGDHD", "AdamHD", "ScheduleFreeSGD",
                                          "ScheduleFreeAdamW", "Prodigy"],
}
STYLES = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D"), ((0, (5, 1, 1, 1)), "v"),
          ((0, (1, 1)), "P")]
tau_grid = np.geomspace(1, 64, 400)
rho_grid = performance_profile(evals, tau_grid)
fig, axes = plt.subplots(2, 2, figsize=(9, 7), sharex=True, sharey=True)
for ax, (title, members) in zip(axes.flat, PANELS.items(), strict=True):
    for s in range(len(NAMES)):
        ax.step(tau_grid, rho_grid[:, s], where="post", color="0.85", lw=0.8)
    for (ls, marker), name in zip(STYLES, members, strict=False):
        s = NAMES.index(name)
        ax.step(tau_grid, rho_grid[:, s], where="post", ls=ls, lw=1.6, label=name,
                marker=marker, markevery=(s * 7 % 40, 60), ms=5)
    ax.set_xscale("log", base=2)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_ylim(-0.02, 1.02)
for ax in axes[1]:
    ax.set_xlabel("factor chi of the best cost")
for ax in axes[:, 0]:
    ax.set_ylabel("share of problems")
fig.suptitle("Performance profiles, cost in gradient evaluations (20 problems)")
plt.show()

# %% [markdown]
# *The figure shows the performance profiles of all twenty optimizers in four panels by family:
# each curve is the share of the 20 workload-seed problems that an optimizer solves within a
# factor chi of the fastest one, on a logarithmic chi axis from 1 to 64, with the curves of the
# other families in grey.*

# %% [markdown]
# ## What the benchmark says
#
# The conclusions, each printed from the tables above and checked by an `assert`:

# %%
DIAGONAL = {"AdaGrad", "RMSProp", "AdaDelta", "Adam", "AdamW", "AMSGrad", "AdamHD",
            "NAdam", "ScheduleFreeAdamW", "Prodigy"}  # a step size per coordinate
print("1. highest scores: "
      + ", ".join(f"{NAMES[s]} ({score[s]:.2f})" for s in rank[:3])
      + ": all with a per-coordinate step size")
assert {NAMES[s] for s in rank[:3]} <= DIAGONAL

print(f"2. largest share of wins F(1): {rho[0].max():.2f}; fastest median:")
winners = {}
for w, wl in enumerate(WORKLOADS):
    med = np.median(evals[w * len(SEEDS):(w + 1) * len(SEEDS)], axis=0)
    winners[wl.name] = [NAMES[s] for s in np.flatnonzero(med == med.min())]
    print(f"   {wl.name:<14}" + ", ".join(winners[wl.name]))
assert rho[0].max() < 0.5 and winners["quadratic"] == ["Newton"]
assert len({name for names in winners.values() for name in names}) >= 3

every = [NAMES[s] for s in np.flatnonzero(solved == 1)]
print(f"3. reached the target on all 20 problems: {', '.join(every)}")
quad = slice(0, len(SEEDS))
brittle = [n for n in ["AdaGrad", "RMSProp"]
           if np.isfinite(evals[quad, NAMES.index(n)]).sum() == 0]
print(f"   fast elsewhere, but no quadratic seed solved: {', '.join(brittle)}")
assert "heavy ball" in every and "Adam" in every and len(brittle) == 2
assert all(score[NAMES.index(n)] > score[NAMES.index("Adam")] for n in brittle)

sgd, hb = NAMES.index("SGD"), NAMES.index("heavy ball")
n_sgd, n_hb = np.isfinite(evals[quad, sgd]).sum(), np.isfinite(evals[quad, hb]).sum()
print(f"4. quadratic (kappa = 1000): SGD solved {n_sgd} of 5, heavy ball {n_hb} of 5")
assert n_sgd == 0 and n_hb == 5

for a, b in [("SGDHD", "SGD"), ("AdamHD", "Adam")]:
    sa, sb = score[NAMES.index(a)], score[NAMES.index(b)]
    print(f"5. {a} scores {sa:.2f}, {b} {sb:.2f}")
    assert abs(sa - sb) < 0.02

# %% [markdown]
# The first conclusion deserves care. The top three scores lie within a few hundredths of each
# other, and they are earned differently: AdaGrad and RMSProp owe their scores to the three
# workloads other than the quadratic, of whose seeds they solve none, while
# ScheduleFreeAdamW solved all twenty problems. A reader who needs one optimizer for problems
# they have not seen should look at $F_s(16)$ and the share solved as much as at $\bar F_s$: heavy
# ball, Adam and ScheduleFreeAdamW solve everything, and heavy ball is within a factor of four of
# the best on 65 % of the problems.
#
# What the benchmark does *not* show, because of how it was built:
#
# - **Four small problems.** AlgoPerf's workloads are eight large networks (images, speech,
#   text, graphs); here the largest model has 2,410 parameters. Rankings at this scale need not
#   hold at that one.
# - **Gradient evaluations are not seconds.** They ignore the work of a step beyond its gradient:
#   Muon's Newton–Schulz iterations, Newton's linear solve, the extra vector operations of Adam.
#   On a real accelerator those costs, and memory, matter.
# - **The tuning budget.** Five rungs of a ladder, one setting tuned: the printout counts how many
#   choices sat at an end of their ladder, where a longer ladder might have found a better
#   setting. Methods with more settings worth tuning (Adam's $\beta_2$, Lion's $\beta$'s,
#   momentum) are tuned less than fully.
# - **Constant schedules.** Every method ran at a constant learning rate, while AlgoPerf lets a
#   submission bring its own warm-up and decay; ScheduleFreeSGD, ScheduleFreeAdamW and Prodigy
#   carry their own schedule inside, which is part of what they are.
# - **Targets chosen by the author.** A tighter target would hurt methods that hover at a
#   distance from the minimum at a constant step (SignSGD, Lion), and a looser one would bring
#   more methods into a tie.

# %% [markdown]
# ## Counting in steps instead
#
# Two optimizers do more than one gradient's work per step: the line search (a loss value for
# every trial step, including the current point) and Newton's method (a Hessian). Counted in
# steps, as a plot of loss against iterations would count them, both look much better, and
# every other method looks a little worse, because the ratios are taken against a faster field.

# %%
score_steps = profile_score(steps, tau_max=4.0)
for name in ["ArmijoGD", "Newton", "heavy ball", "Adam"]:
    s = NAMES.index(name)
    print(f"{name:<11} score counted in gradient evaluations {score[s]:.2f}, "
          f"in steps {score_steps[s]:.2f}")
armijo, newton = NAMES.index("ArmijoGD"), NAMES.index("Newton")
assert score_steps[armijo] > 3 * score[armijo] and score_steps[newton] > score[newton]

# %% [markdown]
# ## Key points
#
# - A fair comparison fixes the workloads and their targets first, gives every optimizer the same
#   tuning budget (here five settings times three held-out seeds), and reports seeds that were
#   not used to choose.
# - Time to target is counted in work: gradient evaluations, with a line search charged for its
#   loss values and Newton for its Hessian. Counted in steps, both look far better than they are.
# - A performance profile $F_s(\chi)$ shows, for every factor $\chi$, the share of problems an
#   optimizer solves within $\chi$ times the best; $F_s(1)$ is its share of wins and
#   $F_s(\infty)$ its share solved. AlgoPerf's score is the mean height of the profile up to
#   $\chi = 4$.
# - Limits: four small workloads, one machine's arithmetic, one tuned setting per optimizer on a
#   five-point ladder, targets chosen by the author. The ranking is a measurement of these choices,
#   not a verdict on the optimizers.
#
# ## Exercises
#
# ```{exercise} Wins and ties
# :label: ex-bench-ties
# Show that $\sum_s F_s(1)$ is at least the share of problems solved by some optimizer, with
# equality exactly when no problem has two fastest optimizers. Check the inequality on the
# benchmark's table, and count the ties.
# ```
#
# ```{solution-start} ex-bench-ties
# :class: dropdown
# ```
#
# $\lvert\mathcal P\rvert \sum_s F_s(1) = \sum_p \lvert\{s : R_{p,s} = 1\}\rvert$. A problem that
# someone solved has at least one optimizer with $R_{p,s} = 1$, and exactly one unless there is a tie; a problem nobody
# solved has none. Summing over problems gives the claim.

# %%
wins = (performance_ratios(evals) == 1).sum(axis=1)
print(f"sum of F(1) = {rho[0].sum():.2f}; share solved by someone = "
      f"{np.mean(wins > 0):.2f}; problems with a tie for first: {(wins > 1).sum()}")
assert np.isclose(rho[0].sum(), np.mean(wins)) and rho[0].sum() >= np.mean(wins > 0)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The score as an average over problems
# :label: ex-bench-score
# Show that AlgoPerf's score is the mean over problems of a simple function of the ratio:
#
# $$
# \bar F_s = \frac{1}{\lvert\mathcal P\rvert}\sum_{p \in \mathcal P}
# \frac{\max(0,\ \chi_{\max} - R_{p,s})}{\chi_{\max} - 1}.
# $$
#
# Which
# problems do not count at all? Check the formula against a fine numerical integral of the profile.
# ```
#
# ```{solution-start} ex-bench-score
# :class: dropdown
# ```
#
# $F_s(\chi) = \frac{1}{\lvert\mathcal P\rvert}\sum_p \mathbf 1[R_{p,s} \le \chi]$, so after
# exchanging sum and integral, $\int_1^{\chi_{\max}} \mathbf 1[R_{p,s} \le \chi]\,d\chi$ is the
# length of $[\max(1, R_{p,s}), \chi_{\max}]$, which is $\max(0, \chi_{\max} - R_{p,s})$ since
# $R_{p,s} \ge 1$. A problem solved more than $\chi_{\max} = 4$ times slower than the best counts
# exactly like a problem not solved: the score rewards being near the best, not merely finishing.

# %%
fine = np.linspace(1, 4, 300_001)
riemann = performance_profile(evals, fine)[:-1].mean(axis=0)
print(f"formula and integral agree to 1e-4: {np.allclose(score, riemann, atol=1e-4)}")
assert np.allclose(score, riemann, atol=1e-4)

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} A profile is relative to the field
# :label: ex-bench-relative
# Ratios divide by the best optimizer in the field, so adding a contestant can change how two
# others compare. Build a table of two problems and two optimizers A and B where B has the higher
# score $\bar F_s$, and a third optimizer C whose arrival makes A's score the higher one.
# ```
#
# ```{solution-start} ex-bench-relative
# :class: dropdown
# ```
#
# Take costs A = (10, 30) and B = (12, 24) on the two problems. Alone, A is best on problem 1
# (ratio 1) and B is 1.2 times slower; on problem 2 B is best and A is 1.25 times slower, so
# $\bar F_A = (3 + 2.75)/6$ and $\bar F_B = (2.8 + 3)/6$, and B leads. Now add C = (4, 100). On problem 1 the
# best is 4, so A's ratio becomes 2.5 and B's 3: A's score drops by $1.5/6$ and B's by $1.8/6$,
# and A leads. Nothing about A and B changed; only the field did. A profile ranks optimizers
# relative to the field that was run, which is one more reason to read it beside the raw costs.

# %%
table = np.array([[10.0, 12.0], [30.0, 24.0]])
alone = profile_score(table)
with_c = profile_score(np.column_stack([table, [4.0, 100.0]]))[:2]
print(f"A vs B alone: {alone[0]:.3f} vs {alone[1]:.3f}; "
      f"with C in the field: {with_c[0]:.3f} vs {with_c[1]:.3f}")
assert alone[1] > alone[0] and with_c[0] > with_c[1]

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The method is AlgoPerf's {cite:p}`dahl2023`; performance profiles are due to
# {cite:t}`dolan2002`. The data sets ship with scikit-learn {cite:p}`pedregosa2011`; the
# breast-cancer data are from {cite:t}`street1993`. The optimizers are introduced in their own
# chapters: {doc}`../part3/momentum`, {doc}`../part3/adaptive_methods`,
# {doc}`../part3/schedules_linesearch`, {doc}`../part3/newton`, {doc}`../part4/hypergradient`
# and the chapters of Part VI. Full entries are in the {doc}`../appendix/bibliography`.
