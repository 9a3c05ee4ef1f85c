# %% [markdown]
# # Momentum and Nesterov's accelerated gradient
#
# Gradient descent looks only at the slope under its feet. On a long, narrow valley that is a poor guide:
# the steepest direction points across the valley, not along it, so the walker zig-zags from wall to wall
# and creeps towards the minimum. **Momentum** gives the walker a memory. Each step keeps a fraction of
# the previous one, so the back-and-forth across the valley cancels while the steady drift along it adds
# up. This chapter derives exactly how much faster that is on a quadratic, shows the three ways a
# momentum method can behave, writes heavy ball and Nesterov's method from scratch and checks them
# against `gdlearn`, and ends on the curved valley of Rosenbrock's function.
#
# ```{admonition} Learning goals
# :class: tip
# After this chapter you can
# - write Polyak's heavy-ball update and analyse it on a quadratic with a $2\times 2$ iteration matrix per
#   eigen-direction;
# - compute the best step size and momentum for a quadratic and predict the rate $(\sqrt\kappa-1)/(\sqrt\kappa+1)$,
#   against $(\kappa-1)/(\kappa+1)$ for gradient descent;
# - tell over-damped, critically damped and oscillating momentum apart from the eigenvalues;
# - translate between Polyak's form and the "buffer" form used by PyTorch and `gdlearn`;
# - write Nesterov's accelerated gradient and say how it differs from heavy ball.
# ```
#
# The symbols follow the book's {doc}`../notation`: $\theta$ is the point being optimized (here in $\mathbb R^2$,
# $\theta = (\theta_1, \theta_2)$), $H$ the Hessian with eigenvalues $\lambda_i$, $\alpha$ the step size, $\beta$ the
# momentum, $m_k$ the momentum buffer and $\tilde\theta_k$ Nesterov's look-ahead point.

# %%
import matplotlib.pyplot as plt
import numpy as np

import gdlearn
from gdlearn.loop import minimize
from gdlearn.objectives import Quadratic, Rosenbrock
from gdlearn.optim import SGD
from gdlearn.plot import loss_curves, plot_path, use_book_style

use_book_style()
np.set_printoptions(precision=4, suppress=True)
print("gdlearn", gdlearn.__version__)

# %% [markdown]
# ## A narrow valley
#
# Our test problem is the ill-conditioned quadratic
#
# $$
# \begin{aligned}
# f(\theta) &= 0.1\,\theta_1^2 + 2\,\theta_2^2 = \tfrac12\, \theta^\top H \theta, \\
# H &= \operatorname{diag}(0.2,\ 4),
# \end{aligned}
# $$
#
# whose minimum is the origin. Its curvatures, the eigenvalues of the Hessian $H$ (the second-order sections of
# {doc}`../part2/derivatives_and_gradients` define both), are $\mu = 0.2$ (along $\theta_1$, the valley floor) and
# $L = 4$ (across it), so the condition number is $\kappa = L/\mu = 20$. In `gdlearn` it is `Quadratic([0.2, 4.0])`.
#
# Gradient descent $\theta_{k+1} = \theta_k - \alpha H \theta_k$ treats the two coordinates separately: coordinate $i$ is
# multiplied by $1 - \alpha\lambda_i$ at every step. The slow direction wants a large step, the steep one a
# small step, and the best compromise makes both factors equally large in absolute value,
# $1 - \alpha\mu = -(1 - \alpha L)$, that is
#
# $$
# \alpha_{\mathrm{GD}} = \frac{2}{L + \mu}, \qquad
# \rho_{\mathrm{GD}} = \frac{L - \mu}{L + \mu} = \frac{\kappa - 1}{\kappa + 1}.
# $$

# %%
f = Quadratic([0.2, 4.0])
mu, L = f.mu, f.L
kappa = L / mu
alpha_gd = 2 / (L + mu)
rho_gd = (kappa - 1) / (kappa + 1)
print(f"mu = {mu}, L = {L}, kappa = {kappa:.0f}")
print(
    f"best GD step 2/(L+mu) = {alpha_gd:.4f}, rate (kappa-1)/(kappa+1) = {rho_gd:.4f}"
)
print("per-coordinate factors 1 - alpha*lambda:", 1 - alpha_gd * f.eigenvalues)
assert np.allclose(np.abs(1 - alpha_gd * f.eigenvalues), rho_gd)

# %% [markdown]
# A rate of $0.905$ per step means the error shrinks tenfold only every $\ln 10 / \ln(1/0.905) \approx 23$
# steps. Momentum does much better.
#
# ## Heavy ball: the update and its iteration matrix
#
# Polyak's **heavy-ball method** {cite:p}`polyak1964` adds a fraction $\beta$ of the last move to the
# gradient step:
#
# $$
# \theta_{k+1} = \theta_k - \alpha \nabla f(\theta_k) + \beta\,(\theta_k - \theta_{k-1}),
# $$
#
# with $\theta_{-1} = \theta_0$, so that the first step is a plain gradient step. Think of a ball rolling in the valley: $\beta$ is how little friction it feels. On our quadratic the
# gradient is $H \theta$, and since $H$ is diagonal each coordinate again evolves on its own. Writing $z_k$ for
# one coordinate and $\lambda$ for its curvature,
#
# $$
# \begin{aligned}
# &z_{k+1} = (1 + \beta - \alpha\lambda)\, z_k - \beta\, z_{k-1}
# \quad\Longleftrightarrow\quad \\
# &\begin{pmatrix} z_{k+1} \\ z_k \end{pmatrix} =
# \underbrace{\begin{pmatrix} 1 + \beta - \alpha\lambda & -\beta \\ 1 & 0 \end{pmatrix}}_{T(\lambda)}
# \begin{pmatrix} z_k \\ z_{k-1} \end{pmatrix}.
# \end{aligned}
# $$
#
# (For a rotated quadratic, $H = Q\Lambda Q^\top$, the same holds for the coordinates $q_i^\top\theta$ in the
# eigenbasis of $H$.) The error after $k$ steps is
# $T(\lambda)^k$ applied to the start, so the rate is the **spectral radius** of $T$, the largest
# $|r|$ among the roots of its characteristic polynomial
#
# $$
# r^2 - (1 + \beta - \alpha\lambda)\, r + \beta = 0 .
# $$
#
# Two facts about this polynomial do all the work. The product of its roots is $\beta$, so if the roots
# are complex (a conjugate pair) both have modulus exactly $\sqrt\beta$. And the roots are complex when
# the discriminant is negative, $(1 + \beta - \alpha\lambda)^2 < 4\beta$.
#
# ### Polyak's tuning
#
# Choose $\alpha$ and $\beta$ so that the discriminant is zero at both ends of the spectrum,
# $1 + \beta - \alpha\mu = 2\sqrt\beta$ and $1 + \beta - \alpha L = -2\sqrt\beta$. Then every curvature in
# between gives complex roots of modulus $\sqrt\beta$, and the two ends give a double root of modulus
# $\sqrt\beta$. Subtracting the two equations gives $\alpha(L - \mu) = 4\sqrt\beta$; adding them gives
# $2(1 + \beta) = \alpha(L + \mu)$. Solving,
#
# $$
# \begin{aligned}
# \alpha_{\mathrm{HB}} &= \left(\frac{2}{\sqrt L + \sqrt\mu}\right)^2, \\
# \beta_{\mathrm{HB}} &= \left(\frac{\sqrt L - \sqrt\mu}{\sqrt L + \sqrt\mu}\right)^2, \\
# \rho_{\mathrm{HB}} &= \sqrt{\beta_{\mathrm{HB}}} = \frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}.
# \end{aligned}
# $$
#
# The condition number now enters through its square root. Here are the numbers, and the eigenvalues
# of $T(\mu)$ and $T(L)$ computed by numpy:

# %%
sL, sm = np.sqrt(L), np.sqrt(mu)
alpha_hb = (2 / (sL + sm)) ** 2
beta_hb = ((sL - sm) / (sL + sm)) ** 2
rho_hb = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)


def T_hb(lam, alpha, beta):
    """Heavy-ball iteration matrix for one eigen-direction of curvature lam."""
    return np.array([[1 + beta - alpha * lam, -beta], [1.0, 0.0]])


print(f"alpha_HB = {alpha_hb:.4f}, beta_HB = {beta_hb:.4f}")
print(
    f"rate (sqrt(kappa)-1)/(sqrt(kappa)+1) = {rho_hb:.4f}, sqrt(beta_HB) = "
    f"{np.sqrt(beta_hb):.4f}"
)
for lam in f.eigenvalues:
    ev = np.linalg.eigvals(T_hb(lam, alpha_hb, beta_hb))
    print(
        f"lambda = {lam}: eigenvalues of T = {np.round(ev.real, 4)}, moduli = "
        f"{np.abs(ev).round(4)}"
    )
    assert np.allclose(np.abs(ev), rho_hb, atol=1e-6)
assert np.isclose(np.sqrt(beta_hb), rho_hb)

# %% [markdown]
# Both ends give a double root: $+0.6345$ for the flat direction (the ball creeps in without
# overshooting) and $-0.6345$ for the steep one (it overshoots, but each swing is smaller by the same factor).
#
# ### The rates, measured
#
# Theory is only half the test. We run both methods with `gdlearn` from $\theta_0 = (-4, 1.5)$ and measure the rate
# from the iterates as the geometric mean of the error ratios between steps 100 and 200,
# $\left(\|\theta_{200}\| / \|\theta_{100}\|\right)^{1/100}$, then count the steps until $\|\theta_k - \theta^\star\| \le 10^{-8}$.
# The `SGD` class with `momentum=` is heavy ball (the next section shows exactly why).
# Both runs make all their 300 steps: `gtol=None` switches off the default stop of `minimize` at a
# gradient norm of $10^{-5}$, which both methods reach before step 200 and before the distance falls to
# $10^{-8}$. The later runs whose iterates or losses are compared with theory pass `gtol=None` too.

# %%
x0 = np.array([-4.0, 1.5])
TOL = 1e-8


def measured_rate(points, k0=100, k1=200):
    """Geometric mean contraction of the distance to the minimum (the origin) over steps
    k0..k1."""
    err = np.linalg.norm(points, axis=1)
    return (err[k1] / err[k0]) ** (1 / (k1 - k0))


def steps_to(points, tol=TOL):
    """First step at which the distance to the minimum is at most tol."""
    err = np.linalg.norm(points, axis=1)
    if not np.any(err <= tol):
        return None
    k = int(np.argmax(err <= tol))
    # a clear crossing: no round-off of any machine can move it by a step
    assert err[k - 1] > 1.0001 * tol and err[k] < 0.9999 * tol
    return k


runs = {
    "gradient descent": minimize(f, x0, SGD(lr=alpha_gd), max_steps=300, gtol=None),
    "heavy ball": minimize(
        f, x0, SGD(lr=alpha_hb, momentum=beta_hb), max_steps=300, gtol=None
    ),
}
theory = {"gradient descent": rho_gd, "heavy ball": rho_hb}
print(f"{'method':<18}{'theory':>8}{'measured':>10}{'steps to 1e-8':>15}")
for name, res in runs.items():
    rate = measured_rate(res.history.x)
    print(f"{name:<18}{theory[name]:8.4f}{rate:10.4f}{steps_to(res.history.x):15d}")
    assert abs(rate - theory[name]) <= 0.02 * theory[name]
    # the default gtol=1e-5 would have stopped the run before step 200 (where the rate
    # is measured) and before the distance reaches 1e-8
    k_gtol = int(np.argmax(res.history.grad_norm <= 1e-5))
    assert 0 < k_gtol < min(200, steps_to(res.history.x))
n_gd, n_hb = (
    steps_to(runs["gradient descent"].history.x),
    steps_to(runs["heavy ball"].history.x),
)
print(
    f"heavy ball needs {n_gd / n_hb:.1f} times fewer steps; "
    f"the rates predict ln(rho_HB)/ln(rho_GD) = {np.log(rho_hb) / np.log(rho_gd):.1f}"
)
assert n_hb < n_gd / 3

# %% [markdown]
# The measured rates agree with the theory to better than 1% (the small excess for heavy ball comes from the
# double root: a double root $r$ gives errors like $k\,r^k$, and the factor $k$ fades only slowly). Heavy ball
# needs about 4 times fewer steps to reach $10^{-8}$. The steps to a tolerance scale like $1/\ln(1/\rho)$, so the
# rates promise the ratio $\ln\rho_{\mathrm{HB}} / \ln\rho_{\mathrm{GD}} = 4.5$; the same factor $k$ accounts for
# the gap.
#
# ## Three regimes of momentum
#
# What happens when $\beta$ is not Polyak's? Fix one curvature, the flat one $\lambda = \mu = 0.2$, and the step
# $\alpha = \alpha_{\mathrm{HB}}$, and let $\beta$ run from 0 to 1. With $h = \alpha\lambda$ the discriminant
# $(1 + \beta - h)^2 - 4\beta$ vanishes where $1 + \beta - h = 2\sqrt\beta$, i.e. $(1 - \sqrt\beta)^2 = h$:
#
# $$
# \beta_c = \left(1 - \sqrt{h}\right)^2 .
# $$
#
# - **Over-damped**, $\beta < \beta_c$: two real positive roots; the coordinate slides monotonically to 0 at
#   the rate of the larger root, which falls as $\beta$ grows.
# - **Critically damped**, $\beta = \beta_c$: a double root $1 - \sqrt h$, the fastest possible for this $h$.
# - **Under-damped**, $\beta > \beta_c$: complex roots of modulus $\sqrt\beta$; the coordinate oscillates
#   around 0 inside an envelope that shrinks like $\sqrt\beta^{\,k}$, slower and slower as $\beta \to 1$.
#
# For $\lambda = \mu$ and Polyak's $\alpha$ the critical value is Polyak's $\beta$: his tuning puts the flat
# direction exactly at critical damping. Below, each rate is measured by running heavy ball on the
# one-dimensional quadratic $f(z) = \tfrac12 \mu z^2$ for 400 steps and taking the geometric mean
# contraction of the state $(z_k, z_{k-1})$ over the second half of the run.

# %%
lam = mu
h = alpha_hb * lam
beta_c = (1 - np.sqrt(h)) ** 2
print(
    f"h = alpha*lambda = {h:.4f}, critical beta = {beta_c:.4f} (Polyak's beta = "
    f"{beta_hb:.4f})"
)
assert np.isclose(beta_c, beta_hb)

f1 = Quadratic([lam])


def hb_run_1d(beta, steps=400):
    """Heavy ball on f(z) = lam z^2 / 2 from z0 = 1; returns the iterates
    z_0..z_steps."""
    opt = SGD(lr=alpha_hb, momentum=beta) if beta > 0 else SGD(lr=alpha_hb)
    res = minimize(f1, np.array([1.0]), opt, max_steps=steps, gtol=None)
    return res.history.x[:, 0]


def rate_1d(z):
    """Geometric mean contraction of the state (z_k, z_{k-1}) over the second half of
    the run."""
    s = np.hypot(z[1:], z[:-1])
    half = len(s) // 2
    return (s[-1] / s[half]) ** (1 / (len(s) - 1 - half))


def hb_radius(beta):
    """Spectral radius of the heavy-ball matrix T(lam) with step alpha_hb."""
    return np.abs(np.linalg.eigvals(T_hb(lam, alpha_hb, beta))).max()


def regime(beta):
    disc = (1 + beta - h) ** 2 - 4 * beta
    return (
        "critical"
        if abs(disc) < 1e-9
        else ("over-damped" if disc > 0 else "under-damped")
    )


sample = np.array([0.0, 0.1, 0.2, 0.3, beta_c, 0.5, 0.6, 0.7, 0.8, 0.9])
sample_rates = []
print(
    f"{'beta':>6}  {'regime':<13}{'eigenvalues of T':>26}"
    f"{'theory':>9}{'measured':>10}{'sqrt(beta)':>12}"
)
for beta in sample:
    ev = np.linalg.eigvals(T_hb(lam, alpha_hb, beta))
    ev = ev[np.argsort(-ev.imag)]
    rho = hb_radius(beta)
    meas = rate_1d(hb_run_1d(beta))
    sample_rates.append(meas)
    evs = ", ".join(
        f"{e.real:.3f}{e.imag:+.3f}j" if abs(e.imag) > 1e-12 else f"{e.real:.3f}"
        for e in ev
    )
    print(
        f"{beta:6.3f}  "
        f"{regime(beta):<13}{evs:>26}{rho:9.4f}{meas:10.4f}{np.sqrt(beta):12.4f}"
    )
    assert abs(meas - rho) <= 0.02 * rho
    if regime(beta) == "under-damped":
        assert np.isclose(rho, np.sqrt(beta))

# %% [markdown]
# Every measured rate is within 2% of the spectral radius, and past $\beta_c$ the spectral radius is exactly
# $\sqrt\beta$. The figure shows the whole curve and what the three regimes look like.

# %%
betas = np.linspace(0, 0.98, 300)
radius = np.array([hb_radius(b) for b in betas])

fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 7.5))
ax1.plot(betas, radius, label="spectral radius of $T$ (theory)")
ax1.plot(betas, np.sqrt(betas), "k:", label=r"$\sqrt{\beta}$")
ax1.plot(
    sample,
    sample_rates,
    "o",
    color="C3",
    linestyle="none",
    label="measured from iterates",
)
ax1.axvline(beta_c, color="gray", ls="--", lw=1)
ax1.text(beta_c + 0.01, 0.3, r"critical $\beta_c$", color="gray")
ax1.set_xlabel(r"momentum $\beta$")
ax1.set_ylabel("rate per step")
ax1.set_title(rf"Heavy ball on one direction ($\alpha\lambda$ = {h:.3f})")
ax1.legend(loc="lower right")

for (b, name), mk in zip(
    [(0.1, "over-damped"), (beta_c, "critical"), (0.8, "under-damped")],
    ["o", "s", "^"],
    strict=True,
):
    z = hb_run_1d(b, steps=40)
    ax2.plot(z, marker=mk, ms=4, label=rf"{name}, $\beta$ = {b:.2f}")
ax2.axhline(0, color="k", lw=0.6)
ax2.set_xlabel("step k")
ax2.set_ylabel("coordinate $z_k$")
ax2.set_title("The three regimes")
ax2.legend()
plt.show()

# %% [markdown]
# *The figure shows, in the top panel, the rate per step of heavy ball on one direction against the
# momentum: it falls from 0.87 to its minimum 0.63 at the critical momentum, about 0.40, and then rises
# along the dotted curve of the square root of the momentum; the measured rates (dots) sit on the curve.
# The bottom panel follows the coordinate over 40 steps: with momentum 0.1 (circles) it decays slowly
# without crossing zero, at the critical momentum (squares) it decays fastest, and with momentum 0.8
# (triangles) it swings around zero with a slowly shrinking amplitude.*
#
# Too little momentum wastes the speed-up; too much makes the ball swing for a long time. Past $\beta_c$ the
# rate rises more gently than it falls before it, so missing $\beta_c$ on the oscillating side costs less than
# missing it by the same amount on the over-damped side:

# %%
for d in [0.1, 0.2]:
    below, above = hb_radius(beta_c - d), hb_radius(beta_c + d)
    print(f"beta_c - {d}: rate {below:.4f}    beta_c + {d}: rate {above:.4f}")
    assert above < below


# %% [markdown]
# This is one reason a generous default such as $\beta = 0.9$ is popular: when the curvatures are unknown, too
# much momentum is the safer mistake.
#
# ## Heavy ball from scratch, and PyTorch's form
#
# The loop below is Polyak's formula, word for word. PyTorch's `torch.optim.SGD`, and `gdlearn`'s `SGD` which
# copies it, write momentum differently, with a **momentum buffer** $m_k$ (PyTorch's `momentum_buffer`, the
# "velocity" of the ball):
#
# $$
# \begin{aligned}
# m_k &= \beta\, m_{k-1} + \nabla f(\theta_k), \qquad m_0 = \nabla f(\theta_0), \\
# \theta_{k+1} &= \theta_k - \alpha\, m_k .
# \end{aligned}
# $$
#
# The two are the same method with the *same* $\alpha$ and $\beta$. From the buffer form,
# $\theta_{k+1} - \theta_k = -\alpha m_k = -\alpha\nabla f(\theta_k) - \alpha\beta m_{k-1}$, and
# $-\alpha m_{k-1} = \theta_k - \theta_{k-1}$, so
# $\theta_{k+1} - \theta_k = -\alpha\nabla f(\theta_k) + \beta(\theta_k - \theta_{k-1})$. The first step, $\theta_1 = \theta_0 - \alpha\nabla f(\theta_0)$, matches
# Polyak's with $\theta_{-1} = \theta_0$. Let the code confirm it, step by step:


# %%
def heavy_ball(grad, x0, alpha, beta, steps):
    """Polyak's heavy ball: x_{k+1} = x_k - alpha grad(x_k) + beta (x_k - x_{k-1})."""
    xs = [np.array(x0, dtype=float)]
    x_prev = xs[0]
    for _ in range(steps):
        x = xs[-1]
        xs.append(x - alpha * grad(x) + beta * (x - x_prev))
        x_prev = x
    return np.array(xs)


path_polyak = heavy_ball(f.grad, x0, alpha_hb, beta_hb, steps=60)
path_torch = minimize(
    f, x0, SGD(lr=alpha_hb, momentum=beta_hb), max_steps=60, gtol=None
).history.x
print("Polyak's form, steps 1-3:\n", path_polyak[1:4])
print("gdlearn SGD(momentum),   steps 1-3:\n", path_torch[1:4])
same = np.allclose(path_polyak, path_torch, rtol=1e-12, atol=1e-14)
print("same iterates over 60 steps (to 1e-12):", same)
assert same


# %% [markdown]
# Other libraries use yet other forms: some put the learning rate inside the buffer
# ($m_k = \beta m_{k-1} + \alpha\nabla f$, $\theta_{k+1} = \theta_k - m_k$), which is the same method as long as $\alpha$
# is constant but not when a schedule changes it; some average the gradients
# ($m_k = \beta m_{k-1} + (1 - \beta)\nabla f$, the form of Adam's first moment in {doc}`adaptive_methods`), which
# makes every step $1 - \beta$ times as long for the same $\alpha$. When you
# copy hyper-parameters between libraries, check which form each uses.
#
# ## Nesterov's accelerated gradient
#
# Nesterov's method {cite:p}`nesterov1983` differs from heavy ball in one place: it evaluates the gradient not
# at the current point but at the point the momentum is about to carry it to. In the two-sequence form,
#
# $$
# \begin{aligned}
# \theta_{k+1} &= \tilde\theta_k - \alpha\nabla f(\tilde\theta_k), \\
# \tilde\theta_{k+1} &= \theta_{k+1} + \beta\,(\theta_{k+1} - \theta_k), \qquad \tilde\theta_0 = \theta_0 ,
# \end{aligned}
# $$
#
# so $\tilde\theta_k$ is a **look-ahead** point. {cite:t}`sutskever2013` rewrote it as heavy ball with a corrected
# gradient: with the last move $m_k = \theta_k - \theta_{k-1}$ as the buffer (the learning rate inside it),
# $m_{k+1} = \beta m_k - \alpha\nabla f(\theta_k + \beta m_k)$ and $\theta_{k+1} = \theta_k + m_{k+1}$, and they showed
# that it trains deep networks well. PyTorch's `nesterov=True` (and `gdlearn`'s) stores the look-ahead point
# itself: with the buffer $m_k = \beta m_{k-1} + \nabla f(\tilde\theta_k)$ it steps
# $\tilde\theta_{k+1} = \tilde\theta_k - \alpha\,(\nabla f(\tilde\theta_k) + \beta m_k)$.
# So `gdlearn`'s iterates should be the $\tilde\theta_k$ of the two-sequence form:


# %%
def nesterov(grad, x0, alpha, beta, steps):
    """Nesterov's method in two sequences; returns the look-ahead points (theta tilde)
    0..steps."""
    x_old = np.array(x0, dtype=float)
    y = x_old.copy()
    ys = [y]
    for _ in range(steps):
        x_new = y - alpha * grad(y)
        y = x_new + beta * (x_new - x_old)
        x_old = x_new
        ys.append(y)
    return np.array(ys)


alpha_nag = 1 / L
beta_nag = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)
path_nag = nesterov(f.grad, x0, alpha_nag, beta_nag, steps=60)
path_nag_lib = minimize(
    f,
    x0,
    SGD(lr=alpha_nag, momentum=beta_nag, nesterov=True),
    max_steps=60,
    gtol=None,
).history.x
same = np.allclose(path_nag, path_nag_lib, rtol=1e-12, atol=1e-14)
print("same iterates over 60 steps (to 1e-12):", same)
assert same


# %% [markdown]
# Here we used Nesterov's tuning for a strongly convex function, $\alpha = 1/L$ and
# $\beta = (\sqrt\kappa - 1)/(\sqrt\kappa + 1)$. On a quadratic the same analysis applies: per eigen-direction
# $\theta_{k+1} = (1 - \alpha\lambda)\big[(1 + \beta)\theta_k - \beta \theta_{k-1}\big]$, so
#
# $$
# T_{\mathrm{NAG}}(\lambda) = \begin{pmatrix} (1 + \beta)(1 - \alpha\lambda) & -\beta(1 - \alpha\lambda) \\ 1 & 0 \end{pmatrix}.
# $$
#
# With this tuning the flat direction $\lambda = \mu$ gets a double root $1 - 1/\sqrt\kappa$, and the steep one
# $\lambda = L$ is removed in a single step ($1 - \alpha L = 0$). Theory and measurement side by side, for all three
# methods at their tunings:


# %%
def T_nag(lam, alpha, beta):
    """Nesterov iteration matrix for one eigen-direction of curvature lam."""
    shrink = 1 - alpha * lam
    return np.array([[(1 + beta) * shrink, -beta * shrink], [1.0, 0.0]])


rho_nag = max(
    np.abs(np.linalg.eigvals(T_nag(lam_, alpha_nag, beta_nag))).max()
    for lam_ in f.eigenvalues
)
print(
    f"Nesterov: spectral radius {rho_nag:.4f}, 1 - 1/sqrt(kappa) = "
    f"{1 - 1 / np.sqrt(kappa):.4f}"
)
assert np.isclose(rho_nag, 1 - 1 / np.sqrt(kappa), atol=1e-6)

runs["Nesterov"] = minimize(
    f,
    x0,
    SGD(lr=alpha_nag, momentum=beta_nag, nesterov=True),
    max_steps=300,
    gtol=None,
)
theory["Nesterov"] = rho_nag
print(
    f"{'method':<18}{'alpha':>7}{'beta':>7}{'theory':>8}"
    f"{'measured':>10}{'steps to 1e-8':>15}"
)
for name, (a, b) in {
    "gradient descent": (alpha_gd, 0.0),
    "heavy ball": (alpha_hb, beta_hb),
    "Nesterov": (alpha_nag, beta_nag),
}.items():
    res = runs[name]
    rate = measured_rate(res.history.x)
    print(
        f"{name:<18}{a:7.3f}{b:7.3f}{theory[name]:8.4f}"
        f"{rate:10.4f}{steps_to(res.history.x):15d}"
    )
    assert abs(rate - theory[name]) <= 0.02 * theory[name]
steps = {name: steps_to(res.history.x) for name, res in runs.items()}
assert steps["heavy ball"] < steps["Nesterov"] < steps["gradient descent"]

# %% [markdown]
# On a quadratic with known $\mu$ and $L$, heavy ball is the fastest of the three. Nesterov's method is slower
# here, but its guarantee is wider: its accelerated rate holds for *every* smooth strongly convex function,
# while Polyak's analysis is an argument about quadratics (near a minimum, about the local quadratic model). In
# deep learning neither $\mu$ nor $L$ is known, and both methods are run with a generic $\beta$ such as $0.9$.
#
# ### Nesterov's schedule for convex functions
#
# Without strong convexity ($\mu = 0$, or $\mu$ unknown) there is no $\kappa$ to tune $\beta$ with. Nesterov's
# original method {cite:p}`nesterov1983` then lets the momentum grow with the step count,
#
# $$
# \begin{aligned}
# \theta_{k} &= \tilde\theta_{k-1} - \alpha\nabla f(\tilde\theta_{k-1}), \\
# \tilde\theta_{k} &= \theta_{k} + \beta_k\,(\theta_{k} - \theta_{k-1}), \\
# \beta_k &= \frac{k-1}{k+2}, \qquad k = 1, 2, \dots
# \end{aligned}
# $$
#
# ($\beta_1 = 0$, $\tilde\theta_0 = \theta_0$). For every convex $f$ with $L$-Lipschitz gradient and $\alpha = 1/L$ it
# guarantees (in the form of {cite:t}`nesterov2004`'s analysis, up to the constant)
#
# $$
# f(\theta_k) - f^\star \le \frac{2L\,\|\theta_0 - \theta^\star\|^2}{(k+1)^2},
# $$
#
# against
#
# $$
# f(\theta_k) - f^\star \le \frac{L\,\|\theta_0 - \theta^\star\|^2}{2k}
# $$
#
# for gradient descent with the same step: $O(1/k^2)$ instead of $O(1/k)$, the best possible order for a method
# that only combines gradients. We check both bounds on a convex quadratic with 100 curvatures $\lambda_i = 1/i^2$
# ($L = 1$; the smallest is $10^{-4}$, so on the scale of 1000 steps the problem behaves as if $\mu = 0$), from
# $\theta_0 = (1, \dots, 1)$.

# %%
lam_cvx = 1.0 / np.arange(1, 101) ** 2
f_cvx = Quadratic(lam_cvx)
theta0_cvx = np.ones(100)
K_CVX = 1000


def nesterov_convex(grad, theta0, alpha, steps):
    """Nesterov's method with beta_k = (k - 1)/(k + 2); returns theta_0..theta_steps."""
    theta_old = np.array(theta0, dtype=float)
    y = theta_old.copy()
    thetas = [theta_old]
    for k in range(1, steps + 1):
        theta = y - alpha * grad(y)
        y = theta + (k - 1) / (k + 2) * (theta - theta_old)
        theta_old = theta
        thetas.append(theta)
    return np.array(thetas)


gap_nag = np.array(
    [f_cvx.value(t) for t in nesterov_convex(f_cvx.grad, theta0_cvx, 1.0, K_CVX)]
)
res_cvx = minimize(
    f_cvx, theta0_cvx, SGD(lr=1.0), max_steps=K_CVX, gtol=None, record_points=False
)
gap_gd = res_cvx.history.loss
k_cvx = np.arange(K_CVX + 1)
r0_sq = np.sum(theta0_cvx**2)  # |theta_0 - theta*|^2, theta* = 0
bound_nag = 2 * r0_sq / (k_cvx + 1) ** 2
bound_gd = r0_sq / (2 * np.maximum(k_cvx, 1))
print(
    f"{'k':>5}{'GD gap':>10}{'GD bound':>10}{'Nesterov gap':>14}{'Nesterov bound':>16}"
)
for k in (10, 100, 1000):
    print(
        f"{k:>5}{gap_gd[k]:10.2e}{bound_gd[k]:10.2e}"
        f"{gap_nag[k]:14.2e}{bound_nag[k]:16.2e}"
    )

# %%
assert np.all(gap_nag[1:] <= bound_nag[1:]) and np.all(gap_gd[1:] <= bound_gd[1:])
assert gap_nag[K_CVX] < gap_gd[K_CVX] / 1000

# %%
fig, ax = plt.subplots(figsize=(7, 4.5))
ax.loglog(k_cvx[1:], gap_gd[1:], label="gradient descent")
ax.loglog(
    k_cvx[1:], gap_nag[1:], linestyle="-.", label=r"Nesterov, $\beta_k = (k-1)/(k+2)$"
)
ax.loglog(
    k_cvx[1:], bound_gd[1:], color="gray", linestyle="--", label="bound for GD, 1/k"
)
ax.loglog(
    k_cvx[1:],
    bound_nag[1:],
    color="k",
    linestyle=":",
    label="bound for Nesterov, 1/k²",
)
ax.set_xlabel("step k")
ax.set_ylabel(r"$f(\theta_k) - f^\star$")
ax.set_title("A convex quadratic with curvatures 1/i², i = 1..100")
ax.legend(loc="lower left", fontsize="small")
plt.show()

# %% [markdown]
# *The figure shows, on log-log axes, the suboptimality against the step number over 1000 steps. Gradient
# descent (solid) falls slowly and stays below its dashed bound, which falls like one over k; Nesterov's method
# with the growing momentum (dashed-dotted) falls much faster, with small ripples, and stays below its dotted
# bound, which falls like one over k squared.*
#
# After 1000 steps Nesterov's suboptimality is more than a thousand times smaller than gradient descent's. The ripples are the
# momentum overshooting: with $\beta_k \to 1$ the method is never damped, and $f(\theta_k)$ is not monotone. (A
# common remedy, not shown, is to restart the schedule at $k = 1$ whenever the loss goes up.)
#
# ## The oscillation picture
#
# Here are the first 60 steps on the contour map: gradient descent with its best step, heavy ball with
# Polyak's tuning, and heavy ball and Nesterov with the same generous momentum $\beta = 0.9$ and step $1/L$.

# %%
paths = {
    "gradient descent, best step": runs["gradient descent"].history.x[:61],
    "heavy ball, Polyak's tuning": runs["heavy ball"].history.x[:61],
    r"heavy ball, $\beta$ = 0.9": minimize(
        f, x0, SGD(lr=1 / L, momentum=0.9), max_steps=60, gtol=None
    ).history.x,
    r"Nesterov, $\beta$ = 0.9": minimize(
        f, x0, SGD(lr=1 / L, momentum=0.9, nesterov=True), max_steps=60, gtol=None
    ).history.x,
}
G1, G2 = np.meshgrid(np.linspace(-5, 5, 300), np.linspace(-3, 3, 300))
F = f.value(np.stack([G1, G2]))
fig, axes = plt.subplots(2, 2, figsize=(7, 6), sharex=True, sharey=True)
levels = np.geomspace(0.005, 15, 12)
for ax, (name, pts) in zip(axes.ravel(), paths.items(), strict=True):
    ax.contour(G1, G2, F, levels=levels, cmap="viridis", linewidths=0.8)
    plot_path(ax, pts, color="C1")
    # black edge and on top: the star stays visible where the path reaches it
    ax.plot(0, 0, "*", color="crimson", ms=14, mec="k", mew=1.0, zorder=5)
    ax.set_title(name, fontsize=11)
    ax.set_xlabel(r"$\theta_1$")
    ax.set_ylabel(r"$\theta_2$")
    ax.label_outer()
fig.suptitle(
    r"60 steps on $0.1\theta_1^2 + 2\theta_2^2$ from (-4, 1.5); star: the minimum"
)
plt.show()

# %% [markdown]
# *The figure shows four contour maps of the elongated bowl 0.1 theta-1 squared plus 2 theta-2 squared, each
# with 60 iterates from (-4, 1.5) (a square) and a red star at the minimum: gradient descent zig-zags across the narrow direction while
# creeping along the long one; heavy ball with Polyak's tuning swings across the valley in wide but quickly
# shrinking arcs and settles at the minimum far sooner; heavy ball with momentum 0.9 overshoots the minimum along
# the valley and circles around it; Nesterov with momentum 0.9 ends the cross-valley swing within two steps and
# then slides along the valley axis, overshooting less far.*
#
# With $\beta = 0.9$ both momentum methods are under-damped in the flat direction, so they overshoot; Nesterov's
# look-ahead gradient acts as extra friction (its flat-direction rate is $\sqrt{\beta(1 - \alpha\mu)}$ instead of
# $\sqrt\beta$):

# %%
for name, T in [("heavy ball", T_hb), ("Nesterov", T_nag)]:
    r = np.abs(np.linalg.eigvals(T(mu, 1 / L, 0.9))).max()
    print(f"{name:<10} beta = 0.9, alpha = 1/L: flat-direction rate {r:.4f}")
assert np.isclose(
    np.abs(np.linalg.eigvals(T_nag(mu, 1 / L, 0.9))).max(), np.sqrt(0.9 * (1 - mu / L))
)

# %% [markdown]
# ## A curved valley: Rosenbrock's function
#
# Rosenbrock's function {cite:p}`rosenbrock1960`, $f(\theta) = 100\,(\theta_2 - \theta_1^2)^2 + (1 - \theta_1)^2$, has its minimum
# $f = 0$ at $(1, 1)$ at the end of a curved, flat-bottomed valley; at the minimum the Hessian's condition number is
# about 2500. No single quadratic describes it, so there is no formula for the best $\alpha$ and $\beta$. We
# start at the classic point $(-1.2, 1)$ and count the steps until $f \le 10^{-6}$ (a callback stops the run, so
# the status `"callback"` means the target was reached).
# Near the minimum gradient descent is stable only for steps below $2/\lambda_{\max} \approx 0.002$; it uses $0.0015$.
# The momentum methods use $\alpha = 0.001$.

# %%
rosen = Rosenbrock()
start = np.array([-1.2, 1.0])
FTOL = 1e-6


def stop_at_tol(k, x, loss, grad):
    return loss <= FTOL


def sig3(k):
    """A step count rounded to three significant figures (its last digits depend on
    round-off)."""
    return round(k, 2 - len(str(k)) + 1) if k >= 1000 else k


setups = {
    "GD, lr 0.0015": SGD(lr=0.0015),
    "heavy ball, lr 0.001, beta 0.9": SGD(lr=0.001, momentum=0.9),
    "Nesterov, lr 0.001, beta 0.9": SGD(lr=0.001, momentum=0.9, nesterov=True),
    "heavy ball, lr 0.001, beta 0.95": SGD(lr=0.001, momentum=0.95),
    "Nesterov, lr 0.001, beta 0.95": SGD(lr=0.001, momentum=0.95, nesterov=True),
}
rosen_runs = {
    name: minimize(
        rosen, start, opt, max_steps=20_000, callback=stop_at_tol, record_points=False
    )
    for name, opt in setups.items()
}
print(f"{'method':<34}{'status':>10}{'steps to f <= 1e-6':>20}")
for name, res in rosen_runs.items():
    print(f"{name:<34}{res.status:>10}{sig3(res.n_steps):20,d}")
    assert res.status == "callback"
    assert np.allclose(res.x, rosen.minima[0], atol=1e-2)
n_gd_r = rosen_runs["GD, lr 0.0015"].n_steps
for name, res in rosen_runs.items():
    if name != "GD, lr 0.0015":
        print(f"{name:<34} {n_gd_r / res.n_steps:4.2g} times fewer steps than GD")
        assert res.n_steps < n_gd_r / 5

# %% [markdown]
# Momentum cuts the step count by a factor of 7 to 21. With $\beta = 0.9$ the two momentum methods are nearly tied;
# with $\beta = 0.95$ Nesterov is ahead. The loss curves:

# %%
fig, (ax_all, ax_zoom) = plt.subplots(2, 1, figsize=(7, 8))
loss_curves(
    {name: res.history.loss for name, res in rosen_runs.items()},
    ax=ax_all,
    xlabel="step k",
    ylabel=r"$f(\theta_k) - f^\star$",
    title="Rosenbrock from (-1.2, 1): all five runs",
)
momentum_runs = {
    name: res for name, res in rosen_runs.items() if not name.startswith("GD")
}
loss_curves(
    {name: res.history.loss for name, res in momentum_runs.items()},
    ax=ax_zoom,
    xlabel="step k",
    ylabel=r"$f(\theta_k) - f^\star$",
    title="The four momentum runs, first 1500 steps",
)
for i, (line, mk) in enumerate(
    zip(ax_zoom.get_lines(), ["o", "s", "^", "D"], strict=True)
):
    line.set_marker(mk)
    line.set_markevery(
        (25 * i, 100)
    )  # staggered, so the markers do not hide each other
ax_zoom.set_xlim(0, 1500)
ax_zoom.legend(loc="upper right", fontsize="small")
plt.show()

# %% [markdown]
# *The figure shows the Rosenbrock loss on a log scale against the step number. In the top panel, with all five
# runs, gradient descent drops quickly to about 0.1, then falls along a slow straight line and needs about ten
# thousand steps to reach 10 to the minus 6, while the four momentum runs finish within the first 1500 steps. The
# bottom panel zooms in on those four, each with its own line style and marker: heavy ball and Nesterov with
# momentum 0.9 (circles, squares) fall together, as a pair, and finish after about 1400 steps; with momentum 0.95
# (triangles, diamonds) both finish within 650 steps, Nesterov first.*
#
# Momentum is no free lunch on a curved valley: the same overshoot that speeds travel along a straight valley makes
# the iterate run up the far wall when the valley bends. And Nesterov, for all its damping, needs a smaller step than
# heavy ball to stay stable (exercise 1).
#
# ## Momentum with noisy gradients
#
# Everything so far used exact gradients. With a stochastic gradient $g_k = \nabla f(\theta_k) + \xi_k$ (noise
# $\xi_k$ of mean zero and variance $\operatorname{Var}(g) = \mathbb E\,\xi_k^2$, as in {doc}`batch_sgd_minibatch`)
# the picture changes. Unroll the buffer form: $m_k = \sum_{j \le k} \beta^{k-j} g_j$, so once the iterate moves slowly compared with $1/(1-\beta)$
# steps, each gradient ends up moving $\theta$ by $\alpha(1 + \beta + \beta^2 + \dots) = \alpha/(1 - \beta)$ in
# total. In the stationary regime, where the iterates jitter around the minimum, heavy ball with step $\alpha$ and
# momentum $\beta$ therefore behaves like plain SGD with the **effective step** $\alpha/(1 - \beta)$
# {cite:p}`bottou2018`: the momentum buys no noise reduction at the same effective step, and a $\beta$ of 0.9
# multiplies the noise floor by ten unless $\alpha$ is divided by ten.
#
# On the one-dimensional quadratic $f(\theta) = \tfrac12\lambda\theta^2$ this can be computed exactly. SGD with
# step $\eta$ has the stationary variance $\eta\operatorname{Var}(g) / \big(\lambda(2 - \eta\lambda)\big)$, and heavy
# ball's follows from its iteration matrix $T$: the covariance $S$ of the state $(\theta_k, \theta_{k-1})$ solves
# $S = T S T^\top + \operatorname{diag}(\alpha^2\operatorname{Var}(g), 0)$, which gives
#
# $$
# \begin{aligned}
# \operatorname{Var}\theta_\infty
# &= \frac{\alpha\operatorname{Var}(g)\,(1 + \beta)}{\lambda\,(1 - \beta)\,\big(2(1 + \beta) - \alpha\lambda\big)} \\
# &\approx \frac{\alpha}{1 - \beta}\cdot\frac{\operatorname{Var}(g)}{2\lambda}
# \qquad (\alpha\lambda \ll 1),
# \end{aligned}
# $$
#
# SGD's with $\eta = \alpha/(1 - \beta)$. We check it with $\lambda = \operatorname{Var}(g) = 1$, $\alpha = 0.01$, $\beta = 0.9$,
# running 4000 independent chains for 2000 steps from $\theta_0 = 0$ and measuring the variance at the end.

# %%
LAM_N, VAR_G, ALPHA_N, BETA_N = 1.0, 1.0, 0.01, 0.9
CHAINS, STEPS_N = 4000, 2000


def stationary_var_hb(alpha, beta, lam=LAM_N, var_g=VAR_G):
    """Stationary variance of heavy ball with additive gradient noise, from
    S = T S T^T + diag(alpha^2 Var(g), 0)."""
    T = T_hb(lam, alpha, beta)
    noise = np.diag([alpha**2 * var_g, 0.0])
    S = np.linalg.solve(np.eye(4) - np.kron(T, T), noise.ravel()).reshape(2, 2)
    return S[0, 0]


def noisy_runs(alpha, beta, seed=0):
    """Final iterates of CHAINS independent heavy-ball runs (buffer form) on noisy
    gradients."""
    rng = np.random.default_rng(seed)
    theta, buf = np.zeros(CHAINS), np.zeros(CHAINS)
    for _ in range(STEPS_N):
        g = LAM_N * theta + np.sqrt(VAR_G) * rng.standard_normal(CHAINS)
        buf = beta * buf + g
        theta = theta - alpha * buf
    return theta


eta_eff = ALPHA_N / (1 - BETA_N)
print(f"{'method':<34}{'theory':>9}{'measured':>10}{'+/- s.e.':>10}")
noisy = {}
for name, alpha, beta in [
    (f"SGD, step {ALPHA_N}", ALPHA_N, 0.0),
    (f"heavy ball, step {ALPHA_N}, beta {BETA_N}", ALPHA_N, BETA_N),
    (f"SGD, step alpha/(1-beta) = {eta_eff:.1f}", eta_eff, 0.0),
]:
    final = noisy_runs(alpha, beta)
    var, se = final.var(), final.var() * np.sqrt(2 / (CHAINS - 1))
    noisy[name] = (stationary_var_hb(alpha, beta), var, se)
    print(f"{name:<34}{noisy[name][0]:9.4f}{var:10.4f}{se:10.4f}")

# %%
(sgd_small, hb, sgd_eff) = noisy.values()
for theory_, var, se in noisy.values():
    assert abs(var - theory_) < 4 * se  # measured within sampling error
assert np.isclose(
    hb[0], ALPHA_N * (1 + BETA_N) / ((1 - BETA_N) * (2 * (1 + BETA_N) - ALPHA_N))
)
assert abs(hb[0] / sgd_eff[0] - 1) < 0.05 and hb[0] > 9 * sgd_small[0]

# %% [markdown]
# Heavy ball with $\alpha = 0.01$ and $\beta = 0.9$ jitters ten times as much as SGD with the same $\alpha$, and
# within 5 % as much as SGD with step $0.1 = \alpha/(1 - \beta)$. So when momentum is switched on in a
# stochastic setting, compare it with SGD at the same effective step, and expect the speed-up of the earlier
# sections only in the early, nearly deterministic phase, where the gradient is large compared with the noise.
# Near the minimum it is the effective step (or averaging of the iterates, {cite:t}`polyak1992`) that sets
# how close the iterates get.
#
# ## Key points
#
# - **Heavy ball** $\theta_{k+1} = \theta_k - \alpha\nabla f(\theta_k) + \beta(\theta_k - \theta_{k-1})$ keeps a fraction $\beta$ of the last
#   move. On a quadratic each eigen-direction evolves by the $2\times 2$ matrix
#   $T(\lambda) = \begin{pmatrix} 1+\beta-\alpha\lambda & -\beta \\ 1 & 0\end{pmatrix}$, and the rate is its spectral radius.
# - With Polyak's $\alpha = 4/(\sqrt L + \sqrt\mu)^2$ and $\beta = \big((\sqrt L - \sqrt\mu)/(\sqrt L + \sqrt\mu)\big)^2$ the
#   rate is $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ instead of gradient descent's $(\kappa - 1)/(\kappa + 1)$: for
#   $\kappa = 20$, 0.635 instead of 0.905, and about 4 times fewer steps to $10^{-8}$ (measured).
# - For a fixed curvature, momentum is over-damped below $\beta_c = (1 - \sqrt{\alpha\lambda})^2$, critically damped at
#   $\beta_c$ (fastest) and oscillating above it, where the rate is exactly $\sqrt\beta$.
# - PyTorch's buffer form $m \leftarrow \beta m + g$, $\theta \leftarrow \theta - \alpha m$ is Polyak's method with the same
#   $\alpha$ and $\beta$; forms that average the gradient or put $\alpha$ in the buffer are not.
# - **Nesterov** evaluates the gradient at the look-ahead point. It damps oscillations more, its accelerated rate holds
#   for all smooth strongly convex functions, and it needs a smaller step than heavy ball to stay stable. With
#   the schedule $\beta_k = (k-1)/(k+2)$ it reaches $f - f^\star = O(1/k^2)$ on any smooth convex function,
#   against $O(1/k)$ for gradient descent.
# - With noisy gradients, heavy ball near the minimum behaves like SGD with the effective step $\alpha/(1-\beta)$:
#   measured, $\beta = 0.9$ multiplied the stationary variance by ten at the same $\alpha$.
#
# ## Exercises
#
# ```{exercise} How large a step can momentum take?
# :label: ex-mom-stability
# A real quadratic $r^2 - s r + p$ has both roots inside the unit circle exactly when $|p| < 1$ and $|s| < 1 + p$.
# Use this to find the largest stable $h = \alpha\lambda$ for heavy ball and for Nesterov with momentum $\beta$. At the
# minimum of Rosenbrock's function the largest Hessian eigenvalue is about 1002: with $\beta = 0.95$, which of the
# step sizes 0.001 and 0.002 should be stable for each method? Check by running them.
# ```
#
# ```{solution-start} ex-mom-stability
# :class: dropdown
# ```
#
# For heavy ball $s = 1 + \beta - h$ and $p = \beta$, so stability means $0 < h < 2(1 + \beta)$. For Nesterov
# $s = (1+\beta)(1-h)$ and $p = \beta(1-h)$; for $h > 1$ the binding condition is $(1+\beta)(h-1) < 1 + \beta(1-h)$,
# i.e. $h < 2(1+\beta)/(1+2\beta)$. Nesterov's limit is smaller by the factor $1 + 2\beta$.

# %%
L_rosen = np.linalg.eigvalsh(rosen.hess(rosen.minima[0])).max()
beta = 0.95
lim_hb = 2 * (1 + beta) / L_rosen
lim_nag = 2 * (1 + beta) / (1 + 2 * beta) / L_rosen
print(f"largest curvature at the minimum: {L_rosen:.1f}")
print(f"stable step limits: heavy ball {lim_hb:.5f}, Nesterov {lim_nag:.5f}")
for lr in [0.001, 0.002]:
    for name, nest in [("heavy ball", False), ("Nesterov", True)]:
        res = minimize(
            rosen,
            start,
            SGD(lr=lr, momentum=beta, nesterov=nest),
            max_steps=5000,
            callback=stop_at_tol,
        )
        limit = lim_nag if nest else lim_hb
        print(
            f"lr {lr}: {name:<10} predicted "
            f"{'stable' if lr < limit else 'unstable':<9}-> {res.status}"
        )
        assert (res.status == "callback") == (lr < limit)


# %% [markdown]
# The predictions from the local quadratic model hold: at step size 0.002 heavy ball converges but Nesterov diverges.
#
# ```{solution-end}
# ```
#
# ```{exercise} Too much momentum
# :label: ex-mom-too-much
# On the bowl $0.1\theta_1^2 + 2\theta_2^2$ keep Polyak's $\alpha$ but use $\beta = 0.9$ and $\beta = 0.99$. Predict the rate and
# the number of steps to $\|\theta_k\| \le 10^{-8}$ from $\theta_0 = (-4, 1.5)$, then measure them.
# ```
#
# ```{solution-start} ex-mom-too-much
# :class: dropdown
# ```
#
# Both values are above $\beta_c$ for both curvatures ($|1 + \beta - \alpha\lambda| < 2\sqrt\beta$ for $\lambda = 0.2$
# and $\lambda = 4$), so the rate is $\sqrt\beta$ and the step count is roughly $\ln(10^{-8}/\|\theta_0\|)/\ln\sqrt\beta$.


# %%
for beta in [0.9, 0.99]:
    assert all(
        abs(1 + beta - alpha_hb * lam_) < 2 * np.sqrt(beta) for lam_ in f.eigenvalues
    )
    res = minimize(f, x0, SGD(lr=alpha_hb, momentum=beta), max_steps=5000, gtol=None)
    err = np.linalg.norm(res.history.x, axis=1)
    predicted = np.log(TOL / np.linalg.norm(x0)) / np.log(np.sqrt(beta))
    first_below = steps_to(res.history.x)
    last_above = int(np.flatnonzero(err > TOL)[-1])
    rate = measured_rate(res.history.x, first_below // 2, first_below)
    print(
        f"beta = {beta}: rate sqrt(beta) = {np.sqrt(beta):.4f}, measured {rate:.4f}; "
        f"steps predicted ~{sig3(round(predicted)):,}"
    )
    print(
        f"    first below 1e-8 at step {sig3(first_below):,}, "
        f"last above 1e-8 at step {sig3(last_above):,}"
    )
    assert abs(rate - np.sqrt(beta)) <= 0.02 * np.sqrt(beta)
    assert abs(last_above - predicted) < 0.01 * predicted and first_below < predicted

# %% [markdown]
# The prediction is the step at which the *envelope* $\|\theta_0\|\,\sqrt\beta^{\,k}$ reaches $10^{-8}$: it uses
# the asymptotic rate and takes $\|\theta_0\|$ for the constant in front. Above $\beta_c$ the iterates oscillate inside
# that envelope (each coordinate like $\sqrt\beta^{\,k}\cos(k\omega + \phi)$, with its own $\omega$), so the
# distance first dips below $10^{-8}$ at a trough of the oscillation, well before the envelope gets there: with
# $\beta = 0.99$ the dips are deep, the distance being at times only a few per cent of the envelope, and since
# $\sqrt{0.99}^{\,k}$ shrinks by that factor only every several hundred steps, the first dip comes about 17 %
# early. The last step at which the distance is still above $10^{-8}$ agrees with the prediction to within 1 %.
# Either way, with $\beta = 0.99$ the ball hardly feels friction and needs thousands of steps, far more than plain
# gradient descent's 199.
#
# ```{solution-end}
# ```
#
# ```{exercise} A tilted valley
# :label: ex-mom-rotated
# The analysis assumed $H$ diagonal. Rotate the bowl by 0.7 radians (`Quadratic([0.2, 4.0], rotation=0.7)`) and
# measure the rates of gradient descent and heavy ball again with the same tunings. Why do they not change?
# ```
#
# ```{solution-start} ex-mom-rotated
# :class: dropdown
# ```
#
# Both methods are linear in the gradient, and the gradient of $\tfrac12 \theta^\top Q \Lambda Q^\top \theta$ in the rotated
# coordinates $Q^\top \theta$ is $\Lambda Q^\top \theta$: in the eigenbasis the iteration is the diagonal one, so the rates depend only
# on the eigenvalues.

# %%
f_rot = Quadratic([0.2, 4.0], rotation=0.7)
for name, opt, rho in [
    ("gradient descent", SGD(lr=alpha_gd), rho_gd),
    ("heavy ball", SGD(lr=alpha_hb, momentum=beta_hb), rho_hb),
]:
    rate = measured_rate(minimize(f_rot, x0, opt, max_steps=300, gtol=None).history.x)
    print(f"{name:<17} rotated bowl: measured {rate:.4f}, theory {rho:.4f}")
    assert abs(rate - rho) <= 0.02 * rho

# %% [markdown]
# ```{solution-end}
# ```
#
# ```{exercise} Two forms of Nesterov's method
# :label: ex-mom-nesterov-forms
# The look-ahead form keeps two sequences, $\theta_{k+1} = \tilde\theta_k - \alpha\nabla f(\tilde\theta_k)$ and
# $\tilde\theta_{k+1} = \theta_{k+1} + \beta(\theta_{k+1} - \theta_k)$ with $\tilde\theta_0 = \theta_0$. PyTorch's form
# keeps one point and a buffer, $m_k = \beta m_{k-1} + \nabla f(\tilde\theta_k)$ ($m_{-1} = 0$) and
# $\tilde\theta_{k+1} = \tilde\theta_k - \alpha(\nabla f(\tilde\theta_k) + \beta m_k)$.
# Show that both produce the same points $\tilde\theta_k$, then check it numerically on Rosenbrock's function, where the
# gradient is not linear.
# ```
#
# ```{solution-start} ex-mom-nesterov-forms
# :class: dropdown
# ```
#
# Claim: in the look-ahead form $\theta_{k+1} - \theta_k = -\alpha m_k$ for every $k \ge 0$, with $m_k$ built from
# the same look-ahead points. For $k = 0$: $\theta_1 - \theta_0 = \tilde\theta_0 - \alpha\nabla f(\tilde\theta_0) - \theta_0
# = -\alpha m_0$. If it holds for $k - 1$, then, because $\tilde\theta_k = \theta_k + \beta(\theta_k - \theta_{k-1})$,
#
# $$
# \begin{aligned}
# &\theta_{k+1} - \theta_k \\
# &\quad= \tilde\theta_k - \alpha\nabla f(\tilde\theta_k) - \theta_k \\
# &\quad= \beta(\theta_k - \theta_{k-1}) - \alpha\nabla f(\tilde\theta_k) \\
# &\quad= -\alpha\big(\beta m_{k-1} + \nabla f(\tilde\theta_k)\big) = -\alpha m_k .
# \end{aligned}
# $$
#
# Then $\tilde\theta_{k+1} = \theta_{k+1} + \beta(\theta_{k+1} - \theta_k)
# = \tilde\theta_k - \alpha\nabla f(\tilde\theta_k) - \alpha\beta m_k$, which
# is PyTorch's update. Both forms start at $\tilde\theta_0 = \theta_0$, so by induction they visit the same points (the
# gradient is only ever evaluated at those points, so nothing here needs $f$ to be quadratic). The torch form,
# written from scratch, against the `nesterov` function of the chapter:


# %%
def nesterov_torch_form(grad, y0, alpha, beta, steps):
    """PyTorch's Nesterov: m = beta m + grad(y); y = y - alpha (grad(y) + beta m), where
    y is the look-ahead point (theta tilde in the text)."""
    y = np.array(y0, dtype=float)
    buf = np.zeros_like(y)
    ys = [y]
    for _ in range(steps):
        g = grad(y)
        buf = beta * buf + g
        y = y - alpha * (g + beta * buf)
        ys.append(y)
    return np.array(ys)


look_ahead = nesterov(rosen.grad, start, 0.001, 0.9, steps=200)
torch_form = nesterov_torch_form(rosen.grad, start, 0.001, 0.9, steps=200)
same = np.allclose(look_ahead, torch_form, rtol=1e-9, atol=1e-12)
print("Rosenbrock, 200 steps: the two forms visit the same points (to 1e-9):", same)
assert same

# %% [markdown]
# ```{solution-end}
# ```
#
# ## References
#
# The heavy-ball method and its rate on quadratics are due to {cite:t}`polyak1964`; the accelerated gradient method to
# {cite:t}`nesterov1983`, in the momentum form of {cite:t}`sutskever2013`. Rosenbrock's valley comes from
# {cite:t}`rosenbrock1960`, and {cite:t}`ruder2016` surveys these and the adaptive methods of
# {doc}`../part3/adaptive_methods`. Full entries are in the {doc}`../appendix/bibliography`.
