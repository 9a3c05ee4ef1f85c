"""Tests of gdlearn.plot under the Agg backend: functions run, label their axes, return Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from gdlearn import plot  # noqa: E402


class Bowl:
    name = "Bowl"
    xlim = (-2.0, 2.0)
    ylim = (-1.0, 3.0)
    minima = [np.array([0.5, 1.0])]

    def value(self, x):
        return (x[0] - 0.5) ** 2 + 4.0 * (x[1] - 1.0) ** 2


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_contour_labels_title_and_minimum():
    ax = plot.contour(Bowl(), n=50)
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title() == "Bowl"
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.0, 3.0)
    star = [line for line in ax.get_lines() if line.get_marker() == "*"]
    assert len(star) == 1 and tuple(star[0].get_xydata()[0]) == (0.5, 1.0)
    ax2 = plot.contour(Bowl(), log=False, xlim=(0, 1), ylim=(0, 2), levels=10, n=30)
    assert ax2.get_xlim() == (0.0, 1.0)


def test_contour_needs_a_window():
    class NoWindow:
        def value(self, x):
            return x[0] ** 2 + x[1] ** 2

    with pytest.raises(ValueError, match="xlim"):
        plot.contour(NoWindow())
    ax = plot.contour(NoWindow(), xlim=(-1, 1), ylim=(-1, 1), n=20)
    assert ax.get_title() == ""


def test_plot_path_draws_the_points():
    _, ax = plt.subplots()
    pts = np.array([[0.0, 0.0], [1.0, 0.5], [1.5, 1.0]])
    out = plot.plot_path(ax, pts, label="GD", color="C3")
    assert out is ax
    path = [line for line in ax.get_lines() if line.get_label() == "GD"]
    assert len(path) == 1
    np.testing.assert_array_equal(path[0].get_xydata(), pts)
    assert ax.get_xlabel() and ax.get_ylabel()
    with pytest.raises(ValueError, match="points"):
        plot.plot_path(ax, np.zeros((3, 3)))


def test_plot_paths_legend_and_title():
    paths = {"GD": np.array([[-1.5, 2.5], [0.0, 1.2], [0.5, 1.0]]),
             "Adam": np.array([[1.5, -0.5], [0.5, 1.0]])}
    ax = plot.plot_paths(Bowl(), paths, title="Two optimizers")
    assert ax.get_title() == "Two optimizers"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "GD" in labels and "Adam" in labels
    assert plot.plot_paths(Bowl(), paths).get_title() == "Bowl"


def test_loss_curves():
    curves = {"GD": 0.9 ** np.arange(50), "fast": 0.5 ** np.arange(50)}
    ax = plot.loss_curves(curves, title="Losses")
    assert isinstance(ax, Axes) and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "loss" and ax.get_title() == "Losses"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["GD", "fast"]
    _, ax0 = plt.subplots()
    ax = plot.loss_curves({"x": [1.0, 0.0, 2.0]}, ax=ax0, log=False, xlabel="epoch", ylabel="error")
    assert ax is ax0 and ax.get_yscale() == "linear" and ax.get_xlabel() == "epoch"
    ax = plot.loss_curves({"exact": [1.0, 0.1, 0.0]})  # an exact zero is left out of a log plot
    assert np.isnan(ax.get_lines()[0].get_ydata()[-1])
    with pytest.raises(TypeError, match="dict"):
        plot.loss_curves([1.0, 2.0])
    with pytest.raises(ValueError, match="1-D"):
        plot.loss_curves({"bad": np.ones((2, 2))})


def test_figure_renders():
    ax = plot.plot_paths(Bowl(), {"p": np.array([[1.0, 2.0], [0.5, 1.0]])})
    ax.figure.canvas.draw()  # full render under Agg raises on any bad artist


def test_book_style_sets_legible_fonts_and_distinct_line_styles() -> None:
    import matplotlib as mpl

    from gdlearn.plot import BOOK_CYCLE, use_book_style

    with mpl.rc_context():
        use_book_style(retina=False)
        assert mpl.rcParams["xtick.labelsize"] >= 12 and mpl.rcParams["font.size"] >= 12
        styles = [str(s["linestyle"]) for s in BOOK_CYCLE]
        # the first six series differ in line style, not only in colour
        assert len(set(styles[:6])) == 6
