# %% [markdown]
# # Parallel and distributed gradient descent on Dask
#
# When the data no longer fit on one machine, or one processor is too slow, the gradient has to be computed
# in pieces. The loss of most models is an average over examples, so its gradient is an average too, and
# averages split well: each machine computes the gradient of its own share of the data and only the results
# travel. This chapter does that on a real (if small) cluster of worker processes run by Dask
# {cite}`rocklin2015`. It checks that the synchronous version takes exactly the steps of ordinary gradient
# descent, shows what goes wrong when the machines communicate less (client drift) or stop waiting for
# each other (stale gradients), and times all of it, to see when distributing pays off at all.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - split a data set into shards that the workers load themselves, and combine the shard gradients into
#   the exact full gradient (weighted by shard size) with a tree reduction;
# - run synchronous data-parallel gradient descent with `dask.distributed` and show it equals ordinary
#   gradient descent;
# - explain why local training with periodic averaging (federated averaging) stalls short of the minimum,
#   and how a control-variate correction removes the gap;
# - derive the largest stable learning rate with staleness $\tau$ on a quadratic, about $\pi/((2\tau+1)L)$,
#   and relate it to the staleness that a truly asynchronous parameter server produces;
# - predict with a latency model when a cluster beats one machine, and point the same code at a real cluster.
# ```

# %% [markdown]
# ## The one line that selects the cluster
#
# Two environment variables choose where the work runs. `GDT_DASK_WORKERS` sets the number of workers
# (and so the number of data shards; 2 by default). `GDT_DASK_SCHEDULER`, when set to a scheduler's address
# such as `tcp://scheduler-host:8786`, makes the chapter connect to that running cluster; when it is not
# set, the chapter starts a cluster of worker processes on this computer. So pointing it at a real cluster
# takes one line in the shell before Jupyter starts, `export GDT_DASK_SCHEDULER=tcp://scheduler-host:8786`;
# nothing else in the code depends on where the workers are. (The chapter needs at least 2 workers.)

# %%
import importlib.resources
import logging
import multiprocessing
import os
import time

import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from dask.distributed import Client, LocalCluster, as_completed
from sklearn.datasets import load_diabetes

from gdlearn.data import standardize
from gdlearn.loop import minimize
from gdlearn.models import LinearRegression
from gdlearn.optim import SGD
from gdlearn.plot import use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
SEED = 0
rng = np.random.default_rng(SEED)

N_WORKERS = int(os.environ.get("GDT_DASK_WORKERS", "2"))
SCHEDULER = os.environ.get("GDT_DASK_SCHEDULER")  # e.g. "tcp://scheduler-host:8786"
assert N_WORKERS >= 2, "the chapter compares shards: set GDT_DASK_WORKERS to 2 or more"
print(f"workers: {N_WORKERS}, scheduler:", SCHEDULER or "a new LocalCluster here")

# %% [markdown]
# ## The problem: ridge regression on the diabetes data
#
# We reuse the diabetes data of {doc}`../part1/why_optimization`: 442 patients, ten standardized
# measurements, and the disease progression one year later, which we also standardize (so no intercept is
# needed). The model is least squares with a small ridge penalty $\nu = 0.1$ (see
# {doc}`../part4/regularization`):
#
# $$
# f(\theta) = \frac{1}{2n}\|X\theta - y\|^2 + \frac{\nu}{2}\|\theta\|^2, \qquad
# \nabla f(\theta) = \frac1n X^\top(X\theta - y) + \nu \theta .
# $$
#
# The loss is a quadratic with Hessian $H = X^\top X/n + \nu I$, so everything about gradient descent
# on it can be predicted from the eigenvalues of $H$; the penalty keeps the condition number moderate
# (without it, the correlated blood-serum measurements push it into the hundreds;
# {doc}`../part4/ill_conditioning`). The driver loads the data too, but only to check the cluster's
# answers: none of it is sent to the workers.

# %%
data = load_diabetes()
X = standardize(data.data)[0]
y = (data.target - data.target.mean()) / data.target.std()
n, d = X.shape
NU = 0.1
model = LinearRegression(X, y, l2=NU)
H = model.hess()
eig = np.linalg.eigvalsh(H)
L, mu = eig.max(), eig.min()
theta_star = model.solve()
f_star, f0 = model.value(theta_star), model.value(np.zeros(d))
eig_plain = np.linalg.eigvalsh(X.T @ X / n)
print(f"n = {n}, d = {d}, L = {L:.4f}, mu = {mu:.4f}, condition number = {L / mu:.1f} "
      f"(without the penalty: {eig_plain.max() / eig_plain.min():.0f})")
print(f"loss at theta = 0: {f0:.4f}, minimum loss: {f_star:.4f}")


def excess(theta):
    """f(theta) - f(theta*) = (theta - theta*)^T H (theta - theta*) / 2, row by row."""
    e = np.asarray(theta) - theta_star
    return 0.5 * np.einsum("...i,ij,...j->...", e, H, e)


assert np.isclose(excess(np.zeros(d)), f0 - f_star)

# %% [markdown]
# The last function measures the excess loss $f(\theta) - f(\theta^\star)$ as
# $\frac12 (\theta - \theta^\star)^\top H (\theta - \theta^\star)$, which is exact for a quadratic and,
# unlike the difference of two losses near 0.256, does not lose digits when the gap is small.
#
# ## Shards and the exact full gradient
#
# Split the rows into $m$ disjoint shards $S_1, \dots, S_m$ (one per worker) with $n_s$ rows each, and let
# $f_s(\theta) = \frac{1}{2 n_s}\|X_s \theta - y_s\|^2 + \frac\nu2\|\theta\|^2$ be the loss on shard $s$
# alone. Because $f$ averages over rows and the weights $n_s/n$ sum to one,
#
# $$
# f(\theta) = \sum_{s=1}^m \frac{n_s}{n}\, f_s(\theta), \qquad
# \nabla f(\theta) = \sum_{s=1}^m \frac{n_s}{n}\, \nabla f_s(\theta) .
# $$
#
# The full gradient is the average of the shard gradients **weighted by shard size**. A plain mean
# $\frac1m\sum_s \nabla f_s$ is right only when all shards have the same size. To make the difference
# visible the shards have unequal sizes, proportional to $1, 2, \dots, m$, after a seeded shuffle of the
# rows (data sets are often stored in some order). The function `shard_rows` that makes the cut is the
# one the workers will run.

# %%
def shard_rows(n_rows, m, seed):
    """Row indices of m shards, sizes proportional to 1, 2, ..., m, after a shuffle."""
    order = np.random.default_rng(seed).permutation(n_rows)
    ends = np.round(n_rows * np.cumsum(np.arange(1, m + 1)) / (m * (m + 1) / 2))
    return np.split(order, ends[:-1].astype(int))


def shard_gradient(Xs, ys, theta, nu):
    """Ridge gradient on one shard: X_s^T (X_s theta - y_s) / n_s + nu theta."""
    return Xs.T @ (Xs @ theta - ys) / len(ys) + nu * theta


rows = shard_rows(n, N_WORKERS, SEED)
sizes = np.array([len(r) for r in rows])
weights = sizes / n
shard_data = [(X[r], y[r]) for r in rows]  # the driver's copy, for checks

theta_test = rng.normal(size=d)
g_full = model.grad(theta_test)
g_shards = [shard_gradient(Xs, ys, theta_test, NU) for Xs, ys in shard_data]
g_weighted = sum(ws * gs for ws, gs in zip(weights, g_shards, strict=True))
g_plain = np.mean(g_shards, axis=0)
plain_error = np.linalg.norm(g_plain - g_full) / np.linalg.norm(g_full)
print("shard sizes:", sizes.tolist(), " weights:", np.round(weights, 4).tolist())
print("size-weighted average equals the full gradient (to 1e-12):",
      np.allclose(g_weighted, g_full, rtol=0, atol=1e-12))
print(f"plain mean: off by {plain_error:.1%} of the gradient's length")
assert np.allclose(g_weighted, g_full, rtol=0, atol=1e-12)
assert plain_error > 1e-3

# %% [markdown]
# ## A cluster, and shards that the workers load themselves
#
# Dask's `distributed` scheduler runs Python functions on *workers*, separate processes that may sit on
# other machines, and a *client* in our process sends them work. Without a scheduler address we start a
# `LocalCluster`: a scheduler and `GDT_DASK_WORKERS` worker processes with one thread each, talking over
# the loopback network exactly as they would across machines (no fixed dashboard port, and only
# critical log messages, so that the routine warnings of a shutdown do not land in the output). With an address, `Client(address)` joins the running cluster instead. Either way
# `wait_for_workers` blocks until enough workers have registered, before any work is sent.

# %%
if SCHEDULER:
    cluster = None
    client = Client(SCHEDULER)
else:
    cluster = LocalCluster(n_workers=N_WORKERS, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=":0",
                           silence_logs=logging.CRITICAL)
    client = Client(cluster)
client.wait_for_workers(N_WORKERS, timeout=120)
workers = sorted(client.scheduler_info()["workers"])[:N_WORKERS]
print(f"workers: {len(workers)}, threads per worker:",
      [client.nthreads()[addr] for addr in workers])

# %% [markdown]
# The driver does not ship the data. It sends each worker a small task, "load shard $s$ of $m$ from this
# folder", pinned to that worker with `workers=[addr]`; the worker reads the files with numpy and keeps its
# own rows. Here the folder is the one where scikit-learn keeps the raw diabetes files (the ones
# `load_diabetes` reads), and every worker reads the whole small file; on a real cluster it would be
# shared storage, and each worker would read only its part (one Parquet partition, say). What the client
# keeps are *futures*, small handles that name results living on a worker. Each worker then reports how
# many rows it holds.

# %%
def read_diabetes(folder):
    """The raw diabetes measurements and targets as one array (target last)."""
    features = np.loadtxt(os.path.join(folder, "diabetes_data_raw.csv.gz"))
    target = np.loadtxt(os.path.join(folder, "diabetes_target.csv.gz"))
    return np.column_stack([features, target])


def load_shard(folder, s, m, seed):
    """On a worker: read the data files, keep the rows of shard s."""
    raw = read_diabetes(folder)
    return raw[shard_rows(len(raw), m, seed)[s]]


DATA_DIR = str(importlib.resources.files("sklearn.datasets") / "data")
raw_shards = [client.submit(load_shard, DATA_DIR, s, N_WORKERS, SEED, workers=[addr],
                            pure=False)
              for s, addr in enumerate(workers)]
held = client.gather([client.submit(len, fut, workers=[addr], pure=False)
                      for fut, addr in zip(raw_shards, workers, strict=True)])
owners = client.who_has(raw_shards)
print("rows held by each worker:", held)
print("each shard lives on its own worker only:",
      all(list(owners[fut.key]) == [addr]
          for fut, addr in zip(raw_shards, workers, strict=True)))
assert held == sizes.tolist()

# %% [markdown]
# The raw measurements still have to be standardized, and the column means and standard deviations
# belong to the whole data set, which no worker holds. They are *reductions*: each worker sums its own
# rows, and the partial sums are added up. `dask.array` does this for us. We glue the shard futures into
# one array of $n$ rows (`da.from_delayed` for each shard, then `da.concatenate`, with one chunk per
# shard) and ask for `mean` and `std` of the columns. Dask computes partial sums next to the data, then
# adds them in a tree: pairs of partial results are combined, then pairs of those, so no single step
# collects more than a few small vectors (the `split_every` option sets how many). Only $2(d+1)$ numbers
# come back, and each worker then standardizes its own rows.

# %%
def as_dask_array(shard_futures, n_rows):
    """One dask array of all rows, one chunk per shard (it stays on its worker)."""
    return da.concatenate([da.from_delayed(fut, shape=(k, d + 1), dtype=float)
                           for fut, k in zip(shard_futures, n_rows, strict=True)])


def standardize_shard(Zs, mean, std):
    """On a worker: shift and scale the columns with the whole data set's statistics."""
    return (Zs - mean) / std


Z_raw = as_dask_array(raw_shards, held)
col_mean, col_std = da.compute(Z_raw.mean(axis=0), Z_raw.std(axis=0))
raw_full = read_diabetes(DATA_DIR)  # the driver reads the files too, for the check
print("column means and standard deviations equal the driver's (to 1e-10):",
      np.allclose(col_mean, raw_full.mean(axis=0), rtol=1e-10, atol=1e-12)
      and np.allclose(col_std, raw_full.std(axis=0), rtol=1e-10))
shards = [client.submit(standardize_shard, fut, col_mean, col_std, workers=[addr],
                        pure=False)
          for fut, addr in zip(raw_shards, workers, strict=True)]
Z = as_dask_array(shards, held)
del Z_raw, raw_shards
assert np.allclose(col_mean, raw_full.mean(axis=0), rtol=1e-10, atol=1e-12)
assert np.allclose(col_std, raw_full.std(axis=0), rtol=1e-10)


# %% [markdown]
# ## Synchronous data-parallel gradient descent
#
# One step of synchronous data-parallel gradient descent:
#
# 1. the driver sends the current $\theta_k$ to every worker;
# 2. worker $s$ computes the partial sum $X_s^\top (X_s \theta_k - y_s)$ on its shard;
# 3. the partial sums are added up, divided by $n$, and the driver updates
#    $\theta_{k+1} = \theta_k - \alpha \big(\frac1n \sum_s X_s^\top (X_s\theta_k - y_s) + \nu\theta_k\big)$.
#
# Adding raw partial sums and dividing by $n$ once is the size-weighted average of the previous section
# in another form: $\frac{n_s}{n}\nabla f_s$ is $\frac1n X_s^\top(X_s\theta - y_s)$ plus the penalty
# term's share. `map_blocks` runs our function on every chunk, where the chunk lives, and `sum` adds
# the $1\times d$ results in the same tree as before. Only $\theta_k$ and $d$-vectors travel.

# %%
def partial_gradient(Zs, theta):
    """On a worker: X_s^T (X_s theta - y_s) of one shard, as a 1 x d block."""
    Xs, ys = Zs[:, :-1], Zs[:, -1]
    return (Xs.T @ (Xs @ theta - ys))[None, :]


def cluster_gradient(Zd, theta, nu=NU):
    """The full gradient: shard partial sums added by Dask in a tree, divided by n."""
    parts = Zd.map_blocks(partial_gradient, theta, chunks=(1, d), dtype=float)
    return parts.sum(axis=0, split_every=2).compute() / Zd.shape[0] + nu * theta


def sync_gd(theta0, lr, steps):
    path = [theta0]
    for _ in range(steps):
        path.append(path[-1] - lr * cluster_gradient(Z, path[-1]))
    return np.array(path)


ALPHA = 1 / L
STEPS_SYNC = 20
path_sync = sync_gd(np.zeros(d), ALPHA, STEPS_SYNC)
# gtol=None: exactly STEPS_SYNC steps, whatever the gradient norm
reference = minimize(model, np.zeros(d), SGD(lr=ALPHA), max_steps=STEPS_SYNC, gtol=None)
for k in (0, 1, 5, 10, 20):
    print(f"step {k:2d}: loss on the cluster {model.value(path_sync[k]):.6f}, "
          f"gdlearn {reference.history.loss[k]:.6f}")
print("same iterates as full-batch gradient descent:",
      np.allclose(path_sync, reference.history.x))
assert np.allclose(path_sync, reference.history.x)


# %% [markdown]
# The cluster and `gdlearn`'s full-batch `SGD` agree iterate for iterate: splitting the sum changes where
# the arithmetic happens, not the algorithm. With $m$ equal workers each step's arithmetic is divided by
# $m$; what it costs instead is one round trip through the scheduler per step, and the step waits for the
# slowest worker. The timing section at the end puts numbers on that cost. The two ways around it are to
# communicate less often and to stop waiting.
#
# ## Communicating less: local steps and client drift
#
# **Federated averaging** (FedAvg, {cite:t}`mcmahan2017`) lets each worker take $E$ gradient steps on its
# own shard before the parameters are averaged:
#
# 1. the server sends $\theta_r$ to every worker (round $r$);
# 2. worker $s$ starts from $\theta_r$ and takes $E$ steps $\vartheta \leftarrow \vartheta - \alpha
#    \nabla f_s(\vartheta)$ on its shard alone, ending at $\vartheta_s$;
# 3. the server averages, $\theta_{r+1} = \sum_s \frac{n_s}{n}\vartheta_s$.
#
# With $E = 1$ this is exactly synchronous gradient descent. With $E \to \infty$ each worker reaches the
# minimizer $\theta_s^\star$ of its own shard loss and a single round is the one-shot parameter averaging
# of {cite:t}`zinkevich2010`. In between, one round does $E$ steps' worth of work for one round trip.
#
# Does repeating rounds reach $\theta^\star$? On our quadratic we can answer exactly. With
# $M_s = I - \alpha H_s$ (where $H_s$ is the Hessian of $f_s$), $E$ local steps give
# $\vartheta_s = \theta_s^\star + M_s^E(\theta_r - \theta_s^\star)$, so a round is an affine map and its
# fixed point $\bar\theta_E$ solves
#
# $$
# \Big(I - \sum_s \frac{n_s}{n} M_s^E\Big)\,\bar\theta_E = \sum_s \frac{n_s}{n}\big(I - M_s^E\big)\,\theta_s^\star .
# $$
#
# For $E = 1$ the equation reduces to $H\bar\theta_1 = \sum_s \frac{n_s}{n} H_s\theta_s^\star = X^\top y/n$,
# so $\bar\theta_1 = \theta^\star$. For $E > 1$ it does not, unless all shards have the same Hessian: the
# local runs drift toward their own minimizers, and averaging the drifted models lands beside
# $\theta^\star$, however many rounds we run. This gap is called **client drift**.

# %%
Hs = [Xs.T @ Xs / len(ys) + NU * np.eye(d) for Xs, ys in shard_data]
shard_minimizers = [np.linalg.solve(Hk, Xs.T @ ys / len(ys))
                    for Hk, (Xs, ys) in zip(Hs, shard_data, strict=True)]


def fedavg_fixed_point(E, lr):
    """The point that FedAvg with E local steps of size lr returns to every round."""
    M, c = np.zeros((d, d)), np.zeros(d)
    for ws, Hk, tk in zip(weights, Hs, shard_minimizers, strict=True):
        A = np.linalg.matrix_power(np.eye(d) - lr * Hk, E)
        M += ws * A
        c += ws * (tk - A @ tk)
    return np.linalg.solve(np.eye(d) - M, c)


LOCAL_STEPS = [1, 2, 5, 10, 30, 100, 1000]
drift = {E: excess(fedavg_fixed_point(E, ALPHA)) for E in LOCAL_STEPS}
one_shot = excess(sum(ws * tk
                      for ws, tk in zip(weights, shard_minimizers, strict=True)))
print(f"local steps E | excess loss of the fixed point (start: {f0 - f_star:.3f})")
for E, gap in drift.items():
    print(f"{E:13d} | {gap:.3g}" if gap > 1e-12 else f"{E:13d} | below 1e-12")
print(f"one-shot averaging of the shard minimizers: {one_shot:.3g}")
gaps = [drift[E] for E in LOCAL_STEPS]
assert drift[1] < 1e-12
assert np.all(np.diff(gaps) > -1e-15) and gaps[-1] <= one_shot * (1 + 1e-6)
assert np.isclose(gaps[-1], one_shot, rtol=1e-3)

# %% [markdown]
# The drift gap grows with the number of local steps and tends to the one-shot average's gap. Only
# $E = 1$, synchronous gradient descent, has $\theta^\star$ as its fixed point. (The gap is small here
# because the shards are random samples of the same population; when clients hold different kinds of
# data, as in federated learning on phones, it is much larger.)
#
# **SCAFFOLD** {cite:p}`karimireddy2020` removes the drift with *control variates*. Worker $s$ keeps an
# estimate $\hat g_s$ of its own gradient and the server keeps their weighted average $\hat g$, an estimate
# of the full gradient (the paper writes $c_s$ and $c$). Each local step uses
# $\nabla f_s(\vartheta) - \hat g_s + \hat g$ instead of $\nabla f_s(\vartheta)$:
# the worker's own bias is subtracted and the global direction added. In each round the worker also
# computes its shard gradient at the round's starting point, $\hat g_s \leftarrow \nabla f_s(\theta_r)$
# ("option I" of the paper), and the server sets $\hat g \leftarrow \sum_s \frac{n_s}{n} \hat g_s$, which is
# $\nabla f(\theta_r)$; both are used in the next round, so no extra round trip is needed. At
# $\theta^\star$ with $\hat g_s = \nabla f_s(\theta^\star)$ and $\hat g = \nabla f(\theta^\star) = 0$, every local
# step stays put, so $\theta^\star$ is a fixed point whatever $E$.
#
# On the cluster each round is one task per worker, which runs the local steps of four runs side by
# side (FedAvg with $E = 1, 10, 100$ and SCAFFOLD with $E = 100$) to save round trips. The driver keeps
# the control variates and does the weighted averaging: here the averaging *is* the algorithm.

# %%
def local_training(Zs, thetas, steps, corrections, lr, nu):
    """On a worker: for each run j, steps[j] gradient steps on this shard from
    thetas[j], each gradient shifted by corrections[j] (0 for FedAvg, g_hat - g_hat_s
    for SCAFFOLD). Returns the local models and the shard gradients at thetas."""
    Xs, ys = Zs[:, :-1], Zs[:, -1]

    def grad(theta):
        return Xs.T @ (Xs @ theta - ys) / len(ys) + nu * theta

    out = np.array(thetas, dtype=float)
    for j, (k_local, shift) in enumerate(zip(steps, corrections, strict=True)):
        for _ in range(k_local):
            out[j] -= lr * (grad(out[j]) + shift)
    return out, np.array([grad(theta) for theta in thetas])


RUNS = [("FedAvg", 1), ("FedAvg", 10), ("FedAvg", 100), ("SCAFFOLD", 100)]
ROUNDS = 30


def federated(rounds, lr):
    """FedAvg and SCAFFOLD on the cluster; theta per round, shape (rounds+1, runs, d)"""
    steps = np.array([E for _, E in RUNS])
    scaffold = np.array([name == "SCAFFOLD" for name, _ in RUNS])[:, None]
    theta = np.zeros((len(RUNS), d))
    g_hat_s = np.zeros((len(workers), len(RUNS), d))  # one per worker and run
    g_hat = np.zeros((len(RUNS), d))
    history = [theta]
    for _ in range(rounds):
        shift = np.where(scaffold, g_hat - g_hat_s, 0.0)
        results = client.gather([
            client.submit(local_training, Zs, theta, steps, shift[s], lr, NU,
                          workers=[addr], pure=False)
            for s, (Zs, addr) in enumerate(zip(shards, workers, strict=True))])
        local = np.array([models for models, _ in results])  # shape (workers, runs, d)
        g_hat_s = np.where(scaffold, np.array([grads for _, grads in results]), 0.0)
        theta = np.tensordot(weights, local, axes=1)  # size-weighted average
        g_hat = np.tensordot(weights, g_hat_s, axes=1)
        history.append(theta)
    return np.array(history)


fed = federated(ROUNDS, ALPHA)
fed_excess = excess(fed)  # shape (rounds+1, runs)
gd_run = minimize(model, np.zeros(d), SGD(lr=ALPHA), max_steps=ROUNDS, gtol=None)
gd_path = gd_run.history.x  # all ROUNDS steps: gtol=None, no stop at a small gradient
print(f"excess loss after {ROUNDS} rounds:")
for j, (name, E) in enumerate(RUNS):
    gap = fed_excess[-1, j]
    shown = f"{gap:.3g}" if gap > 1e-12 else "below 1e-12"
    print(f"  {name:8s} E = {E:3d}: {shown}")
assert np.allclose(fed[:, 0], gd_path)  # E = 1 is gradient descent
assert np.isclose(fed_excess[-1, 2], drift[100], rtol=1e-6)  # at the drifted point
assert np.isclose(fed_excess[-1, 1], drift[10], rtol=0.05)
assert fed_excess[-1, 3] < 1e-12 and np.all(np.diff(fed_excess[:, 0]) < 0)
assert abs(fed_excess[2, 2] / drift[100] - 1) < 0.05 and fed_excess[20, 3] < 1e-12

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
markers = ["o", "s", "^", "D"]
for j, (name, E) in enumerate(RUNS):
    ax.semilogy(np.maximum(fed_excess[:, j], 1e-16), marker=markers[j], markevery=3,
                label=f"{name}, E = {E}")
ax.axhline(drift[100], color="gray", linestyle=":", label="drift gap for E = 100")
ax.set_xlabel("round r (one round trip each)")
ax.set_ylabel(r"excess loss $f(\theta_r) - f(\theta^\star)$")
ax.set_title("Local steps between averaging: FedAvg and SCAFFOLD")
ax.legend()
plt.show()

# %% [markdown]
# *The figure shows the excess loss (log scale) over 30 rounds for FedAvg with 1, 10 and 100 local steps
# and for SCAFFOLD with 100 local steps. FedAvg with 100 local steps drops within a few rounds and then
# stays flat on the dotted line of its drift gap; with 10 local steps it levels off lower; with one local
# step (plain gradient descent) it keeps falling, ever more slowly, and after 30 rounds is between the two
# plateaus. SCAFFOLD falls steeply to round-off level (drawn cut off at 10 to the power -16).*
#
# Per round trip, many local steps are a bargain at first and a dead end later. FedAvg with $E = 100$
# reaches its drift gap within two rounds and stays there (200 rounds would leave the same gap). Plain
# gradient descent creeps down, one step per round trip, but has no floor. Fewer local steps give a lower
# floor (the table above), and SCAFFOLD's correction removes the floor without giving up the local work:
# with $E = 100$ it is at round-off level in fewer than 20 rounds. (The printed values depend on how the
# rows fall into shards, so they change with the number of workers.)
#
# ## Stale gradients: a model
#
# Waiting for every worker at every step wastes time when workers are unequal or the network is slow. In the
# **parameter-server** design of DistBelief's Downpour SGD {cite}`dean2012`, a server holds the parameters;
# each worker repeatedly pulls the current parameters, computes a gradient and pushes it back, and the
# server applies every gradient the moment it arrives, without waiting for the others. While a worker was
# computing, the server has moved on, so the gradient it applies was computed at **old** parameters. With
# $m$ workers taking turns, each gradient is about $m-1$ updates old.
#
# Before running this for real, we study the simplest model of it, with a fixed **staleness** $\tau$: the
# update at step $k$ uses the gradient at the parameters of step $k-\tau$,
#
# $$
# \theta_{k+1} = \theta_k - \alpha\, \nabla f\big(\theta_{\max(k-\tau,\,0)}\big),
# $$
#
# with $\tau = 0$ ordinary gradient descent. This is simulated staleness, on the driver alone: a fixed
# delay keeps the experiment repeatable (and satisfies the bounded-delay assumption of the analyses of
# {cite:t}`lian2015`). The measured, varying staleness of a real parameter server follows.

# %%
def stale_gd(grad, theta0, lr, tau, steps):
    """theta_{k+1} = theta_k - lr * grad(theta_{max(k - tau, 0)})."""
    path = [theta0]
    for k in range(steps):
        path.append(path[-1] - lr * grad(path[max(k - tau, 0)]))
    return np.array(path)


TAUS = [0, 1, 2, 4, 8]
ALPHA_DEMO = 0.5 / L
STEPS_STALE = 40
stale_excess = {
    tau: excess(stale_gd(model.grad, np.zeros(d), ALPHA_DEMO, tau, STEPS_STALE))
    for tau in TAUS}
for tau in TAUS:
    print(f"tau = {tau}: excess loss after {STEPS_STALE} steps "
          f"{stale_excess[tau][-1]:9.3g}")
assert stale_excess[0][-1] < 1e-3 * stale_excess[0][0]
assert stale_excess[2][-1] < stale_excess[2][0]
assert stale_excess[4][-10:].max() > 10 * stale_excess[4][0]
assert stale_excess[8][-10:].max() > 10 * stale_excess[8][0]

# %%
fig, ax = plt.subplots(figsize=(7, 4.2))
for tau, marker in zip(TAUS, ["o", "s", "^", "D", "v"], strict=True):
    ax.semilogy(stale_excess[tau], marker=marker, markevery=4, ms=5,
                label=rf"$\tau$ = {tau}")
ax.set_xlabel("step k")
ax.set_ylabel(r"excess loss $f(\theta_k) - f(\theta^\star)$")
ax.set_title(r"Simulated stale gradients, $\alpha$ = 0.5/L")
ax.legend()
plt.show()


# %% [markdown]
# *The figure shows the excess loss (log scale) over 40 steps for staleness 0, 1, 2, 4 and 8 at the same
# learning rate 0.5/L: the curves for staleness 0, 1 and 2 fall, the one for staleness 2 more slowly and
# with oscillations, while the curves for staleness 4 and 8 swing up and down ever more widely and end far
# above where they started.*
#
# A learning rate that is comfortably safe for ordinary gradient descent ($0.5/L$, a quarter of the limit
# $2/L$) makes the runs with staleness 4 and 8 diverge.
#
# ## How much staleness a learning rate can take
#
# On a quadratic the error $e_k = \theta_k - \theta^\star$ obeys $e_{k+1} = e_k - \alpha H e_{k-\tau}$
# (for $k \ge \tau$). In an eigenvector direction of $H$ with eigenvalue $\lambda$ this is a scalar
# recurrence with $a = \alpha\lambda$:
#
# $$
# \begin{aligned}
# &e_{k+1} = e_k - a\, e_{k-\tau}, \\
# &\text{characteristic equation:}\quad z^{\tau+1} - z^{\tau} + a = 0 .
# \end{aligned}
# $$
#
# For small $a > 0$ all $\tau + 1$ roots lie inside the unit circle and the error shrinks. The iteration
# loses stability when a root reaches the circle, $z = e^{i\omega}$. Then $|z^\tau (z - 1)| = a$ gives
# $a = |e^{i\omega} - 1| = 2\sin(\omega/2)$, and the phase condition $\arg\big(z^\tau(z-1)\big) = \pi$
# reads $\omega\tau + \frac{\pi + \omega}{2} = \pi$, so $\omega = \pi/(2\tau+1)$. The largest stable rate
# is set by the largest eigenvalue $L$:
#
# $$
# \alpha_{\max}(\tau) = \frac{2}{L}\,\sin\frac{\pi}{2(2\tau+1)} \;\approx\; \frac{\pi}{(2\tau+1)\,L}.
# $$
#
# This is the stability condition of a linear difference equation with one delay, known from population
# dynamics {cite:p}`levin1976`. For $\tau = 0$ it is the familiar $2/L$; for $\tau = 1$ it halves to $1/L$;
# it keeps falling like $1/\tau$. The convergence proofs for asynchronous SGD on general smooth functions
# likewise require the step to shrink in proportion to the staleness bound {cite:p}`lian2015`, and
# {cite:t}`zhang2016` turn this into a rule: divide each gradient's learning rate by its own measured
# staleness.
#
# We check the formula two ways. First, the stale iteration is linear in the stacked state
# $(e_k, e_{k-1}, \dots, e_{k-\tau})$; we build its $d(\tau+1)\times d(\tau+1)$ matrix from the data's $H$
# and find by bisection the rate at which its spectral radius reaches 1. Second, we simulate the real
# iteration 10% below and 10% above that rate for 1000 steps.

# %%
def alpha_max_formula(tau):
    return 2 / L * np.sin(np.pi / (2 * (2 * tau + 1)))


def iteration_matrix(lr, tau):
    """The map (e_k, ..., e_{k-tau}) -> (e_{k+1}, ..., e_{k+1-tau}) of stale GD."""
    M = np.zeros((d * (tau + 1), d * (tau + 1)))
    M[:d, :d] = np.eye(d)
    M[:d, tau * d:] -= lr * H
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
    """||theta_steps - theta*|| / ||theta_0 - theta*|| of stale GD from 0."""
    with np.errstate(all="ignore"):
        path = stale_gd(model.grad, np.zeros(d), lr, tau, steps)
        return np.linalg.norm(path[-1] - theta_star) / np.linalg.norm(theta_star)


print(" tau   alpha_max*L: formula  matrix  | after 1000 steps: at 0.9x shrank 100x,"
      " at 1.1x grew 100x")
alpha_max = {}
for tau in TAUS:
    alpha_max[tau] = alpha_max_bisection(tau)
    below = distance_ratio(0.9 * alpha_max[tau], tau)
    above = distance_ratio(1.1 * alpha_max[tau], tau)
    print(f"{tau:4d}   {alpha_max_formula(tau) * L:19.4f}  {alpha_max[tau] * L:6.4f}  |"
          f"  {below < 1e-2!s:>25}  {above > 1e2!s:>18}")
    assert np.isclose(alpha_max[tau], alpha_max_formula(tau), rtol=1e-6)
    assert below < 1e-2 and above > 1e2

# %% [markdown]
# The spectral radius of the data's own iteration matrix crosses 1 exactly at the formula's rate, and the
# simulations agree: 10% below it the distance to the minimum has shrunk more than a hundredfold after
# 1000 steps, 10% above it has grown more than a hundredfold.
#
# ## Steps to a target loss
#
# A lower ceiling on the learning rate costs steps. For each staleness we run the simulation at 190
# learning rates (a geometric grid from $0.05/L$ to $2.2/L$, 2% apart) for up to 1000 steps and count the
# steps until the excess loss falls below $10^{-3}$ of its starting value. We report the best stable rate
# on the grid and also a common small rate, $0.1/L$, which is stable for every $\tau$ here. On a quadratic
# the gradient is $\nabla f(\theta) = H\theta - c$ with $c = X^\top y/n$, so the scan updates all 190 runs
# at once with one small matrix product per step.

# %%
grid = 2.2 * 1.02 ** -np.arange(190.0)[::-1] / L
ALPHA_SMALL = 0.1 / L
TOL = 1e-3
c = X.T @ y / n


def steps_to_target(tau, lrs, steps=1000):
    """Steps until f - f* <= TOL * (f(0) - f*), for many rates at once (-1: never)."""
    W = np.zeros((d, len(lrs)))
    past = [W]
    reached = np.full(len(lrs), -1)
    with np.errstate(all="ignore"):
        for k in range(steps):
            W = W - lrs * (H @ past[max(k - tau, 0)] - c[:, None])  # grad: H theta - c
            past.append(W)
            E = W - theta_star[:, None]
            gap = 0.5 * np.sum(E * (H @ E), axis=0)
            reached[(reached < 0) & (gap <= TOL * (f0 - f_star))] = k + 1
    return reached


# the quadratic forms of the gradient and of the loss gap agree with the model
E0 = np.array([0.3, -0.2] + [0.1] * (d - 2))
assert np.allclose(H @ E0 - c, model.grad(E0))
assert np.isclose(0.5 * E0 @ H @ E0, model.value(theta_star + E0) - f_star)

table = {}
for tau in TAUS:
    reached = steps_to_target(tau, grid)
    ok = (reached > 0) & (grid < alpha_max[tau])
    best = np.flatnonzero(ok)[np.argmin(reached[ok])]
    small, demo = steps_to_target(tau, np.array([ALPHA_SMALL, ALPHA_DEMO]))
    table[tau] = dict(best_lr=grid[best], best_steps=reached[best], small=small,
                      demo=demo)

print(" tau | alpha_max*L | best stable alpha*L  steps | steps at 0.1/L |"
      " steps at 0.5/L")
for tau, row in table.items():
    demo = "diverges" if row["demo"] < 0 else f"{row['demo']}"
    print(f"{tau:4d} | {alpha_max[tau] * L:11.3f} | {row['best_lr'] * L:19.3f}  "
          f"{row['best_steps']:5d} | {row['small']:15d} | {demo:>14}")
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
# - **A rate tuned without staleness can fail with it.** $0.5/L$ is a good rate for $\tau \le 2$ and
#   diverges for $\tau = 4$ and $8$.
#
# So asynchronous training trades a smaller safe learning rate for never waiting. Whether that pays depends
# on how much waiting it saves.

# %%
taus_fine = np.linspace(0, 8.5, 200)
fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7))
ax1.plot(taus_fine, 2 * np.sin(np.pi / (2 * (2 * taus_fine + 1))),
         label=r"$2\sin(\pi/(4\tau+2))$")
ax1.plot(taus_fine, np.pi / (2 * taus_fine + 1), label=r"$\pi/(2\tau+1)$")
ax1.plot(TAUS, [alpha_max[t] * L for t in TAUS], "o", color="C3", linestyle="none",
         label="spectral radius = 1 (data)")
ax1.set_xlabel(r"staleness $\tau$")
ax1.set_ylabel(r"largest stable rate $\alpha_{\max} L$")
ax1.set_title("Stability limit vs staleness")
ax1.set_ylim(0, 2.3)
ax1.legend()
ax2.plot(TAUS, best_steps, marker="o", label="best stable rate on the grid")
ax2.plot(TAUS, small_steps, marker="s", label=r"common rate $0.1/L$")
ax2.set_xlabel(r"staleness $\tau$")
ax2.set_ylabel(r"steps to excess $\leq 10^{-3}$ of start")
ax2.set_ylim(0, None)
ax2.set_title("Steps to the target vs staleness")
ax2.legend()
plt.show()

# %% [markdown]
# *The figure shows, on top, the largest stable learning rate times L against the staleness: the exact
# formula as a solid curve, its approximation pi/(2 tau + 1) as a dashed curve, and dots from the data's
# iteration matrix lying on the exact curve, falling from 2 at staleness 0 to about 0.18 at staleness 8.
# Below, the steps to the target loss rise with staleness at the best stable rate, while at the common
# small rate 0.1/L they are higher and fall slightly as the staleness grows.*
#
# ## Truly asynchronous SGD with a parameter server
#
# Now the real thing. The driver is the parameter server. Each worker computes a stochastic gradient, on a
# minibatch of 32 rows of its own shard, at the parameters it was sent. `as_completed` hands the driver each
# result the moment it arrives, in whatever order the workers finish; the driver applies it at once,
# $\theta \leftarrow \theta - \alpha\, g$, and sends that worker the new parameters for its next gradient.
# Nobody waits for anybody. (A Dask *actor*, an object living on one worker that the others call, could
# play the server instead of the driver.) To imitate machines of unequal speed, worker $s$ pauses for
# $s \times 20$ ms before each gradient (a sleep, which costs no processor time): worker 0 is the
# fastest.
#
# The **staleness** of an update is the number of other updates the server applied between sending the
# parameters and applying the gradient computed from them. It is what the fixed $\tau$ above modeled, but
# now it is whatever the timing of the processes makes it. We log, for every update, which worker sent it,
# which parameter version it read and the seed of its minibatch.
#
# The run is not repeatable: the order of arrivals depends on the operating system's scheduling. Two things
# keep the notebook's printed output stable anyway. First, the log lets the driver **replay** the run: the
# same minibatches applied to the same parameter versions give the same iterates, which shows the run was
# exactly stale SGD with the logged delays. Second, one statistic does not depend on the order at all: the
# **mean** staleness. There are always $m$ gradients in flight (until the last ones), so, as Exercise 4
# shows, the staleness of $K$ updates adds up to exactly $K(m-1) - m(m-1)/2$, and the mean is
# $\bar\tau = (m-1)\big(1 - \frac{m}{2K}\big)$, about $m - 1$ as guessed above. What varies from run to run,
# the spread around the mean, goes into a histogram, and only robust shares are printed.
#
# The rate is half the Levin–May limit for the mean staleness, $\alpha = \frac12\alpha_{\max}(m-1)$.

# %%
def stochastic_gradient(Zs, theta, seed, batch, nu, pause=0.0):
    """On a worker: the ridge gradient on `batch` rows of its shard, drawn by `seed`,
    after waiting `pause` seconds (a slower machine)."""
    time.sleep(pause)
    Xs, ys = Zs[:, :-1], Zs[:, -1]
    pick = np.random.default_rng(seed).choice(len(ys), size=batch, replace=False)
    return Xs[pick].T @ (Xs[pick] @ theta - ys[pick]) / batch + nu * theta


def parameter_server(theta0, lr, updates, batch):
    """Apply gradients in arrival order; log (worker, version read, seed)."""
    theta, version, submitted = theta0.copy(), 0, 0
    job, log = {}, []
    arrivals = as_completed()

    def send(s):
        nonlocal submitted
        fut = client.submit(stochastic_gradient, shards[s], theta, submitted, batch, NU,
                            s * PAUSE, workers=[workers[s]], pure=False)
        job[fut.key] = (s, version, submitted)  # the minibatch seed is the task number
        arrivals.add(fut)
        submitted += 1

    for s in range(len(workers)):
        send(s)
    for fut in arrivals:
        s, read, seed = job.pop(fut.key)
        theta = theta - lr * fut.result()
        version += 1
        log.append((s, read, seed))
        if submitted < updates:
            send(s)
    return theta, np.array(log)


def replay(log, theta0, lr, batch):
    """The same updates on the driver, from the driver's copy of the shards."""
    local = [np.column_stack([Xs, ys]) for Xs, ys in shard_data]
    path = [theta0]
    for s, read, seed in log:
        g = stochastic_gradient(local[s], path[read], seed, batch, NU)
        path.append(path[-1] - lr * g)
    return np.array(path)


UPDATES, BATCH, PAUSE = 150, 32, 0.02
m = len(workers)
ALPHA_ASYNC = 0.5 * alpha_max_formula(m - 1)
theta_async, log = parameter_server(np.zeros(d), ALPHA_ASYNC, UPDATES, BATCH)
path_async = replay(log, np.zeros(d), ALPHA_ASYNC, BATCH)
staleness = np.arange(UPDATES) - log[:, 1]  # update k (from 0) applied at version k
tau_bar = (m - 1) * (1 - m / (2 * UPDATES))
T_safe = max(t for t in range(50) if ALPHA_ASYNC < alpha_max_formula(t))
print(f"{UPDATES} updates from {m} workers at alpha * L = {ALPHA_ASYNC * L:.4f}")
print("replaying the log on the driver gives the same parameters:",
      np.allclose(path_async[-1], theta_async))
print(f"mean staleness: {staleness.mean():.3f}, as counted in advance "
      f"(m - 1)(1 - m / 2K) = {tau_bar:.3f}")
print(f"this rate is below the Levin-May limit for every staleness up to {T_safe}")
print("more than half of the updates were at most that stale:",
      np.mean(staleness <= T_safe) > 0.5)
print("excess loss fell below half its starting value:",
      excess(theta_async) < 0.5 * excess(np.zeros(d)))
assert np.allclose(path_async[-1], theta_async)
assert np.isclose(staleness.mean(), tau_bar) and staleness.min() >= 0
assert np.mean(staleness <= T_safe) > 0.5
assert excess(theta_async) < 0.5 * excess(np.zeros(d))

# %%
fig, ax = plt.subplots(figsize=(7, 4))
counts = np.bincount(staleness)
ax.bar(np.arange(len(counts)), counts, color="C0", edgecolor="black", hatch="//",
       label="updates")
ax.axvline(tau_bar, color="C1", linestyle="--", label=f"mean staleness {tau_bar:.3f}")
ax.axvline(T_safe + 0.5, color="C2", linestyle=":",
           label=r"Levin–May: $\alpha < \alpha_{\max}(\tau)$ left of here")
ax.set_xlabel(r"staleness $\tau$ (updates applied in between)")
ax.set_ylabel("number of updates")
ax.set_title(f"Measured staleness, {m} workers, {UPDATES} updates")
ax.set_xticks(range(max(len(counts), T_safe + 2)))
ax.set_ylim(0, 1.45 * counts.max())
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# *The figure shows a bar chart of how many of the 150 updates arrived with each staleness, from 0 up to
# the largest that occurred in this run, with a dashed vertical line at the mean staleness and a dotted
# vertical line after the largest staleness for which the learning rate used is below the Levin–May limit.
# Most of the updates lie left of the dotted line; the exact heights change from run to run.*
#
# How does the measured staleness relate to the limit? The Levin–May formula is exact for a *constant*
# delay. Here the delay varies, but its mean is fixed by the number of workers: with equally fast
# workers nearly every update would be $m - 1$ stale, so $\alpha_{\max}(m-1)$ is the natural scale.
# Unequal speeds spread the delays around that mean, fresher gradients from the fast worker and staler
# ones from the slow worker, and the scheduling of a busy machine spreads them further (on a heavily
# loaded machine the deliberate pauses can drown in it). We ran at half of $\alpha_{\max}(m-1)$, which is
# below the limit for every staleness up to the dotted line, and most updates fell there. The occasional much staler gradient (a worker descheduled for a moment) is not a danger by
# itself: instability needs the delays to persist, but a rule such as the $1/\tau$ scaling of
# {cite:t}`zhang2016` damps exactly those updates. Two practical lessons follow: the safe learning rate of
# asynchronous SGD shrinks with the number of workers, roughly like $1/m$; and the staleness should be
# measured (it is free: the server knows the versions) rather than assumed.
#
# ## What a step costs: timing and a cost model
#
# Everything so far ran in a fraction of a second per step, and none of it was faster than numpy on the
# driver would have been. The next cell measures why. It times one gradient step on the driver with numpy,
# and the chapter's synchronous cluster step (`cluster_gradient`) with the data split over 1, 2 and 3
# workers (when the cluster is local and has fewer than 3 workers, one more worker process is started
# here). It also times an empty task's round trip and the cost per row of the gradient on a large array.
# These numbers depend on the machine and on its load; this is the one cell whose
# output nbval does not compare.

# %% tags=["nbval-ignore-output"]
def seconds_per_call(fn, repeats):
    fn()  # warm-up
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


theta = path_sync[-1]
t_local = seconds_per_call(
    lambda: theta - ALPHA * (X.T @ (X @ theta - y) / n + NU * theta), 2000)


def cost_per_row(rows=200_000):
    """Seconds per row of X^T (X theta - y) with numpy, on a large random array."""
    X_big, y_big = rng.normal(size=(rows, d)), rng.normal(size=rows)
    return seconds_per_call(lambda: X_big.T @ (X_big @ theta - y_big), 5) / rows


c_row = cost_per_row()

if cluster is not None and len(client.scheduler_info()["workers"]) < 3:
    cluster.scale(3)
m_max = min(3, len(client.scheduler_info()["workers"])) if cluster is None else 3
client.wait_for_workers(m_max, timeout=120)
pool = sorted(client.scheduler_info()["workers"])
t_cluster = {}
for m_time in range(1, m_max + 1):
    parts = [client.submit(load_shard, DATA_DIR, s, m_time, SEED, workers=[pool[s]],
                           pure=False)
             for s in range(m_time)]
    Z_m = as_dask_array(parts, [len(r) for r in shard_rows(n, m_time, SEED)])
    t_cluster[m_time] = seconds_per_call(lambda Z_m=Z_m: cluster_gradient(Z_m, theta),
                                         5)
    del parts, Z_m
latency = seconds_per_call(lambda: client.submit(abs, -1, pure=False).result(), 10)
n_break_even = t_cluster[min(2, m_max)] / (c_row * (1 - 1 / 2))

print("                      time per gradient step   relative to local numpy")
print(f"local numpy           {t_local * 1e6:10.1f} microseconds")
for m_time, t in t_cluster.items():
    print(f"cluster, {m_time} worker(s)  {t * 1e3:10.1f} milliseconds "
          f"{t / t_local:10.0f} x")
print(f"empty task round trip {latency * 1e3:10.1f} milliseconds")
print(f"numpy's cost per row of the gradient: {c_row * 1e9:.1f} ns")
print(f"predicted break-even with 2 workers: about {n_break_even:.1e} rows")

# %% [markdown]
# What the table shows, whatever the machine, is checked here with wide margins:

# %%
step_ratio = min(t_cluster.values()) / t_local
print("every cluster size costs more than 100 times a local numpy step:",
      step_ratio > 100)
print("distributing pays off only beyond 100 times our 442 rows:",
      n_break_even > 100 * n)
assert step_ratio > 100
assert n_break_even > 100 * n

# %% [markdown]
# A cluster step costs milliseconds here, against microseconds for numpy, and no number of workers
# brings it near the local cost (the timing table shows it does not even fall with more workers; we
# assert only the robust part, since timings on a loaded machine are noisy): the cost is building a task
# graph, serializing it, and several dependent messages through the
# scheduler, not arithmetic. (How many milliseconds depends on the load of the machine; even an empty
# task's round trip costs a few.) A simple model makes this quantitative. Let one step on
# one machine cost $t_1 n$ seconds ($t_1$ per row, from the big-array timing), and one distributed step
# over $m$ workers
#
# $$
# T_m(n) = t_0 + \frac{t_1 n}{m} + \frac{2\, m\cdot 8d}{R},
# $$
#
# with $t_0$ the fixed cost of a step (measured: the 2-worker cluster step, whose arithmetic is negligible)
# and $R$ the bandwidth (bytes per second) into the server, which receives $m$ gradients and sends $m$
# parameter vectors of $8d$ bytes each. We do not measure $R$; on the loopback device it is several GB/s,
# between machines 1–100 Gbit/s. Distributing pays when $T_m(n) < t_1 n$, that is beyond
#
# $$
# n^\ast = \frac{t_0 + 16\,m d/R}{t_1 (1 - 1/m)} .
# $$
#
# With $d = 10$ the bandwidth term is nanoseconds and $n^\ast \approx 2t_0/t_1$ for two workers: with
# $t_0$ of milliseconds and $t_1$ of nanoseconds per row, the data would need millions of rows, thousands
# of times our 442, before two workers beat one (the cell after the table asserts at least 100 times). (We have not run that size here:
# the model's prediction is the printed number above, not a measurement.) The model also says what the
# alternatives buy: $E$ local steps per round divide the latency per step by $E$ (at the price of drift),
# and asynchrony hides the latency behind computation (at the price of staleness).
#
# **Large models and all-reduce.** For a model with $d = 10^8$ parameters the bandwidth term takes over:
# through one parameter server, a step moves $2m \cdot 800$ MB, growing with the number of workers.
# Deep-learning systems therefore skip the server and **all-reduce**: in a *ring* all-reduce each of the
# $m$ workers sends and receives about $2\frac{m-1}{m}\cdot 8d$ bytes per step, nearly independent of $m$,
# in $2(m-1)$ latency-bound rounds, and every worker ends with the summed gradient. MPI, NCCL (on GPUs),
# Horovod and PyTorch's `DistributedDataParallel` work this way, overlapping the communication of one
# layer's gradient with the computation of the next. Dask's scheduler, central and built for task graphs,
# is the wrong tool for that inner loop; it shines for data preparation, for embarrassingly parallel work
# such as hyperparameter searches, and for models whose gradients are cheap to move.
#
# **On a real multi-machine cluster** the loopback network becomes a real one: round-trip latencies of
# 0.1–1 ms within a data centre (more in the cloud), bandwidths of 1–100 Gbit/s shared with other jobs,
# machines that are unequally fast (stragglers, which make synchronous steps wait and asynchronous
# gradients staler), and machines that fail mid-run. Start a scheduler (`dask scheduler`) and workers
# (`dask worker tcp://scheduler-host:8786`) on the machines, make sure every worker has the same Python
# packages (here numpy and scikit-learn) and can reach the data, set `GDT_DASK_SCHEDULER` and
# `GDT_DASK_WORKERS`, and run this notebook unchanged.
#
# ## Further reading: lock-free and large-batch training
#
# - **Hogwild!** {cite}`recht2011` drops even the parameter server: threads on one machine update shared
#   parameters in memory with no locks at all. When each example touches only a few coordinates (sparse
#   problems), updates rarely collide and the lost or stale writes barely matter; the paper proves
#   near-linear speed-ups in that regime.
# - **Large minibatches** are the synchronous route to scale: more workers means a larger total batch per
#   step. {cite:t}`goyal2017` trained ImageNet models with batches of 8192 by scaling the learning rate
#   linearly with the batch size, after a gradual warm-up; {cite:t}`you2020` (LAMB) scale each layer's step
#   by the ratio of its weight norm to its update norm, which kept training stable with far larger batches
#   (BERT in 76 minutes).
# - **Asynchrony as momentum.** {cite:t}`mitliagkas2016` show that, in expectation, asynchronous SGD with
#   $m$ workers behaves like SGD with an implicit momentum that grows with $m$; Exercise 3 finds the first
#   trace of this in the slow direction of our quadratic.
#
# ## Closing the cluster
#
# Workers are processes; close the client and the cluster when done, and check that no worker process is
# left behind.

# %%
client.close()
if cluster is not None:
    cluster.close()
    print("cluster status:", cluster.status.name)
    assert cluster.status.name == "closed"
left = multiprocessing.active_children()
print("worker processes still running:", len(left))
assert not left

# %% [markdown]
# ## Key points
#
# - The gradient of an average loss is the **size-weighted** average of shard gradients (or: the sum of
#   shard partial sums divided by $n$); a plain mean is wrong for unequal shards.
# - Workers load their own shards; statistics of the whole data set and the gradient are **tree
#   reductions** that `dask.array` computes next to the data. Synchronous data-parallel gradient descent
#   takes exactly the steps of full-batch gradient descent.
# - Local steps between averaging (FedAvg {cite:p}`mcmahan2017`) save round trips but converge to a
#   **drifted** point; only one local step (plain gradient descent) has no drift, and SCAFFOLD's control
#   variates {cite:p}`karimireddy2020` remove it. One-shot averaging {cite:p}`zinkevich2010` is the extreme
#   case.
# - Asynchronous parameter-server training {cite:p}`dean2012` applies **stale** gradients. With a fixed
#   staleness $\tau$ on a quadratic, the largest stable rate falls from $2/L$ to
#   $\frac2L\sin\frac{\pi}{2(2\tau+1)} \approx \frac{\pi}{(2\tau+1)L}$ {cite:p}`levin1976`. A real server
#   with $m$ workers produces varying staleness whose mean is fixed at about $m - 1$.
# - A cluster step costs a round trip of milliseconds; distributing a cheap gradient pays only for very
#   large data. The same code runs on a real cluster by setting `GDT_DASK_SCHEDULER`.
#
# ## Exercises
#
# ```{exercise} The plain mean converges to the wrong point
# :label: ex-dist-plain-mean
# Suppose the driver averages the shard gradients with equal weights instead of $n_s/n$. Gradient descent
# then minimizes a different loss. Which one? Compute its minimizer and its excess loss on the full data.
# ```
#
# ```{solution-start} ex-dist-plain-mean
# :class: dropdown
# ```
#
# The plain mean is the gradient of $\frac1m\sum_s f_s$, which weights the rows of the small shards more
# than those of the large ones. Its minimizer solves $\frac1m\sum_s \nabla f_s(\theta) = 0$, a linear
# system:

# %%
bs = [Xs.T @ ys / len(ys) for Xs, ys in shard_data]
theta_plain = np.linalg.solve(np.mean(Hs, axis=0), np.mean(bs, axis=0))
theta = np.zeros(d)
for _ in range(1000):
    theta = theta - ALPHA * np.mean([shard_gradient(Xs, ys, theta, NU)
                                     for Xs, ys in shard_data], axis=0)
print("plain-mean GD ends at the minimizer of the reweighted loss:",
      np.allclose(theta, theta_plain))
print(f"its excess loss on the full data: {excess(theta_plain):.3g}")
assert np.allclose(theta, theta_plain) and excess(theta_plain) > 1e-5

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
print(f"predicted alpha_max * L = {pred * L:.4f}, "
      f"from the iteration matrix {alpha_max_bisection(3) * L:.4f}")
r95 = distance_ratio(0.95 * pred, 3, steps=2000)
r105 = distance_ratio(1.05 * pred, 3, steps=2000)
print(f"after 2000 steps the distance to the minimum has shrunk at 95%: {r95 < 1}, "
      f"grown at 105%: {r105 > 1}")
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
# Write $z = 1 - \eta$. The equation becomes $\eta (1-\eta)^\tau = a$, so
# $\eta \approx a (1 + \tau \eta) \approx a + \tau a^2$. The root is $1 - a - \tau a^2$: a
# little smaller than $1 - a$, so the slowest direction shrinks slightly faster the larger $\tau$ is. (For
# the fast directions, where $a$ is not small, the delay does the opposite and eventually destabilizes
# them.) This is the simplest case of the observation of {cite:t}`mitliagkas2016` that asynchrony acts like
# momentum: heavy-ball momentum $\beta$ moves the slow root to about $1 - a/(1-\beta)$, and staleness moves
# it the same way, by a smaller amount.

# %%
a = ALPHA_SMALL * mu
print(f"a = alpha * mu = {a:.5f}")
for tau in TAUS:
    poly = np.zeros(tau + 2)
    poly[0] = 1.0
    poly[1] -= 1.0
    poly[-1] += a  # z^(tau+1) - z^tau + a
    roots = np.roots(poly)
    slow = roots[np.argmin(np.abs(roots - 1))].real
    print(f"tau = {tau}: slowest root {slow:.7f}, "
          f"second-order formula {1 - a - tau * a**2:.7f}")
    assert abs(slow - (1 - a - tau * a**2)) < 5 * tau**2 * a**3 + 1e-12

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} The mean staleness is fixed in advance
# :label: ex-dist-little
# A parameter server starts $m$ gradient tasks at version 0, applies results one at a time in any order,
# and after each of the first $K - m$ updates sends a new task to the worker that delivered; the last $m$
# updates send nothing. A task that read version $p$ and is applied as update $u$ (so the version goes from
# $u - 1$ to $u$) has staleness $u - 1 - p$. Show that the staleness of the $K$ updates sums to
# $K(m-1) - m(m-1)/2$, whatever the order of arrivals.
# ```
#
# ```{solution-start} ex-dist-little
# :class: dropdown
# ```
#
# Count, for each task, the update intervals during which it is in flight: a task that read $p$ and is
# applied as update $u$ is in flight during the intervals $p+1, \dots, u$ (interval $i$ ends with update
# $i$), that is $u - p$ of them. Now count the same pairs (task, interval) the other way, by interval: during
# each of the intervals $1, \dots, K-m+1$ exactly $m$ tasks are in flight (every delivery is replaced at
# once), and during the last $m - 1$ intervals $m - 1, m - 2, \dots, 1$. So
#
# $$
# \sum_{\text{tasks}} (u - p) = m(K - m + 1) + \frac{m(m-1)}{2},
# $$
#
# and subtracting 1 per task gives the total staleness $K(m-1) - m(m-1)/2$. This is Little's law of queueing
# theory (mean number in the system = arrival rate × mean time in the system) in discrete form. The order of
# arrivals moves staleness from one update to another but cannot change the total; the notebook asserts
# this for the measured run.
#
# ```{solution-end}
# ```
#
# ## References
#
# Dask and its scheduler are described by {cite:t}`rocklin2015`. The parameter server and Downpour SGD come
# from {cite:t}`dean2012`, one-shot parameter averaging from {cite:t}`zinkevich2010`, federated averaging
# from {cite:t}`mcmahan2017` and its drift correction from {cite:t}`karimireddy2020`. The delay-equation
# stability limit is {cite:t}`levin1976`; lock-free Hogwild! is {cite:t}`recht2011`; convergence under
# bounded staleness is {cite:t}`lian2015`, the staleness-scaled step {cite:t}`zhang2016`, and asynchrony as
# momentum {cite:t}`mitliagkas2016`. Large-batch training is in {cite:t}`goyal2017` and {cite:t}`you2020`.
# Full entries are in the {doc}`../appendix/bibliography`.
