"""Figures for the book: contour plots with optimizer paths, and loss curves.

This is the only module of :mod:`gdlearn` that imports matplotlib.  Every function draws on a
given ``ax`` (or a new figure's), labels its axes and returns the :class:`~matplotlib.axes.Axes`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm

from gdlearn._validate import check_int

__all__ = ["use_book_style", "BOOK_CYCLE", "contour", "plot_path", "plot_paths", "loss_curves"]


#: The series style of the book: every series differs in line style as well as in hue,
#: so that no comparison depends on colour alone (Okabe-Ito colours, safe for colour-blind readers).
BOOK_CYCLE = (
    cycler(color=["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"])
    + cycler(linestyle=["-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 2)), "-", "--"])
)


def use_book_style(retina: bool = True) -> None:
    """Set matplotlib up the way the book's figures are drawn.

    A figure 7 inches wide is shown at about 700 CSS pixels, the width of the book's text column,
    so its 12-point tick labels are as large as the body text. Lines are 2 points wide, and series cycle
    through :data:`BOOK_CYCLE`, which changes the line style together with the colour (add markers
    with ``markevery=`` where curves cross or run close). In a Jupyter
    kernel, ``retina=True`` also switches the inline backend to double-resolution PNGs.

    Parameters
    ----------
    retina : bool, default True
        Ask the inline backend for retina PNGs (ignored outside IPython).
    """
    plt.rcParams.update(
        {
            "figure.figsize": (7.0, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 200,
            "figure.constrained_layout.use": True,
            "font.size": 12,
            "axes.titlesize": 13,
            "axes.labelsize": 12,
            "xtick.labelsize": 12,
            "ytick.labelsize": 12,
            "legend.fontsize": 11,
            "lines.linewidth": 2.0,
            "lines.markersize": 6,
            "axes.prop_cycle": BOOK_CYCLE,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    )
    if retina:
        try:
            from matplotlib_inline.backend_inline import set_matplotlib_formats
        except ImportError:  # not in a Jupyter kernel: nothing to switch
            return
        set_matplotlib_formats("retina")


def _new_axes(ax: Axes | None) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    return ax


def _window(name: str, given: Any, objective: Any) -> tuple[float, float]:
    window = given if given is not None else getattr(objective, name, None)
    if window is None:
        raise ValueError(f"{name} is needed: the objective has no default {name}")
    lo, hi = (float(v) for v in window)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"{name} must be (low, high) with low < high, got {window!r}")
    return lo, hi


def contour(
    objective: Any,
    ax: Axes | None = None,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    levels: int = 30,
    log: bool = True,
    n: int = 200,
) -> Axes:
    """Draw the level sets of a 2-D objective and mark its known minima.

    Parameters
    ----------
    objective : object
        Has a vectorized ``value`` (``value(np.stack([X, Y]))`` gives a grid); optional
        ``xlim``, ``ylim``, ``minima`` and ``name`` attributes are used when present.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    xlim, ylim : tuple of float, optional
        Plotting window; default ``objective.xlim`` and ``objective.ylim``.
    levels : int, default 30
        Number of contour levels.
    log : bool, default True
        Space the levels geometrically in :math:`f - \\min f` (shows the valley floor of
        badly scaled functions such as Rosenbrock); linear spacing otherwise.
    n : int, default 200
        Grid points per axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _new_axes(ax)
    levels = check_int("levels", levels, minimum=2)
    n = check_int("n", n, minimum=2)
    (x0, x1), (y0, y1) = _window("xlim", xlim, objective), _window("ylim", ylim, objective)
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    with np.errstate(all="ignore"):
        Z = np.asarray(objective.value(np.stack([X, Y])), dtype=float)
    if Z.shape != X.shape:
        raise ValueError(f"objective.value on a grid must return shape {X.shape}, got {Z.shape}")
    if log:
        D = Z - np.nanmin(Z)
        top = float(np.nanmax(D))
        positive = D[D > 0]
        low = max(float(positive.min()), top * 1e-9) if positive.size else 1.0
        top = max(top, low * 10)
        ax.contour(X, Y, np.maximum(D, low), levels=np.geomspace(low, top, levels), norm=LogNorm(),
                   cmap="viridis", linewidths=0.8)
    else:
        ax.contour(X, Y, Z, levels=levels, cmap="viridis", linewidths=0.8)
    for i, m in enumerate(getattr(objective, "minima", None) or []):
        m = np.asarray(m, dtype=float)
        if m.shape == (2,) and x0 <= m[0] <= x1 and y0 <= m[1] <= y1:
            ax.plot(m[0], m[1], marker="*", color="crimson", markersize=12, linestyle="none",
                    label="minimum" if i == 0 else None)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    name = getattr(objective, "name", None)
    if name:
        ax.set_title(str(name))
    return ax


def plot_path(ax: Axes, points: Any, label: str | None = None, **kw: Any) -> Axes:
    """Draw an optimizer's path (a ``(k, 2)`` array of points) with its start and end marked.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Where to draw.
    points : array_like
        Shape ``(k, 2)``: the iterates in order (``Result.history.x``).
    label : str, optional
        Legend entry.
    **kw
        Passed to :meth:`matplotlib.axes.Axes.plot` (``color``, ``marker``, ...).

    Returns
    -------
    matplotlib.axes.Axes
    """
    pts = np.asarray(points, dtype=float)
    if pts.ndim != 2 or pts.shape[1] != 2 or len(pts) == 0:
        raise ValueError(f"points must have shape (k, 2) with k >= 1, got {pts.shape}")
    style = {"marker": "o", "markersize": 2.5, "linewidth": 1.2}
    style.update(kw)
    (line,) = ax.plot(pts[:, 0], pts[:, 1], label=label, **style)
    color = line.get_color()
    ax.plot(pts[0, 0], pts[0, 1], marker="s", color=color, markersize=6, linestyle="none")
    ax.plot(pts[-1, 0], pts[-1, 1], marker="X", color=color, markersize=8, linestyle="none")
    if not ax.get_xlabel():
        ax.set_xlabel("$x_1$")
    if not ax.get_ylabel():
        ax.set_ylabel("$x_2$")
    return ax


def plot_paths(objective: Any, paths: Mapping[str, Any], ax: Axes | None = None,
               title: str | None = None) -> Axes:
    """Contour plot of ``objective`` with one labelled path per entry of ``paths``.

    Parameters
    ----------
    objective : object
        As for :func:`contour`.
    paths : dict of str to array_like
        Legend label → ``(k, 2)`` array of iterates.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    title : str, optional
        Title; default the objective's name.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(paths, Mapping):
        raise TypeError("paths must be a dict mapping a label to a (k, 2) array")
    ax = contour(objective, ax=ax)
    for label, pts in paths.items():
        plot_path(ax, pts, label=str(label))
    if title is not None:
        ax.set_title(title)
    ax.legend(loc="best", fontsize="small")
    return ax


def loss_curves(
    curves: Mapping[str, Any],
    ax: Axes | None = None,
    log: bool = True,
    xlabel: str = "step",
    ylabel: str = "loss",
    title: str | None = None,
) -> Axes:
    r"""Plot several loss (or gradient-norm, or error) curves against the step index.

    Parameters
    ----------
    curves : dict of str to array_like
        Legend label → 1-D array of values (``Result.history.loss``).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None.
    log : bool, default True
        Logarithmic y axis (linear convergence then shows as a straight line).  Values
        :math:`\le 0` are left out (a gap in the curve): plot :math:`f - f^*` for losses that reach 0.
    xlabel, ylabel : str
        Axis labels.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(curves, Mapping):
        raise TypeError("curves must be a dict mapping a label to a 1-D array")
    ax = _new_axes(ax)
    for label, values in curves.items():
        y = np.asarray(values, dtype=float)
        if y.ndim != 1:
            raise ValueError(f"curve {label!r} must be 1-D, got shape {y.shape}")
        if log:
            y = np.where(y > 0, y, np.nan)  # a log axis cannot show zero (e.g. an exact minimum)
        ax.plot(np.arange(len(y)), y, label=str(label), linewidth=1.5)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    if curves:
        ax.legend(loc="best", fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    return ax
