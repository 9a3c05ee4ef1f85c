# %% [markdown]
# # Parallel and distributed gradient descent on Dask
#
# When the data no longer fit on one machine, or one processor is too slow, the gradient has to be computed
# in pieces. The loss of most models is an average over examples, so its gradient is an average too, and
# averages split well: each machine computes the gradient of its own share of the data and only the results
# travel. This chapter does that on a real (if small) cluster of worker processes run by Dask
# {cite}`rocklin2015`, checks that the synchronous version takes exactly the steps of ordinary gradient
# descent, and then measures what happens when the machines stop waiting for each other and the gradients
# arrive late.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - split a data set into shards, place them on workers, and combine the shard gradients into the exact
#   full gradient (weighted by shard size);
# - run synchronous data-parallel gradient descent with `dask.distributed` and show it equals ordinary
#   gradient descent;
# - explain asynchronous training with a parameter server and model its effect as *stale* gradients;
# - derive the largest stable learning rate with staleness $\tau$ on a quadratic, about $\pi/((2\tau+1)L)$,
#   and measure how staleness changes convergence;
# - point the same code at a real cluster.
# ```

# %%
import logging

import matplotlib.pyplot as plt
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import load_diabetes

from gdlearn.data import standardize
from gdlearn.loop import minimize
from gdlearn.models import LinearRegression
from gdlearn.optim import SGD

np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

# %% [markdown]
# ## The problem: ridge regression on the diabetes data
#
# We reuse the diabetes data of {doc}`../part1/why_optimization`: 442 patients, ten standardized
# measurements, and the disease progression one year later, which we also standardize (so no intercept is
# needed). The model is least squares with a small ridge penalty $\lambda = 0.1$ (see
# {doc}`../part4/regularization`):
#
# $$
# J(w) = \frac{1}{2n}\|Xw - y\|^2 + \frac{\lambda}{2}\|w\|^2, \qquad
# \nabla J(w) = \frac1n X^\top(Xw - y) + \lambda w .
# $$
#
# The loss is a quadratic with Hessian $H = X^\top X/n + \lambda I$, so everything about gradient descent
# on it can be predicted from the eigenvalues of $H$; the penalty keeps the condition number moderate
# (without it, the correlated blood-serum measurements push it into the hundreds; {doc}`../part4/ill_conditioning`).

# %%
data = load_diabetes()
X = standardize(data.data)[0]
y = (data.target - data.target.mean()) / data.target.std()
n, d = X.shape
LAMBDA = 0.1
model = LinearRegression(X, y, l2=LAMBDA)
H = model.hess()
eig = np.linalg.eigvalsh(H)
L, mu = eig.max(), eig.min()
w_star = model.solve()
f_star, f0 = model.value(w_star), model.value(np.zeros(d))
eig_plain = np.linalg.eigvalsh(X.T @ X / n)
print(f"n = {n}, d = {d}, L = {L:.4f}, mu = {mu:.4f}, condition number = {L / mu:.1f} "
      f"(without the penalty: {eig_plain.max() / eig_plain.min():.0f})")
print(f"loss at w = 0: {f0:.4f}, minimum loss: {f_star:.4f}")

# %% [markdown]
# ## Shards and the exact full gradient
#
# Split the rows into $K$ disjoint shards $S_1, \dots, S_K$ with $n_k$ rows each, and let
# $J_k(w) = \frac{1}{2 n_k}\|X_k w - y_k\|^2 + \frac\lambda2\|w\|^2$ be the loss on shard $k$ alone. Because
# $J$ averages over rows and the weights $n_k/n$ sum to one,
#
# $$
# J(w) = \sum_{k=1}^K \frac{n_k}{n}\, J_k(w), \qquad
# \nabla J(w) = \sum_{k=1}^K \frac{n_k}{n}\, \nabla J_k(w) .
# $$
#
# The full gradient is the average of the shard gradients **weighted by shard size**. A plain mean
# $\frac1K\sum_k \nabla J_k$ is right only when all shards have the same size. To make the difference
# visible we shuffle the rows (data sets are often stored in some order) and cut them into two unequal
# shards, of 300 and 142 rows.

# %%
order = rng.permutation(n)
cuts = [order[:300], order[300:]]
sizes = np.array([len(c) for c in cuts])
weights = sizes / n
shard_data = [(X[c], y[c]) for c in cuts]


def shard_gradient(Xk, yk, w, l2):
    """Gradient of the ridge loss on one shard: X_k^T (X_k w - y_k) / n_k + l2 * w."""
    return Xk.T @ (Xk @ w - yk) / len(yk) + l2 * w


w_test = rng.normal(size=d)
g_shards = [shard_gradient(Xk, yk, w_test, LAMBDA) for Xk, yk in shard_data]
g_weighted = sum(wk * gk for wk, gk in zip(weights, g_shards, strict=True))
g_plain = np.mean(g_shards, axis=0)
print("shard sizes:", sizes.tolist(), " weights:", np.round(weights, 4).tolist())
print(f"|weighted average - full gradient| = {np.linalg.norm(g_weighted - model.grad(w_test)):.1e}")
print(f"|plain mean       - full gradient| = {np.linalg.norm(g_plain - model.grad(w_test)):.1e}")
assert np.allclose(g_weighted, model.grad(w_test))
assert not np.allclose(g_plain, model.grad(w_test), rtol=1e-3)

# %% [markdown]
# ## A cluster on this machine
#
# Dask's `distributed` scheduler runs Python functions on *workers*, separate processes that may sit on other
# machines, and a *client* in our process sends them work. `LocalCluster` starts a scheduler and workers on
# this computer: two worker processes with one thread each, talking over the loopback network exactly as
# they would across machines. (The options keep it quiet: no fixed dashboard port, only errors logged.)

# %%
cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                       dashboard_address=":0", silence_logs=logging.ERROR)
client = Client(cluster)
workers = sorted(client.scheduler_info()["workers"])
print("workers:", len(workers), " threads per worker:", [client.nthreads()[a] for a in workers])

# %% [markdown]
# Each shard is sent once to its own worker with `client.scatter` (pinned there with `workers=`). The client
# keeps only *futures*, small handles that name data living on a worker. From now on the data never move:
# each step sends the parameters out and gets gradients back.

# %%
shards = [client.scatter([Xk, yk], workers=[addr]) for (Xk, yk), addr in zip(shard_data, workers, strict=True)]
for k, (Xf, yf) in enumerate(shards):
    holders = client.who_has([Xf, yf])
    where = {workers.index(a) for addrs in holders.values() for a in addrs}
    print(f"shard {k}: {sizes[k]} rows, held by worker(s) {sorted(where)}")
data_bytes = X.nbytes + y.nbytes
step_bytes = 2 * len(workers) * w_test.nbytes
print(f"data moved once: {data_bytes} bytes; moved per step: {step_bytes} bytes "
      f"(parameters out, gradients back)")


# %% [markdown]
# ## Synchronous data-parallel gradient descent
#
# One step of synchronous data-parallel gradient descent:
#
# 1. the driver sends the current $w_t$ to every worker;
# 2. worker $k$ computes $\nabla J_k(w_t)$ on its shard;
# 3. the driver waits for **all** of them, averages with weights $n_k/n$ and updates
#    $w_{t+1} = w_t - \alpha \sum_k \frac{n_k}{n}\nabla J_k(w_t)$.
#
# `client.submit(f, *args, workers=[addr])` runs `f` on that worker and returns a future at once;
# `client.gather` waits for the results. Futures passed as arguments (our shards) are replaced by their
# data on the worker, so only $w_t$ travels.

# %%
def submit_gradients(w):
    """Start the gradient of every shard at w, each on the worker that holds the shard."""
    return [client.submit(shard_gradient, Xf, yf, w, LAMBDA, workers=[addr], pure=False)
            for (Xf, yf), addr in zip(shards, workers, strict=True)]


def combine(shard_grads):
    """The full gradient: the shard gradients averaged with weights n_k / n."""
    return sum(wk * gk for wk, gk in zip(weights, shard_grads, strict=True))


def sync_gd(w0, lr, steps):
    path = [w0]
    for _ in range(steps):
        g = combine(client.gather(submit_gradients(path[-1])))
        path.append(path[-1] - lr * g)
    return np.array(path)


ALPHA = 1 / L
STEPS_SYNC = 20
path_sync = sync_gd(np.zeros(d), ALPHA, STEPS_SYNC)
reference = minimize(model, np.zeros(d), SGD(lr=ALPHA), max_steps=STEPS_SYNC)
for t in (0, 1, 5, 10, 20):
    print(f"step {t:2d}: loss on the cluster {model.value(path_sync[t]):.6f}, "
          f"gdlearn {reference.history.loss[t]:.6f}")
print("same iterates as full-batch gradient descent:", np.allclose(path_sync, reference.history.x))
assert np.allclose(path_sync, reference.history.x)


# %% [markdown]
# The cluster and `gdlearn`'s full-batch `SGD` agree iterate for iterate: splitting the sum changes where
# the arithmetic happens, not the algorithm. With $K$ equal workers each step's arithmetic is divided by $K$;
# what it costs instead is one round trip per step, and the step waits for the slowest worker.
#
# ## Communicating once: parameter averaging
#
# At the other extreme, {cite:t}`zinkevich2010` let every machine train on its own data with no communication
# at all and average the *parameters* at the end. One `submit` per worker runs a whole local training loop:

# %%
def local_gd(Xk, yk, w0, lr, steps, l2):
    """Plain gradient descent on one shard only (runs on a worker)."""
    w = w0
    for _ in range(steps):
        w = w - lr * shard_gradient(Xk, yk, w, l2)
    return w


local_models = client.gather([client.submit(local_gd, Xf, yf, np.zeros(d), ALPHA, 300, LAMBDA,
                                            workers=[addr], pure=False)
                              for (Xf, yf), addr in zip(shards, workers, strict=True)])
w_avg = combine(local_models)
print(f"minimum loss {f_star:.5f}; averaged local models: {model.value(w_avg):.5f}; "
      f"shard models: {model.value(local_models[0]):.5f}, {model.value(local_models[1]):.5f}")
assert f_star < model.value(w_avg) < min(model.value(wk) for wk in local_models)


# %% [markdown]
# The average of the two shard models is better than either of them but not optimal: for least squares the
# shard minimizers $H_k^{-1} b_k$ average to $H^{-1} b$ only when the shards have the same Hessian. One round
# of communication buys a good, not an exact, answer; repeated averaging closes the gap.
#
# ## Asynchronous updates and stale gradients
#
# Waiting for every worker at every step wastes time when workers are unequal or the network is slow. In the
# **parameter-server** design of DistBelief's Downpour SGD {cite}`dean2012`, a server holds the parameters;
# each worker repeatedly pulls the current parameters, computes a gradient and pushes it back, and the server
# applies every gradient the moment it arrives, without waiting for the others. While a worker was computing,
# the server has moved on, so the gradient it applies was computed at **old** parameters. With $K$ workers
# taking turns, each gradient is about $K-1$ updates old.
#
# We model this with a fixed **staleness** $\tau$: the update at step $t$ uses the gradient at the parameters
# of step $t-\tau$,
#
# $$
# w_{t+1} = w_t - \alpha\, \nabla J\big(w_{\max(t-\tau,\,0)}\big),
# $$
#
# with $\tau = 0$ ordinary gradient descent. Real asynchronous systems have random, varying delays; a fixed,
# scheduled delay keeps the experiment repeatable (and satisfies the bounded-delay assumption of the analyses
# of {cite:t}`lian2015`). On the cluster, the gradient at each new point is computed by the workers as soon as
# the point exists, and the driver applies it $\tau$ steps later, which is what a worker that lags $\tau$
# updates behind does. To save round trips we run the five experiments ($\tau = 0, 1, 2, 4, 8$) side by
# side: each step sends the newest point of every run to the workers in one task per shard, and the worker
# function simply loops over them.

# %%
def shard_gradients(Xk, yk, points, l2):
    """Gradients on one shard at several parameter vectors (one row per point)."""
    return np.array([shard_gradient(Xk, yk, w, l2) for w in points])


def stale_runs_on_cluster(w0, lr, taus, steps):
    """For each tau: w_{t+1} = w_t - lr * grad(w_{max(t - tau, 0)}), every gradient computed on the workers."""
    paths = [[w0] for _ in taus]
    grads = []                                      # grads[s][j]: gradient at step s of run j
    for t in range(steps):
        newest = np.array([path[t] for path in paths])
        futures = [client.submit(shard_gradients, Xf, yf, newest, LAMBDA, workers=[addr], pure=False)
                   for (Xf, yf), addr in zip(shards, workers, strict=True)]
        grads.append(combine(client.gather(futures)))
        for j, tau in enumerate(taus):
            paths[j].append(paths[j][t] - lr * grads[max(t - tau, 0)][j])
    return {tau: np.array(path) for tau, path in zip(taus, paths, strict=True)}


def stale_gd(grad, w0, lr, tau, steps):
    """The same iteration on the driver alone."""
    path = [w0]
    for t in range(steps):
        path.append(path[-1] - lr * grad(path[max(t - tau, 0)]))
    return np.array(path)


TAUS = [0, 1, 2, 4, 8]
ALPHA_DEMO = 0.5 / L
STEPS_ASYNC = 40
runs = stale_runs_on_cluster(np.zeros(d), ALPHA_DEMO, TAUS, STEPS_ASYNC)
excess = {tau: np.array([model.value(w) for w in path]) - f_star for tau, path in runs.items()}
for tau in TAUS:
    same = np.allclose(runs[tau], stale_gd(model.grad, np.zeros(d), ALPHA_DEMO, tau, STEPS_ASYNC))
    print(f"tau = {tau}: excess loss after {STEPS_ASYNC} steps {excess[tau][-1]:9.3g}   "
          f"equals the driver-only simulation: {same}")
    assert same
assert excess[0][-1] < 1e-3 * excess[0][0] and excess[2][-1] < excess[2][0]
assert excess[4][-10:].max() > 10 * excess[4][0] and excess[8][-10:].max() > 10 * excess[8][0]

# %%
fig, ax = plt.subplots(figsize=(6.5, 4))
for tau in TAUS:
    ax.semilogy(excess[tau], marker=".", label=rf"$\tau$ = {tau}")
ax.set_xlabel("step t")
ax.set_ylabel(r"excess loss $J(w_t) - J(w^\star)$")
ax.set_title(r"Stale gradients on the cluster, $\alpha$ = 0.5/L")
ax.legend()
plt.show()


# %% [markdown]
# *The figure shows the excess loss (log scale) over 40 steps for staleness 0, 1, 2, 4 and 8 at the same
# learning rate 0.5/L: the curves for staleness 0, 1 and 2 fall, the one for staleness 2 more slowly and
# with oscillations, while the curves for staleness 4 and 8 swing up and down ever more widely and end far above where they started.*
#
# A learning rate that is comfortably safe for ordinary gradient descent ($0.5/L$, a quarter of the limit
# $2/L$) makes the runs with staleness 4 and 8 diverge. The cluster runs equal the driver-only simulation
# `stale_gd`, so from here on we use the fast simulation to scan many learning rates.
#
# ## How much staleness a learning rate can take
#
# On a quadratic the error $e_t = w_t - w^\star$ obeys $e_{t+1} = e_t - \alpha H e_{t-\tau}$ (for
# $t \ge \tau$). In an eigenvector direction of $H$ with eigenvalue $\lambda$ this is a scalar recurrence
# with $a = \alpha\lambda$:
#
# $$
# e_{t+1} = e_t - a\, e_{t-\tau}, \qquad \text{characteristic polynomial} \quad z^{\tau+1} - z^{\tau} + a = 0 .
# $$
#
# For small $a > 0$ all $\tau + 1$ roots lie inside the unit circle and the error shrinks. The iteration loses
# stability when a root reaches the circle, $z = e^{i\omega}$. Then $|z^\tau (z - 1)| = a$ gives
# $a = |e^{i\omega} - 1| = 2\sin(\omega/2)$, and the phase condition $\arg\big(z^\tau(z-1)\big) = \pi$ reads
# $\omega\tau + \frac{\pi + \omega}{2} = \pi$, so $\omega = \pi/(2\tau+1)$. The largest stable rate is set by
# the largest eigenvalue $L$:
#
# $$
# \alpha_{\max}(\tau) = \frac{2}{L}\,\sin\frac{\pi}{2(2\tau+1)} \;\approx\; \frac{\pi}{(2\tau+1)\,L}.
# $$
#
# For $\tau = 0$ it is the familiar $2/L$; for $\tau = 1$ it halves to $1/L$; it keeps falling like $1/\tau$.
# The convergence proofs for asynchronous SGD on general smooth functions likewise require the step to
# shrink in proportion to the staleness bound {cite:p}`lian2015`.
#
# We check the formula two ways. First, the stale iteration is linear in the stacked state
# $(e_t, e_{t-1}, \dots, e_{t-\tau})$; we build its $d(\tau+1)\times d(\tau+1)$ matrix from the data's $H$ and
# find by bisection the rate at which its spectral radius reaches 1. Second, we simulate the real iteration
# 10% below and 10% above that rate for 1000 steps.

# %%
def alpha_max_formula(tau):
    return 2 / L * np.sin(np.pi / (2 * (2 * tau + 1)))


def iteration_matrix(alpha, tau):
    """The linear map (e_t, ..., e_{t-tau}) -> (e_{t+1}, ..., e_{t+1-tau}) of stale gradient descent."""
    M = np.zeros((d * (tau + 1), d * (tau + 1)))
    M[:d, :d] = np.eye(d)
    M[:d, tau * d:] -= alpha * H
    M[d:, :-d] = np.eye(d * tau)
    return M


def alpha_max_bisection(tau, iters=60):
    lo, hi = 0.0, 2.5 / L
    for _ in range(iters):
        mid = (lo + hi) / 2
        radius = np.abs(np.linalg.eigvals(iteration_matrix(mid, tau))).max()
        lo, hi = (mid, hi) if radius < 1 else (lo, mid)
    return lo


def distance_ratio(lr, tau, steps=1000):
    """||w_steps - w*|| / ||w_0 - w*|| of stale gradient descent from w = 0."""
    with np.errstate(all="ignore"):
        path = stale_gd(model.grad, np.zeros(d), lr, tau, steps)
        return np.linalg.norm(path[-1] - w_star) / np.linalg.norm(w_star)


print(" tau   alpha_max*L: formula  matrix   |  distance ratio after 1000 steps at 0.9x   1.1x")
alpha_max = {}
for tau in TAUS:
    alpha_max[tau] = alpha_max_bisection(tau)
    below, above = distance_ratio(0.9 * alpha_max[tau], tau), distance_ratio(1.1 * alpha_max[tau], tau)
    print(f"{tau:4d}   {alpha_max_formula(tau) * L:19.4f}  {alpha_max[tau] * L:7.4f}   |"
          f"  {below:36.2g}  {above:6.2g}")
    assert np.isclose(alpha_max[tau], alpha_max_formula(tau), rtol=1e-6)
    assert below < 1e-2 and above > 1e2

# %% [markdown]
# The spectral radius of the data's own iteration matrix crosses 1 exactly at the formula's rate, and the
# simulations agree: 10% below it the distance to the minimum has shrunk more than a hundredfold after
# 1000 steps, 10% above it has grown more than a hundredfold. The larger $\tau$, the slower both happen,
# because the roots near the unit circle move slowly as $\alpha$ changes.
#
# ## Steps to a target loss
#
# A lower ceiling on the learning rate costs steps. For each staleness we run the simulation at 190 learning
# rates (a geometric grid from $0.05/L$ to $2.2/L$, 2% apart) for up to 1000 steps and count the steps until
# the excess loss falls below $10^{-3}$ of its starting value. We report the best stable rate on the grid and
# also a common small rate, $0.1/L$, which is stable for every $\tau$ here. On a quadratic the gradient is
# $\nabla J(w) = Hw - b$ with $b = X^\top y/n$, so the scan updates all 190 runs at once with one small
# matrix product per step.

# %%
grid = 2.2 * 1.02 ** -np.arange(190.0)[::-1] / L
ALPHA_SMALL = 0.1 / L
TOL = 1e-3
b = X.T @ y / n


def steps_to_target(tau, lrs, steps=1000):
    """Steps until J - J* <= TOL * (J(0) - J*), for many learning rates at once (-1: not reached)."""
    W = np.zeros((d, len(lrs)))
    past = [W]
    reached = np.full(len(lrs), -1)
    with np.errstate(all="ignore"):
        for t in range(steps):
            W = W - lrs * (H @ past[max(t - tau, 0)] - b[:, None])    # the gradient is H w - b
            past.append(W)
            E = W - w_star[:, None]
            gap = 0.5 * np.sum(E * (H @ E), axis=0)
            reached[(reached < 0) & (gap <= TOL * (f0 - f_star))] = t + 1
    return reached


# the quadratic forms of the gradient and of the loss gap agree with the model
E0 = np.array([0.3, -0.2] + [0.1] * (d - 2))
assert np.allclose(H @ E0 - b, model.grad(E0))
assert np.isclose(0.5 * E0 @ H @ E0, model.value(w_star + E0) - f_star)

table = {}
for tau in TAUS:
    reached = steps_to_target(tau, grid)
    ok = (reached > 0) & (grid < alpha_max[tau])
    best = np.flatnonzero(ok)[np.argmin(reached[ok])]
    small, demo = steps_to_target(tau, np.array([ALPHA_SMALL, ALPHA_DEMO]))
    table[tau] = dict(best_lr=grid[best], best_steps=reached[best], small=small, demo=demo)

print(" tau | alpha_max*L | best stable alpha*L  steps | steps at 0.1/L | steps at 0.5/L")
for tau, row in table.items():
    demo = "diverges" if row["demo"] < 0 else f"{row['demo']}"
    print(f"{tau:4d} | {alpha_max[tau] * L:11.3f} | {row['best_lr'] * L:19.3f}  {row['best_steps']:5d} |"
          f" {row['small']:15d} | {demo:>14}")
best_steps = [table[tau]["best_steps"] for tau in TAUS]
small_steps = [table[tau]["small"] for tau in TAUS]
assert np.all(np.diff(best_steps) > 0)
assert np.all(np.diff(small_steps) <= 0)
assert table[0]["demo"] > 0 and table[4]["demo"] < 0 and table[8]["demo"] < 0

# %% [markdown]
# Three things stand out.
#
# - **The best achievable speed falls with staleness.** The fastest stable rate sits just below
#   $\alpha_{\max}(\tau)$ once staleness is the binding limit, so the steps needed grow with $\tau$.
# - **At a small rate staleness costs nothing.** At $0.1/L$ the stale runs need no more steps than the
#   fresh one, even somewhat fewer. In a slowly converging direction a delayed gradient is almost the
#   current one, and overshooting a little acts like a touch of momentum (Exercise 3 works this out).
# - **A rate tuned without staleness can fail with it.** $0.5/L$ is a good rate for $\tau \le 2$ and diverges
#   for $\tau = 4$ and $8$.
#
# So asynchronous training trades a smaller safe learning rate for never waiting. Whether that pays depends on
# how much waiting it saves.

# %%
taus_fine = np.linspace(0, 8.5, 200)
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.8))
ax1.plot(taus_fine, 2 * np.sin(np.pi / (2 * (2 * taus_fine + 1))), label=r"$2\sin(\pi/(4\tau+2))$")
ax1.plot(taus_fine, np.pi / (2 * taus_fine + 1), ls="--", label=r"$\pi/(2\tau+1)$")
ax1.plot(TAUS, [alpha_max[t] * L for t in TAUS], "o", color="C3", label="spectral radius = 1 (data)")
ax1.set_xlabel(r"staleness $\tau$")
ax1.set_ylabel(r"largest stable rate $\alpha_{\max} L$")
ax1.set_title("Stability limit vs staleness")
ax1.set_ylim(0, 2.3)
ax1.legend()
ax2.plot(TAUS, best_steps, "o-", label="best stable rate on the grid")
ax2.plot(TAUS, small_steps, "s-", label=r"common rate $0.1/L$")
ax2.set_xlabel(r"staleness $\tau$")
ax2.set_ylabel(r"steps to excess loss $\leq 10^{-3}$ of start")
ax2.set_ylim(0, None)
ax2.set_title("Steps to the target vs staleness")
ax2.legend()
plt.show()

# %% [markdown]
# *The figure shows, on the left, the largest stable learning rate times L against the staleness: the exact
# formula, its approximation pi/(2 tau + 1), and red dots from the data's iteration matrix lying on the exact
# curve, falling from 2 at staleness 0 to about 0.18 at staleness 8. On the right, the steps to the target
# loss rise with staleness at the best stable rate, while at the common small rate 0.1/L they are higher and
# fall slightly as the staleness grows.*
#
# ## Further reading: lock-free and large-batch training
#
# - **Hogwild!** {cite}`recht2011` drops even the parameter server: threads on one machine update shared
#   parameters in memory with no locks at all. When each example touches only a few coordinates (sparse
#   problems), updates rarely collide and the lost or stale writes barely matter; the paper proves near-linear
#   speed-ups in that regime.
# - **Large minibatches** are the synchronous route to scale: more workers means a larger total batch per step.
#   {cite:t}`goyal2017` trained ImageNet models with batches of 8192 by scaling the learning rate linearly with
#   the batch size, after a gradual warm-up; {cite:t}`you2020` (LAMB) scale each layer's step by the ratio of
#   its weight norm to its update norm, which kept training stable with far larger batches (BERT in 76 minutes).
# - The step-size limit we derived is the simplest instance of a general rule in that literature: the more
#   out of date the gradient, the smaller the safe step {cite:p}`lian2015`.
#
# ## The same code on a real cluster
#
# Nothing above depends on the workers being on this computer. On a cluster, start a scheduler
# (`dask scheduler`) and workers (`dask worker tcp://scheduler-host:8786`) on the machines, and connect the
# client to the scheduler's address instead of creating a `LocalCluster`:
#
# ```python
# from dask.distributed import Client
#
# client = Client("tcp://scheduler-host:8786")
# workers = sorted(client.scheduler_info()["workers"])
# ```
#
# `scatter`, `submit` and `gather` work unchanged. Two things change in practice: the shards should be loaded
# by the workers themselves from shared storage (rather than scattered from the driver), and the round trip
# per step is a network latency, which is what makes waiting (synchronous) versus staleness (asynchronous) a
# real trade-off.
#
# ## Closing the cluster
#
# Workers are processes; close the client and the cluster when done.

# %%
client.close()
cluster.close()
print("cluster status:", cluster.status.name)
assert cluster.status.name == "closed"

# %% [markdown]
# ## Key points
#
# - The gradient of an average loss is the **size-weighted** average of shard gradients; a plain mean is wrong
#   for unequal shards.
# - Synchronous data-parallel gradient descent (scatter the shards once, send parameters, gather gradients)
#   takes exactly the steps of full-batch gradient descent; we asserted it on a two-worker Dask cluster.
# - Averaging independently trained shard models once {cite:p}`zinkevich2010` gives a good but not optimal model.
# - Asynchronous parameter-server training {cite:p}`dean2012` applies **stale** gradients. On a quadratic,
#   staleness $\tau$ cuts the largest stable rate from $2/L$ to $\frac2L\sin\frac{\pi}{2(2\tau+1)} \approx
#   \frac{\pi}{(2\tau+1)L}$; the data's iteration matrix and simulations confirm it.
# - At small rates staleness is harmless; it bites at the rates that are fastest without it, so the best
#   achievable number of steps grows with $\tau$.
# - The same client code runs on a real cluster by giving `Client` the scheduler's address.
#
# ## Exercises
#
# ```{exercise} The plain mean converges to the wrong point
# :label: ex-dist-plain-mean
# Suppose the driver averages the two shard gradients with equal weights instead of $n_k/n$. Gradient descent
# then minimizes a different loss. Which one? Compute its minimizer and its loss on the full data, and compare
# with $J(w^\star)$.
# ```
#
# ```{solution-start} ex-dist-plain-mean
# :class: dropdown
# ```
#
# The plain mean is the gradient of $\frac12 J_1 + \frac12 J_2$, which weights the rows of the small shard
# more than those of the large one. Its minimizer solves $\sum_k \frac12 \nabla J_k(w) = 0$, a linear system:

# %%
Hs = [Xk.T @ Xk / len(yk) + LAMBDA * np.eye(d) for Xk, yk in shard_data]
bs = [Xk.T @ yk / len(yk) for Xk, yk in shard_data]
w_plain = np.linalg.solve(0.5 * (Hs[0] + Hs[1]), 0.5 * (bs[0] + bs[1]))
w = np.zeros(d)
for _ in range(500):
    w = w - ALPHA * np.mean([shard_gradient(Xk, yk, w, LAMBDA) for Xk, yk in shard_data], axis=0)
print(f"plain-mean GD ends at the minimizer of the reweighted loss: {np.allclose(w, w_plain)}")
print(f"full-data loss there {model.value(w_plain):.5f} > minimum {f_star:.5f}")
assert np.allclose(w, w_plain) and model.value(w_plain) > f_star + 1e-4

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Predict, then measure, the limit for three steps of staleness
# :label: ex-dist-tau3
# Use the formula to predict the largest stable learning rate for $\tau = 3$. Check it with the iteration
# matrix, and with simulations at 95% and 105% of the prediction.
# ```
#
# ```{solution-start} ex-dist-tau3
# :class: dropdown
# ```
#
# The formula gives $\alpha_{\max} L = 2\sin(\pi/14) \approx 0.445$.

# %%
pred = alpha_max_formula(3)
print(f"predicted alpha_max * L = {pred * L:.4f}, from the iteration matrix {alpha_max_bisection(3) * L:.4f}")
r95, r105 = distance_ratio(0.95 * pred, 3, steps=2000), distance_ratio(1.05 * pred, 3, steps=2000)
print(f"distance ratio after 2000 steps: {r95:.2g} at 95%, {r105:.2g} at 105%")
assert np.isclose(alpha_max_bisection(3), pred, rtol=1e-6) and r95 < 1 < r105

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Why a little staleness can help a slow direction
# :label: ex-dist-slow-mode
# At the common small rate the stale runs needed fewer steps than the fresh one. In a direction with small
# $a = \alpha\lambda$, find the root of $z^{\tau+1} - z^\tau + a = 0$ closest to 1, to second order in $a$,
# and compare it with the root $1 - a$ of ordinary gradient descent. Check with `np.roots` for the smallest
# eigenvalue $\mu$ at $\alpha = 0.1/L$.
# ```
#
# ```{solution-start} ex-dist-slow-mode
# :class: dropdown
# ```
#
# Write $z = 1 - \varepsilon$. The equation becomes $\varepsilon (1-\varepsilon)^\tau = a$, so
# $\varepsilon \approx a (1 + \tau \varepsilon) \approx a + \tau a^2$. The root is $1 - a - \tau a^2$: a
# little smaller than $1 - a$, so the slowest direction shrinks slightly faster the larger $\tau$ is. (For
# the fast directions, where $a$ is not small, the delay does the opposite and eventually destabilizes them.)

# %%
a = ALPHA_SMALL * mu
print(f"a = alpha * mu = {a:.5f}")
for tau in TAUS:
    poly = np.zeros(tau + 2)
    poly[0] = 1.0
    poly[1] -= 1.0
    poly[-1] += a                                   # z^(tau+1) - z^tau + a
    roots = np.roots(poly)
    slow = roots[np.argmin(np.abs(roots - 1))].real
    print(f"tau = {tau}: slowest root {slow:.7f}, second-order formula {1 - a - tau * a**2:.7f}")
    assert abs(slow - (1 - a - tau * a**2)) < 5 * tau**2 * a**3 + 1e-12

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# Dask and its scheduler are described by {cite:t}`rocklin2015`. The parameter server and Downpour SGD come
# from {cite:t}`dean2012`, one-shot parameter averaging from {cite:t}`zinkevich2010`, lock-free Hogwild! from
# {cite:t}`recht2011`, and convergence under bounded staleness from {cite:t}`lian2015`. Large-batch training is
# in {cite:t}`goyal2017` and {cite:t}`you2020`. Full entries are in the {doc}`../appendix/bibliography`.
