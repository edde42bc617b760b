"""Reference cases of the regression family (catalogue section 1): error metrics and likelihoods.

Where the peer is scikit-learn, the value of every case is scikit-learn's own (computed in float64);
scikit-learn gives no gradients, so the gradients come from the same formula written with torch
operations in float64, whose value is first checked against scikit-learn's.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from sklearn import metrics

from common import Reference, f32, rng

SKLEARN_EPS = float(np.finfo(np.float64).eps)


def _np(t):
    return t.detach().double().numpy().ravel()


def sklearn_valued(formula, sk_mean, reduction, *tensors):
    """formula(*tensors) -> unreduced torch values; sk_mean(*arrays) -> scikit-learn's mean.

    Returns a tensor whose value is scikit-learn's (mean, n * mean, or per element) and whose
    gradient is the formula's.
    """
    per = formula(*tensors)
    arrays = [_np(t) for t in tensors]
    if reduction == "none":
        sk = np.array([sk_mean(*[a[i:i + 1] for a in arrays]) for i in range(arrays[0].size)]).reshape(per.shape)
        ours = per
    else:
        sk = sk_mean(*arrays)
        ours = per.mean()
        if reduction == "sum":
            sk = sk * arrays[0].size
            ours = per.sum()
    sk = torch.as_tensor(sk, dtype=torch.float64)
    np.testing.assert_allclose(ours.detach().numpy(), sk.numpy(), rtol=1e-9, atol=1e-12 * max(1.0, float(sk.abs().max())))
    return ours + (sk - ours.detach())


def finite(gen):
    """Wraps a generator: every gradient of every case must be finite."""
    def wrapped():
        ref = gen()
        for c in ref.cases:
            for k, g in c["grads"].items():
                if not np.all(np.isfinite(g["data"])):
                    raise ValueError(f"{ref.loss_id}/{c['name']}: the peer gave a non-finite gradient for {k}")
        return ref
    wrapped.__name__ = gen.__name__
    return wrapped


def mape():
    ref = Reference("mape", "scikit-learn",
                    "sklearn.metrics.mean_absolute_percentage_error (values); gradients of the formula in torch float64")

    def run(eps):
        def fn(reduction, pred, target):
            def formula(p, t):
                p, t = p.double(), t.double()
                return (p - t).abs() / t.abs().clamp(min=eps)
            return sklearn_valued(formula, lambda p, t: metrics.mean_absolute_percentage_error(t, p),
                                  reduction, pred, target)
        return fn

    r = rng(11)
    t = f32(r.uniform(0.5, 3, 23) * r.choice([-1, 1], 23))
    p = f32(t + r.normal(0, 1, 23))
    ref.case("random", run(1e-8), {"pred": p, "target": t})
    t2 = f32(r.uniform(0.2, 50, (4, 5)))
    ref.case("2-D", run(1e-8), {"pred": f32(t2 * r.uniform(0.5, 1.5, (4, 5))), "target": t2})
    ref.case("large residuals", run(1e-8), {"pred": f32(p * 1000), "target": t})
    p3 = f32([1.5, -2, 0, 3, 4, 1e-3, 2])
    t3 = f32([0, 0, 0, 3, 1e-9, -1e-3, 1e-20])
    ref.case("zero and tiny targets, scikit-learn's eps", run(SKLEARN_EPS), {"pred": p3, "target": t3},
             params={"eps": SKLEARN_EPS})
    return ref


def smape():
    ref = Reference("smape", "formula-in-pytorch", "2 |pred - target| / (|pred| + |target|) in torch float64")

    def fn(reduction, pred, target):
        p, t = pred.double(), target.double()
        per = 2 * (p - t).abs() / (p.abs() + t.abs())
        return reduce(per, reduction)

    r = rng(12)
    ref.case("random", fn, {"pred": f32(r.normal(0, 2, 23)), "target": f32(r.normal(0, 2, 23))})
    ref.case("2-D positive", fn, {"pred": f32(r.uniform(0.1, 9, (3, 5))), "target": f32(r.uniform(0.1, 9, (3, 5)))})
    # One of the two zero (never both: 0/0 in the formula), opposite signs, equal values.
    ref.case("zeros, opposite signs, exact hits", fn,
             {"pred": f32([0, 3, -2, 5, 1e-3, 1e6, 0]), "target": f32([2, 0, 2, 5, -1e-3, 1, -7])})
    ref.case("large", fn, {"pred": f32(r.normal(0, 1e6, 9)), "target": f32(r.normal(0, 1, 9))})
    return ref


def msle():
    ref = Reference("msle", "scikit-learn",
                    "sklearn.metrics.mean_squared_log_error (values); gradients of the formula in torch float64")

    def fn(reduction, pred, target):
        def formula(p, t):
            return (torch.log1p(p.double()) - torch.log1p(t.double())) ** 2
        return sklearn_valued(formula, lambda p, t: metrics.mean_squared_log_error(t, p), reduction, pred, target)

    r = rng(13)
    ref.case("random", fn, {"pred": f32(r.uniform(0, 5, 23)), "target": f32(r.uniform(0, 5, 23))})
    ref.case("2-D counts", fn, {"pred": f32(r.uniform(0, 30, (4, 6))), "target": f32(r.poisson(8, (4, 6)))})
    ref.case("zeros, exact hits and orders of magnitude", fn,
             {"pred": f32([0, 0, 3, 1e6, 1e-6, 12.5, 1e9]), "target": f32([0, 4, 3, 10, 0, 12.5, 1e3])})
    return ref


def rmse():
    ref = Reference("rmse", "scikit-learn",
                    "sklearn.metrics.mean_squared_error(squared=False) (values); gradients of sqrt(mean(r^2)) in torch float64")

    def fn(reduction, pred, target):
        def formula(p, t):
            # One value over the whole tensor; sklearn_valued's mean of a 1-element tensor is itself.
            return torch.sqrt(((p.double() - t.double()) ** 2).mean()).reshape(1)
        return sklearn_valued(formula, lambda p, t: metrics.mean_squared_error(t, p, squared=False),
                              reduction, pred, target)

    r = rng(14)
    ref.case("random", fn, {"pred": f32(r.normal(0, 2, 23)), "target": f32(r.normal(0, 1, 23))},
             reductions=("mean",))
    ref.case("3-D", fn, {"pred": f32(r.normal(0, 2, (2, 3, 4))), "target": f32(r.normal(0, 1, (2, 3, 4)))},
             reductions=("mean",))
    ref.case("large", fn, {"pred": f32(r.normal(0, 1e6, 17)), "target": f32(r.normal(0, 1, 17))},
             reductions=("mean",))
    ref.case("one element", fn, {"pred": f32([2.5]), "target": f32([-1])}, reductions=("mean",))
    return ref


def reduce(per, reduction):
    if reduction == "mean":
        return per.mean()
    if reduction == "sum":
        return per.sum()
    return per


def mase():
    ref = Reference("mase", "formula-in-pytorch",
                    "|pred - target| / mean(|y_t - y_{t-m}|) over insample (per series for (N, T)), torch float64")

    def run(m):
        def fn(reduction, pred, target, insample):
            y = insample.double()
            scale = (y[..., m:] - y[..., :-m]).abs().mean(dim=-1)
            if insample.dim() == 2:
                scale = scale.unsqueeze(-1)
            per = (pred.double() - target.double()).abs() / scale
            return reduce(per, reduction)
        return fn

    r = rng(15)

    def walk(*shape):
        return f32(np.cumsum(r.normal(0, 1.5, shape), axis=-1) + 20)

    ref.case("1-D history, season 1", run(1), {"pred": f32(r.normal(20, 3, 12)), "target": f32(r.normal(20, 3, 12)),
                                               "insample": walk(30)})
    ref.case("1-D history, 2-D forecast, season 4", run(4),
             {"pred": f32(r.normal(20, 3, (3, 4))), "target": f32(r.normal(20, 3, (3, 4))), "insample": walk(24)},
             params={"season": 4})
    ref.case("one history per series", run(1),
             {"pred": f32(r.normal(20, 3, (5, 6))), "target": f32(r.normal(20, 3, (5, 6))), "insample": walk(5, 18)})
    months = np.arange(48)
    seasonal = f32(10 + 5 * np.sin(2 * np.pi * months / 12)[None, :] + r.normal(0, 0.5, (2, 48)))
    ref.case("monthly series, season 12", run(12),
             {"pred": f32(r.normal(10, 5, (2, 12))), "target": f32(r.normal(10, 5, (2, 12))), "insample": seasonal},
             params={"season": 12})
    zeros = f32([0, 0, 3, 0, 1, 0, 0, 2, 0, 0])
    ref.case("intermittent series with exact hits", run(1),
             {"pred": f32([0, 0.5, 1, 0, 2]), "target": f32([0, 0, 3, 0, 2]), "insample": zeros})
    return ref


def poisson_nll():
    ref = Reference("poisson-nll", "pytorch", "torch.nn.functional.poisson_nll_loss")

    def run(log_input=True, full=False, eps=1e-8):
        return lambda reduction, pred, target: F.poisson_nll_loss(pred, target, log_input=log_input, full=full,
                                                                  eps=eps, reduction=reduction)

    r = rng(16)
    counts = f32(r.poisson(3, 23))
    counts[:3] = [0, 1, 2]
    ref.case("log-input", run(), {"pred": f32(r.normal(0.8, 1, 23)), "target": counts})
    rates = f32(r.uniform(0.1, 6, 23))
    ref.case("rate input", run(log_input=False), {"pred": rates, "target": counts}, params={"log-input": False})
    ref.case("full", run(full=True), {"pred": f32(r.normal(0.8, 1, 23)), "target": counts}, params={"full": True})
    ref.case("rate input, full", run(log_input=False, full=True), {"pred": rates, "target": counts},
             params={"log-input": False, "full": True})
    zero_rates = f32([0, 0, 0.5, 2, 0, 1e-6])
    ref.case("rate input with zero rates", run(log_input=False),
             {"pred": zero_rates, "target": f32([0, 3, 1, 2, 1, 4])}, params={"log-input": False})
    ref.case("rate input, eps 0.5", run(log_input=False, eps=0.5),
             {"pred": zero_rates, "target": f32([0, 3, 1, 2, 1, 4])}, params={"log-input": False, "eps": 0.5})
    shape = (2, 3, 4, 5)
    ref.case("spatial (N, C, d1, d2)", run(full=True),
             {"pred": f32(r.normal(1, 1, shape)), "target": f32(r.poisson(3, shape))}, params={"full": True})
    # exp(1000) is infinite in PyTorch: the far negative side and log-rates still finite in float32.
    ref.case("large log-rates", run(), {"pred": f32([-1000, -80, 20, 60, 85]), "target": f32([0, 3, 1e6, 0, 5])})
    return ref


def gaussian_nll():
    ref = Reference("gaussian-nll", "pytorch", "torch.nn.functional.gaussian_nll_loss (PyTorch 1.13)")

    def run(full=False, eps=1e-6):
        return lambda reduction, pred, target, var: F.gaussian_nll_loss(pred, target, var, full=full, eps=eps,
                                                                         reduction=reduction)

    r = rng(17)
    g = ("pred", "var")
    ref.case("per-element variance", run(),
             {"pred": f32(r.normal(0, 2, 23)), "target": f32(r.normal(0, 1, 23)), "var": f32(r.uniform(0.1, 3, 23))},
             grad=g)
    ref.case("full", run(full=True),
             {"pred": f32(r.normal(0, 2, 23)), "target": f32(r.normal(0, 1, 23)), "var": f32(r.uniform(0.1, 3, 23))},
             grad=g, params={"full": True})
    ref.case("one variance per sample, (N)", run(),
             {"pred": f32(r.normal(0, 2, (5, 3))), "target": f32(r.normal(0, 1, (5, 3))),
              "var": f32(r.uniform(0.1, 3, 5))}, grad=g)
    ref.case("one variance per sample, (N, 1)", run(full=True),
             {"pred": f32(r.normal(0, 2, (5, 3))), "target": f32(r.normal(0, 1, (5, 3))),
              "var": f32(r.uniform(0.1, 3, (5, 1)))}, grad=g, params={"full": True})
    ref.case("scalar variance", run(),
             {"pred": f32(r.normal(0, 2, 7)), "target": f32(r.normal(0, 1, 7)), "var": f32(1.7)}, grad=g)
    ref.case("spatial (N, C, d) with (N, C) variance", run(),
             {"pred": f32(r.normal(0, 2, (2, 3, 4))), "target": f32(r.normal(0, 1, (2, 3, 4))),
              "var": f32(r.uniform(0.1, 3, (2, 3)))}, grad=g)
    ref.case("variances at and below eps are clamped", run(eps=1e-3),
             {"pred": f32([0.01, 0.02, -0.5, 1, 0]), "target": f32([0, 0, 0, 0.5, 0]),
              "var": f32([0, 1e-4, 1e-3, 0, 0])}, grad=g, params={"eps": 1e-3})
    ref.case("large residuals, zero variance", run(),
             {"pred": f32([1000, -1000, 3]), "target": f32([0, 0, 3]), "var": f32([0, 1e-30, 0])}, grad=g)
    return ref


def tweedie():
    ref = Reference("tweedie", "scikit-learn",
                    "sklearn.metrics.mean_tweedie_deviance(target, exp(pred), power) (values);"
                    " gradients of the same deviance in torch float64")

    def run(power):
        def fn(reduction, pred, target):
            def formula(s, y):
                s, y = s.double(), y.double()
                mu = torch.exp(s)
                if power == 1:
                    # y log(y / mu) written as xlogy(y, y) - y pred: xlogy's gradient is NaN at y = 0.
                    return 2 * (torch.xlogy(y, y) - y * s - y + mu)
                if power == 2:
                    return 2 * (torch.log(mu / y) + y / mu - 1)
                return 2 * (y ** (2 - power) / ((1 - power) * (2 - power))
                            - y * mu ** (1 - power) / (1 - power) + mu ** (2 - power) / (2 - power))
            return sklearn_valued(formula,
                                  lambda s, y: metrics.mean_tweedie_deviance(y, np.exp(s), power=power),
                                  reduction, pred, target)
        return fn

    r = rng(18)

    def claims(shape, zeros=0.4):
        y = r.gamma(2, 1.5, shape)
        y[r.uniform(size=shape) < zeros] = 0
        return f32(y)

    ref.case("power 1.5", run(1.5), {"pred": f32(r.normal(0.5, 1, 23)), "target": claims(23)})
    for power in (1.0, 1.2, 1.8):
        ref.case(f"power {power}", run(power), {"pred": f32(r.normal(0.5, 1, 23)), "target": claims(23)},
                 params={"power": power})
    ref.case("power 2 (Gamma)", run(2.0), {"pred": f32(r.normal(0.5, 1, 23)), "target": claims(23, zeros=0)},
             params={"power": 2.0})
    ref.case("2-D", run(1.5), {"pred": f32(r.normal(0.5, 1, (4, 5))), "target": claims((4, 5))})
    ref.case("wide scores", run(1.3), {"pred": f32(r.uniform(-30, 30, 11)), "target": claims(11)},
             params={"power": 1.3})
    return ref


ALL = [finite(g) for g in (mape, smape, msle, rmse, mase, poisson_nll, gaussian_nll, tweedie)]
