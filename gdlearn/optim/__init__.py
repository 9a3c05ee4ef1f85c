"""Optimizers: each a small class whose ``step(x, g)`` applies one published update rule.

Hyper-parameter names, defaults and state names follow ``torch.optim``; every class writes
its exact rule in its docstring.  Parameters are one array or a dict of arrays.
"""

from gdlearn.optim.adadelta import AdaDelta
from gdlearn.optim.adagrad import AdaGrad
from gdlearn.optim.adam import Adam, AdamW
from gdlearn.optim.armijo import ArmijoGD
from gdlearn.optim.base import LearningRate, Optimizer, Schedule
from gdlearn.optim.hypergradient import SGDHD, AdamHD
from gdlearn.optim.newton import Newton
from gdlearn.optim.rmsprop import RMSProp
from gdlearn.optim.sgd import SGD

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
]
