"""Optimizers: each a small class whose ``step(x, g)`` applies one published update rule.

Hyper-parameter names, defaults and state names follow ``torch.optim``; every class writes
its exact rule in its docstring.  Parameters are one array or a flat dict of arrays.

Policies shared by every optimizer (see :class:`~gdlearn.optim.base.Optimizer`):

- **dtype**: float16, float32 and float64 parameters keep their dtype, and so does the state;
  integer input becomes float64; complex input is refused with ``TypeError``. (Two documented
  exceptions keep a float16 run's accumulators in float32, where float16 would underflow or overflow:
  ``Prodigy``'s state and the schedule-free optimizers' averaging weight.)
- **state bound to its parameters**: after the first ``step`` the optimizer knows the structure,
  shapes and dtypes of its parameters; a ``step`` on anything else raises ``ValueError`` (call
  ``reset()`` or make a new optimizer).
- **save and resume**: ``state_dict()`` returns plain, picklable data (a schedule from
  :mod:`gdlearn.schedules` is saved by its settings); ``load_state_dict()`` restores it, and a run
  resumed that way is bit for bit the run that was never interrupted.
- **per-key settings**: ``param_groups=[{"keys": ["b*"], "weight_decay": 0.0}]`` for dict
  parameters; ``maximize=True`` ascends.
"""

from gdlearn.optim.adadelta import AdaDelta
from gdlearn.optim.adagrad import AdaGrad
from gdlearn.optim.adam import Adam, AdamW
from gdlearn.optim.armijo import ArmijoGD
from gdlearn.optim.averaging import EMA, PolyakAveraging
from gdlearn.optim.base import LearningRate, Optimizer, Schedule
from gdlearn.optim.hypergradient import SGDHD, AdamHD
from gdlearn.optim.lion import Lion
from gdlearn.optim.muon import Muon
from gdlearn.optim.nadam import NAdam
from gdlearn.optim.newton import Newton
from gdlearn.optim.orthogonalize import newton_schulz, orthogonalize_svd
from gdlearn.optim.prodigy import Prodigy
from gdlearn.optim.rmsprop import RMSProp
from gdlearn.optim.schedule_free import ScheduleFreeAdamW, ScheduleFreeSGD
from gdlearn.optim.sgd import SGD
from gdlearn.optim.sign import SignSGD

__all__ = [
    "Optimizer",
    "LearningRate",
    "Schedule",
    "SGD",
    "AdaGrad",
    "RMSProp",
    "AdaDelta",
    "Adam",
    "AdamW",
    "Newton",
    "SGDHD",
    "AdamHD",
    "ArmijoGD",
    "SignSGD",
    "Lion",
    "NAdam",
    "Muon",
    "newton_schulz",
    "orthogonalize_svd",
    "ScheduleFreeSGD",
    "ScheduleFreeAdamW",
    "PolyakAveraging",
    "EMA",
    "Prodigy",
]
