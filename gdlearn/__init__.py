"""gdlearn: the companion package of *Gradient Descent, Tested*.

Small, readable and tested implementations of gradient descent and the optimizers built on it.
Everything needs only numpy, except :mod:`gdlearn.plot` (matplotlib), which is not imported here.

The most used names are available at the top level::

    from gdlearn import Adam, Rosenbrock, minimize
    result = minimize(Rosenbrock(), [-1.2, 1.0], Adam(lr=0.05), max_steps=5000, gtol=1e-6)

Modules: :mod:`~gdlearn.objectives`, :mod:`~gdlearn.models`, :mod:`~gdlearn.mlp`,
:mod:`~gdlearn.optim`, :mod:`~gdlearn.schedules`, :mod:`~gdlearn.init`, :mod:`~gdlearn.gradcheck`,
:mod:`~gdlearn.linesearch`, :mod:`~gdlearn.loop`, :mod:`~gdlearn.benchmark`, :mod:`~gdlearn.data`,
:mod:`~gdlearn.plot`.
"""

from gdlearn import data, init, schedules
from gdlearn.gradcheck import GradCheck, check_grad, numerical_grad
from gdlearn.linesearch import LineSearch, backtracking
from gdlearn.loop import fit, minimize
from gdlearn.mlp import MLP
from gdlearn.models import LinearRegression, LogisticRegression, SoftmaxRegression
from gdlearn.objectives import (
    Beale,
    Booth,
    Himmelblau,
    Objective,
    Quadratic,
    Rastrigin,
    Rosenbrock,
    SixHumpCamel,
)
from gdlearn.optim import (
    EMA,
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
    Optimizer,
    PolyakAveraging,
    Prodigy,
    RMSProp,
    ScheduleFreeAdamW,
    ScheduleFreeSGD,
    SignSGD,
)
from gdlearn.result import History, Result

__version__ = "0.3.0"

__all__ = [
    "__version__",
    "data",
    "init",
    "schedules",
    "Objective",
    "Quadratic",
    "Rosenbrock",
    "Himmelblau",
    "Beale",
    "Booth",
    "Rastrigin",
    "SixHumpCamel",
    "LinearRegression",
    "LogisticRegression",
    "SoftmaxRegression",
    "MLP",
    "Optimizer",
    "SGD",
    "AdaGrad",
    "RMSProp",
    "AdaDelta",
    "Adam",
    "AdamW",
    "Newton",
    "SGDHD",
    "AdamHD",
    "SignSGD",
    "Lion",
    "NAdam",
    "Muon",
    "ScheduleFreeSGD",
    "ScheduleFreeAdamW",
    "Prodigy",
    "PolyakAveraging",
    "EMA",
    "minimize",
    "fit",
    "Result",
    "History",
    "check_grad",
    "numerical_grad",
    "GradCheck",
    "backtracking",
    "ArmijoGD",
    "LineSearch",
]
