"""Reference cases of the distributions and divergences family (catalogue section 6).

kl-div comes from PyTorch itself (torch.nn.functional.kl_div). kl (the review's Keras-style code),
js-div, distillation, gaussian-kl, entropy and wasserstein-1d have no runnable peer with these
semantics here, so their catalogue formulas are written with torch operations and differentiated by
autograd ("formula-in-pytorch"); wasserstein-1d is also cross-checked against
scipy.stats.wasserstein_distance on normalised histograms.

Cases where PyTorch's gradient is NaN (kl-div's target gradient at t = 0, js-div's and entropy's
gradient at a zero probability) are left out here and covered by the Java tests.
"""
import numpy as np
import torch
import torch.nn.functional as F

from common import Reference, f32, rng

ALL_REDUCTIONS = ("mean", "sum", "none", "batchmean")


def reduce(values, reduction):
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    return values.mean()


def simplex(r, shape, axis=1, lo=0.05):
    p = r.uniform(lo, 1.0, shape)
    return f32(p / p.sum(axis=axis, keepdims=True))


def log_simplex(r, shape, axis=1):
    return f32(np.log(simplex(r, shape, axis).astype(np.float64)))


def logits(r, *shape, scale=2.0):
    return f32(r.normal(0, scale, shape))


# ---------------------------------------------------------------- kl-div

def kl_div():
    ref = Reference("kl-div", "pytorch", "torch.nn.functional.kl_div(pred, target, reduction, log_target)")

    def fn(log_target=False):
        def f(reduction, pred, target):
            return F.kl_div(pred, target, reduction=reduction, log_target=log_target)
        return f

    r = rng(60)
    both = ("pred", "target")
    x = log_simplex(r, (6, 5))
    ref.case("random (6, 5)", fn(), {"pred": x, "target": simplex(r, (6, 5))}, grad=both,
             reductions=ALL_REDUCTIONS)
    ref.case("random (6, 5), log-target", fn(True), {"pred": x, "target": log_simplex(r, (6, 5))}, grad=both,
             params={"log-target": True}, reductions=ALL_REDUCTIONS)
    xs = log_simplex(r, (2, 3, 4, 5))
    ref.case("spatial (2, 3, 4, 5)", fn(), {"pred": xs, "target": simplex(r, (2, 3, 4, 5))}, grad=both,
             reductions=ALL_REDUCTIONS)
    ref.case("spatial (2, 3, 4, 5), log-target", fn(True), {"pred": xs, "target": log_simplex(r, (2, 3, 4, 5))},
             grad=both, params={"log-target": True}, reductions=ALL_REDUCTIONS)
    ref.case("1-d (7)", fn(), {"pred": log_simplex(r, (7,), axis=0), "target": simplex(r, (7,), axis=0)},
             grad=both, reductions=ALL_REDUCTIONS)
    # Unnormalised targets, some above 1, which PyTorch accepts.
    ref.case("targets above 1", fn(), {"pred": log_simplex(r, (3, 4)), "target": f32(r.uniform(0.1, 3.0, (3, 4)))},
             grad=both, reductions=ALL_REDUCTIONS)
    # Probabilities of exactly 0 and 1 and log-probabilities of -1000: PyTorch's target gradient is NaN
    # where t = 0, so only the pred gradient is recorded.
    xe = f32([[-1000, 0, -1000, -2], [0, -1000, -0.5, -1], [-1000, -1000, 0, -3]])
    te = f32([[0, 1, 0, 0], [1, 0, 0, 0], [0.25, 0.25, 0.5, 0]])
    ref.case("probabilities of exactly 0 and 1, log-probabilities of -1000", fn(), {"pred": xe, "target": te},
             reductions=ALL_REDUCTIONS)
    tle = f32([[-1000, 0, -1000, -1000], [0, -1000, -50, -1], [-1000, -1000, 0, -3]])
    ref.case("log-target with log-probabilities of -1000 and 0", fn(True), {"pred": xe, "target": tle},
             grad=both, params={"log-target": True}, reductions=ALL_REDUCTIONS)
    return ref


# ---------------------------------------------------------------- kl

def kl():
    ref = Reference("kl", "formula-in-pytorch",
                    "sum(p * log(p / q), axis) after p = clamp(target, eps, 1), q = clamp(pred, eps, 1) (the"
                    " review's Keras-style KL), with torch operations")

    def fn(eps=1e-12, axis=1):
        def f(reduction, pred, target):
            p = torch.clamp(target, eps, 1.0)
            q = torch.clamp(pred, eps, 1.0)
            return reduce((p * torch.log(p / q)).sum(axis), reduction)
        return f

    r = rng(61)
    ref.case("random (6, 5)", fn(), {"pred": simplex(r, (6, 5)), "target": simplex(r, (6, 5))})
    ref.case("spatial (2, 3, 4, 5), axis 1", fn(), {"pred": simplex(r, (2, 3, 4, 5)), "target": simplex(r, (2, 3, 4, 5))})
    ref.case("channels-last (2, 4, 5, 3), axis -1", fn(axis=-1),
             {"pred": simplex(r, (2, 4, 5, 3), axis=-1), "target": simplex(r, (2, 4, 5, 3), axis=-1)},
             params={"axis": -1})
    ref.case("axis 0 (4, 6)", fn(axis=0), {"pred": simplex(r, (4, 6), axis=0), "target": simplex(r, (4, 6), axis=0)},
             params={"axis": 0})
    ref.case("eps=1e-3 with entries below it", fn(eps=1e-3),
             {"pred": f32([[0.0005, 0.4995, 0.5], [0.2, 0.3, 0.5]]), "target": f32([[0.3, 0.0002, 0.6998], [0.1, 0.1, 0.8]])},
             params={"eps": 1e-3})
    zq = f32([[0, 1, 0], [0.5, 0.5, 0], [0, 0, 1], [0.2, 0.3, 0.5]])
    zp = f32([[1, 0, 0], [0, 0.5, 0.5], [0, 0, 1], [0, 0, 1]])
    ref.case("probabilities of exactly 0 and 1", fn(), {"pred": zq, "target": zp})
    return ref


# ---------------------------------------------------------------- js-div

def js_div():
    ref = Reference("js-div", "formula-in-pytorch",
                    "0.5 sum(xlogy(p, p) - xlogy(p, m)) + 0.5 sum(xlogy(q, q) - xlogy(q, m)) along axis, m = (p + q) / 2,"
                    " with torch operations")

    def fn(axis=1):
        def f(reduction, pred, target):
            m = (target + pred) / 2
            kp = torch.xlogy(target, target) - torch.xlogy(target, m)
            kq = torch.xlogy(pred, pred) - torch.xlogy(pred, m)
            return reduce((0.5 * kp + 0.5 * kq).sum(axis), reduction)
        return f

    r = rng(62)
    ref.case("random (6, 5)", fn(), {"pred": simplex(r, (6, 5)), "target": simplex(r, (6, 5))})
    ref.case("spatial (2, 3, 4, 5), axis 1", fn(), {"pred": simplex(r, (2, 3, 4, 5)), "target": simplex(r, (2, 3, 4, 5))})
    ref.case("channels-last (2, 4, 5, 3), axis -1", fn(axis=-1),
             {"pred": simplex(r, (2, 4, 5, 3), axis=-1), "target": simplex(r, (2, 4, 5, 3), axis=-1)},
             params={"axis": -1})
    ref.case("axis 0 (4, 6)", fn(axis=0), {"pred": simplex(r, (4, 6), axis=0), "target": simplex(r, (4, 6), axis=0)},
             params={"axis": 0})
    # Targets with exact zeros and ones (pred positive: PyTorch's gradient is NaN where pred = 0).
    ref.case("targets of exactly 0 and 1", fn(),
             {"pred": simplex(r, (3, 4)), "target": f32([[0, 1, 0, 0], [0.5, 0, 0.5, 0], [0.25, 0.25, 0.25, 0.25]])})
    return ref


# ---------------------------------------------------------------- distillation

def distillation():
    ref = Reference("distillation", "formula-in-pytorch",
                    "T * T * F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction='batchmean') (mean),"
                    " the same with reduction='sum' (sum) and the per-sample sums of reduction='none' (none)")

    def fn(temperature=4.0):
        def f(reduction, pred, target):
            logq = F.log_softmax(pred / temperature, 1)
            p = F.softmax(target / temperature, 1)
            t2 = temperature * temperature
            if reduction == "mean":
                return t2 * F.kl_div(logq, p, reduction="batchmean")
            if reduction == "sum":
                return t2 * F.kl_div(logq, p, reduction="sum")
            return t2 * F.kl_div(logq, p, reduction="none").flatten(1).sum(1)
        return f

    r = rng(63)
    s, t = logits(r, 7, 5), logits(r, 7, 5)
    ref.case("random (7, 5), T=4", fn(), {"pred": s, "target": t})
    for temperature in (1.0, 0.5, 10.0):
        ref.case(f"random (7, 5), T={temperature}", fn(temperature), {"pred": s, "target": t},
                 params={"temperature": temperature})
    ref.case("spatial (2, 3, 4, 5), T=2", fn(2.0), {"pred": logits(r, 2, 3, 4, 5), "target": logits(r, 2, 3, 4, 5)},
             params={"temperature": 2.0})
    se = f32([[1000, -1000, 0, 5], [-1000, 1000, 1000, -3], [0, 0, -1000, 1000], [1000, 999, -1000, 0]])
    te = f32([[-1000, 1000, 0, 5], [1000, -1000, 0, 0], [0, 0, -1000, 1000], [3, 2, 1, 0]])
    ref.case("logits of +/-1000, T=4", fn(), {"pred": se, "target": te})
    ref.case("logits of +/-1000, T=1", fn(1.0), {"pred": se, "target": te}, params={"temperature": 1.0})
    return ref


# ---------------------------------------------------------------- gaussian-kl

def gaussian_kl():
    ref = Reference("gaussian-kl", "formula-in-pytorch",
                    "-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) over every dimension after the first,"
                    " in float64 on the float32 inputs")

    def f(reduction, mu, logvar):
        mu, logvar = mu.double(), logvar.double()
        terms = 1 + logvar - mu.pow(2) - logvar.exp()
        if mu.dim() == 1:
            values = -0.5 * terms.sum()
        else:
            values = -0.5 * terms.flatten(1).sum(1)
        return reduce(values, reduction)

    r = rng(64)
    grad = ("mu", "logvar")
    ref.case("random (6, 4)", f, {"mu": logits(r, 6, 4, scale=1.0), "logvar": logits(r, 6, 4, scale=1.0)}, grad=grad)
    ref.case("latents (2, 3, 2, 2)", f, {"mu": logits(r, 2, 3, 2, 2, scale=1.0),
                                         "logvar": logits(r, 2, 3, 2, 2, scale=1.0)}, grad=grad)
    ref.case("one sample (5)", f, {"mu": logits(r, 5, scale=1.0), "logvar": logits(r, 5, scale=1.0)}, grad=grad)
    ref.case("logvar of +/-50 and -1000, mu of +/-100", f,
             {"mu": f32([[0, 100], [-100, 0.5], [3, 0]]), "logvar": f32([[50, -50], [-1000, 0], [20, -20]])},
             grad=grad)
    return ref


# ---------------------------------------------------------------- entropy

def entropy():
    ref = Reference("entropy", "formula-in-pytorch",
                    "-sum(xlogy(p, p), axis) on probabilities; with from-logits, -sum(softmax(x) * log_softmax(x), axis);"
                    " with torch operations")

    def fn(from_logits=False, axis=1):
        def f(reduction, pred):
            if from_logits:
                values = -(F.softmax(pred, axis) * F.log_softmax(pred, axis)).sum(axis)
            else:
                values = -torch.xlogy(pred, pred).sum(axis)
            return reduce(values, reduction)
        return f

    r = rng(65)
    ref.case("probabilities (6, 5)", fn(), {"pred": simplex(r, (6, 5))})
    ref.case("probabilities, spatial (2, 3, 4, 5)", fn(), {"pred": simplex(r, (2, 3, 4, 5))})
    ref.case("probabilities, channels-last (2, 4, 3), axis -1", fn(axis=-1), {"pred": simplex(r, (2, 4, 3), axis=-1)},
             params={"axis": -1})
    ref.case("probabilities, axis 0 (4, 3)", fn(axis=0), {"pred": simplex(r, (4, 3), axis=0)}, params={"axis": 0})
    ref.case("probabilities of exactly 1 (and near 0)", fn(),
             {"pred": f32([[1, 1e-30, 1e-30], [0.5, 0.5, 1e-20], [1e-3, 0.999, 1e-30]])})
    ref.case("logits (6, 5)", fn(True), {"pred": logits(r, 6, 5)}, params={"from-logits": True})
    ref.case("logits, spatial (2, 3, 4, 5)", fn(True), {"pred": logits(r, 2, 3, 4, 5)}, params={"from-logits": True})
    ref.case("logits, channels-last (2, 4, 3), axis -1", fn(True, -1), {"pred": logits(r, 2, 4, 3)},
             params={"from-logits": True, "axis": -1})
    ref.case("logits of +/-1000", fn(True),
             {"pred": f32([[1000, -1000, 0, 5], [-1000, 1000, 1000, -3], [0, 0, -1000, 1000], [-1000] * 4])},
             params={"from-logits": True})
    return ref


# ---------------------------------------------------------------- wasserstein-1d

def wasserstein_1d():
    from scipy.stats import wasserstein_distance
    import scipy

    ref = Reference("wasserstein-1d", "formula-in-pytorch",
                    "sum(abs(cumsum(pred, -1) - cumsum(target, -1)), -1) in float64 on the float32 inputs;"
                    " values of the normalised cases cross-checked against scipy " + scipy.__version__ +
                    " scipy.stats.wasserstein_distance(range(B), range(B), pred, target) to 1e-6")

    def f(reduction, pred, target):
        d = torch.cumsum(pred.double(), -1) - torch.cumsum(target.double(), -1)
        return reduce(d.abs().sum(-1), reduction)

    def scipy_checked(name, p, t):
        rows_p, rows_t = p.reshape(-1, p.shape[-1]), t.reshape(-1, t.shape[-1])
        bins = np.arange(p.shape[-1])
        ours = f("none", torch.tensor(p), torch.tensor(t)).numpy().reshape(-1)
        for k in range(rows_p.shape[0]):
            w = wasserstein_distance(bins, bins, rows_p[k].astype(np.float64), rows_t[k].astype(np.float64))
            if abs(w - ours[k]) > 1e-6 * max(1.0, abs(w)):
                raise ValueError(f"wasserstein-1d/{name}: row {k}: scipy {w}, formula {ours[k]}")
        ref.case(name, f, {"pred": p, "target": t})

    r = rng(66)
    ref.case("unnormalised (5, 7)", f, {"pred": f32(r.uniform(0.05, 1, (5, 7))), "target": f32(r.uniform(0.05, 1, (5, 7)))})
    ref.case("unnormalised (2, 3, 6)", f, {"pred": f32(r.uniform(0, 2, (2, 3, 6))), "target": f32(r.uniform(0, 2, (2, 3, 6)))})
    scipy_checked("normalised dyadic (3, 4)",
                  f32([[0.25, 0.25, 0.125, 0.375], [1, 0, 0, 0], [0.5, 0, 0, 0.5]]),
                  f32([[0.375, 0.125, 0.25, 0.25], [0, 0, 0, 1], [0, 0.5, 0.5, 0]]))
    scipy_checked("normalised (4, 9)", simplex(r, (4, 9)), simplex(r, (4, 9)))
    scipy_checked("normalised (8), one histogram", simplex(r, (8,), axis=0), simplex(r, (8,), axis=0))
    ref.case("zeros and large masses", f, {"pred": f32([[0, 0, 0], [1e30, 0, 1e30]]), "target": f32([[0, 0, 0], [0, 2e30, 0]])})
    return ref


ALL = [kl_div, kl, js_div, distillation, gaussian_kl, entropy, wasserstein_1d]
