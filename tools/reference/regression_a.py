"""Reference cases of regression losses (catalogue section 1): mae, euclidean, smooth-l1, log-cosh,
pseudo-huber, charbonnier, general-robust, quantile and multi-quantile.

Where PyTorch has the loss (mae, smooth-l1) the peer is PyTorch itself; quantile takes its values
from scikit-learn's mean_pinball_loss. The others have no runnable peer: their catalogue formula is
written here with torch operations in float64 and differentiated by autograd ("formula-in-pytorch").
"""
import math

import numpy as np
import scipy.special
import torch
import torch.nn.functional as F
from sklearn.metrics import mean_pinball_loss

from common import Reference, f32, rng


def pairs(seed, n=23, scale=2.0, shape=None):
    r = rng(seed)
    p, t = f32(r.normal(0, scale, n)), f32(r.normal(0, 1, n))
    if shape is not None:
        p, t = p.reshape(shape), t.reshape(shape)
    return p, t


def reduce(values, reduction):
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    return values.mean()


def with_ties(seed, n=17):
    """Pairs where every third element has pred exactly equal to target."""
    p, t = pairs(seed, n)
    p[::3] = t[::3]
    return p, t


def mae():
    ref = Reference("mae", "pytorch", "torch.nn.functional.l1_loss")
    fn = lambda reduction, pred, target: F.l1_loss(pred, target, reduction=reduction)
    p, t = pairs(11)
    ref.case("random", fn, {"pred": p, "target": t})
    ref.case("large", fn, {"pred": p * 1e3, "target": t * 1e3})
    ref.case("residuals of 1e30", fn, {"pred": f32([1e30, -1e30, 1e38, 0.5]), "target": f32([0, 1e30, -1e38, 0.5])})
    p, t = with_ties(12)
    ref.case("ties (subgradient 0)", fn, {"pred": p, "target": t})
    p, t = pairs(13, n=24, shape=(2, 3, 4))
    ref.case("spatial (2, 3, 4)", fn, {"pred": p, "target": t})
    return ref


def euclidean():
    ref = Reference("euclidean", "formula-in-pytorch", "0.5 * (pred - target) ** 2")

    def fn(reduction, pred, target):
        return reduce(0.5 * (pred.double() - target.double()) ** 2, reduction)

    p, t = pairs(21)
    ref.case("random", fn, {"pred": p, "target": t})
    ref.case("large", fn, {"pred": p * 1e3, "target": t})
    p, t = pairs(22, n=12, shape=(3, 4))
    ref.case("spatial (3, 4)", fn, {"pred": p, "target": t})
    return ref


def smooth_l1():
    ref = Reference("smooth-l1", "pytorch", "torch.nn.functional.smooth_l1_loss")
    p, t = pairs(31, n=31)
    for beta in (1.0, 0.5, 2.5, 0.0):
        fn = lambda reduction, pred, target, beta=beta: F.smooth_l1_loss(pred, target, reduction=reduction, beta=beta)
        ref.case(f"beta={beta}", fn, {"pred": p, "target": t}, params={"beta": beta})
    # Ties only with beta > 0: at beta = 0 PyTorch 1.13's backward gives -1 where pred = target
    # (pytorch/pytorch#96813, fixed in 2.1 by dispatching to l1_loss); losskit gives l1_loss's 0, tested in Java.
    fn = lambda reduction, pred, target: F.smooth_l1_loss(pred, target, reduction=reduction, beta=1.0)
    q, s = with_ties(32)
    ref.case("ties, beta=1.0", fn, {"pred": q, "target": s}, params={"beta": 1.0})
    fn = lambda reduction, pred, target: F.smooth_l1_loss(pred, target, reduction=reduction, beta=1.0)
    ref.case("residuals at +-beta", fn, {"pred": f32([1, -1, 0.5, 3]), "target": f32([0, 0, 1.5, 2])},
             params={"beta": 1.0})
    ref.case("large", fn, {"pred": p * 1e3, "target": t})
    q, s = pairs(33, n=24, shape=(2, 4, 3))
    ref.case("spatial (2, 4, 3)", fn, {"pred": q, "target": s})
    return ref


def log_cosh():
    ref = Reference("log-cosh", "formula-in-pytorch", "r + softplus(-2 r) - log(2), r = pred - target (= log(cosh(r)))")

    def fn(reduction, pred, target):
        r = pred.double() - target.double()
        return reduce(r + F.softplus(-2 * r) - math.log(2.0), reduction)

    p, t = pairs(41)
    ref.case("random", fn, {"pred": p, "target": t})
    ref.case("residuals of +-1000", fn, {"pred": f32([1000, -1000, 800, 0, 30]), "target": f32([-1000, 1000, 0, 0, 0])})
    ref.case("large", fn, {"pred": p * 1e3, "target": t})
    p, t = pairs(42, n=12, shape=(2, 6))
    ref.case("spatial (2, 6)", fn, {"pred": p, "target": t})
    return ref


def pseudo_huber():
    ref = Reference("pseudo-huber", "formula-in-pytorch",
                    "delta ** 2 * (sqrt(1 + (r / delta) ** 2) - 1); values checked against scipy.special.pseudo_huber")

    def make(delta):
        def fn(reduction, pred, target):
            r = pred.double() - target.double()
            values = delta ** 2 * (torch.sqrt(1 + (r / delta) ** 2) - 1)
            check = scipy.special.pseudo_huber(delta, r.detach().numpy())
            assert np.allclose(values.detach().numpy(), check, rtol=1e-9, atol=0), "scipy disagrees"
            return reduce(values, reduction)
        return fn

    p, t = pairs(51, n=29)
    for delta in (1.0, 0.3, 4.0):
        ref.case(f"delta={delta}", make(delta), {"pred": p, "target": t}, params={"delta": delta})
    ref.case("large", make(1.0), {"pred": p * 1e3, "target": t})
    ref.case("zero residuals", make(2.0), {"pred": f32([0, 1, -3]), "target": f32([0, 1, -3])}, params={"delta": 2.0})
    return ref


def charbonnier():
    ref = Reference("charbonnier", "formula-in-pytorch", "sqrt((pred - target) ** 2 + eps ** 2)")

    def make(eps):
        def fn(reduction, pred, target):
            r = pred.double() - target.double()
            return reduce(torch.sqrt(r ** 2 + eps ** 2), reduction)
        return fn

    p, t = pairs(61, n=25)
    for eps in (1e-3, 0.1, 1.0):
        ref.case(f"eps={eps}", make(eps), {"pred": p, "target": t}, params={"eps": eps})
    q, s = with_ties(62)
    ref.case("zero residuals", make(1e-3), {"pred": q, "target": s})
    ref.case("large", make(1e-3), {"pred": p * 1e3, "target": t})
    q, s = pairs(63, n=2 * 3 * 2 * 2, shape=(2, 3, 2, 2))
    ref.case("images (2, 3, 2, 2)", make(1e-3), {"pred": q, "target": s})
    return ref


def barron(x, alpha, c):
    """Barron's rho in float64 torch: limits at alpha = 2, 0 and -inf, the expm1/log1p form otherwise."""
    z = (x / c) ** 2
    if alpha == 2:
        return 0.5 * z
    if alpha == 0:
        return torch.log1p(0.5 * z)
    if alpha == -math.inf:
        return -torch.expm1(-0.5 * z)
    b = abs(alpha - 2)
    return b / alpha * torch.expm1(0.5 * alpha * torch.log1p(z / b))


def barron_tensor_alpha(x, alpha, c):
    """rho with a per-element alpha tensor (no element exactly 0 or 2)."""
    z = (x / c) ** 2
    b = torch.abs(alpha - 2)
    return b / alpha * torch.expm1(0.5 * alpha * torch.log1p(z / b))


def general_robust():
    ref = Reference("general-robust", "formula-in-pytorch",
                    "Barron (2019) rho(pred - target, alpha, scale): |a-2|/a * expm1(a/2 * log1p(z/|a-2|)),"
                    " z = ((pred - target)/scale)^2, with the limits z/2 (a = 2), log1p(z/2) (a = 0),"
                    " -expm1(-z/2) (a = -inf); alpha as a tensor input differentiated by autograd")

    def make(alpha, c):
        def fn(reduction, pred, target):
            return reduce(barron(pred.double() - target.double(), alpha, c), reduction)
        return fn

    p, t = pairs(71, n=27)
    for alpha in (1.0, 2.0, 0.0, -2.0, -math.inf, 4.0, 0.5, -10.0, 1.9999, 0.001):
        params = {"alpha": "-inf" if alpha == -math.inf else alpha}
        ref.case(f"alpha={alpha}", make(alpha, 1.0), {"pred": p, "target": t}, params=params)
    for alpha, c in ((1.0, 0.5), (-2.0, 3.0), (-math.inf, 2.0), (0.0, 0.25)):
        params = {"alpha": "-inf" if alpha == -math.inf else alpha, "scale": c}
        ref.case(f"alpha={alpha}, scale={c}", make(alpha, c), {"pred": p, "target": t}, params=params)
    ref.case("large residuals", make(1.0, 1.0), {"pred": p * 1e3, "target": t})
    ref.case("large residuals, alpha=-inf", make(-math.inf, 1.0), {"pred": p * 1e3, "target": t},
             params={"alpha": "-inf"})

    def with_alpha(c):
        def fn(reduction, pred, target, alpha):
            return reduce(barron_tensor_alpha(pred.double() - target.double(), alpha.double(), c), reduction)
        return fn

    r = rng(72)
    n = 30
    a = f32(r.uniform(-4, 4, n))
    a[np.abs(a) < 0.01] = 0.5
    a[np.abs(a - 2) < 0.01] = 1.5
    a[:4] = f32([1e-4, -3e-3, 1.95, 2.2])
    q, s = pairs(73, n=n)
    ref.case("alpha input", with_alpha(1.0), {"pred": q, "target": s, "alpha": a}, grad=("pred", "alpha"))
    ref.case("alpha input, scale=0.4", with_alpha(0.4), {"pred": q, "target": s, "alpha": a},
             grad=("pred", "alpha"), params={"scale": 0.4, "alpha": -3.0})
    return ref


def quantile():
    ref = Reference("quantile", "scikit-learn",
                    "sklearn.metrics.mean_pinball_loss(target, pred, alpha=quantile): the mean, and per element"
                    " (multioutput='raw_values' over a (1, N) reshape) for 'none' and their sum for 'sum';"
                    " gradients from the formula max(q d, (q - 1) d), d = target - pred, by torch autograd")

    def make(q):
        def fn(reduction, pred, target):
            d = target.double() - pred.double()
            formula = reduce(torch.maximum(q * d, (q - 1) * d), reduction)
            y, yhat = target.detach().numpy().reshape(1, -1), pred.detach().numpy().reshape(1, -1)
            if reduction == "mean":
                peer = mean_pinball_loss(y.ravel(), yhat.ravel(), alpha=q)
            else:
                raw = mean_pinball_loss(y, yhat, alpha=q, multioutput="raw_values").reshape(target.shape)
                peer = raw if reduction == "none" else raw.sum()
            peer = torch.as_tensor(np.asarray(peer, dtype=np.float64))
            assert torch.allclose(peer, formula.detach(), rtol=1e-6, atol=1e-9), "scikit-learn disagrees with the formula"
            # The peer's value, with the formula's gradient.
            return formula + (peer - formula.detach())
        return fn

    p, t = pairs(81, n=33)
    for q in (0.5, 0.1, 0.9, 0.025):
        ref.case(f"quantile={q}", make(q), {"pred": p, "target": t}, params={"quantile": q})
    ref.case("large", make(0.5), {"pred": p * 1e3, "target": t})
    q_, s = pairs(82, n=12, shape=(3, 4))
    ref.case("spatial (3, 4), quantile=0.75", make(0.75), {"pred": q_, "target": s}, params={"quantile": 0.75})
    return ref


def multi_quantile():
    ref = Reference("multi-quantile", "formula-in-pytorch",
                    "mean over levels of max(q_j d_j, (q_j - 1) d_j), d_j = target - pred[..., j], plus"
                    " crossing-penalty * relu(pred[..., :-1] - pred[..., 1:]).sum(-1)")

    def make(levels, penalty):
        qs = torch.tensor(levels, dtype=torch.float64)

        def fn(reduction, pred, target):
            p = pred.double()
            d = target.double().unsqueeze(-1) - p
            pinball = torch.maximum(qs * d, (qs - 1) * d).mean(-1)
            crossing = F.relu(p[..., :-1] - p[..., 1:]).sum(-1)
            return reduce(pinball + penalty * crossing, reduction)
        return fn

    r = rng(91)
    n = 19
    t = f32(r.normal(0, 1, n))
    p3 = f32(t[:, None] + r.normal(0, 1.5, (n, 3)))
    ref.case("default levels", make([0.1, 0.5, 0.9], 0.0), {"pred": p3, "target": t})
    ref.case("crossing-penalty=0.5", make([0.1, 0.5, 0.9], 0.5), {"pred": p3, "target": t},
             params={"crossing-penalty": 0.5})
    levels5 = [0.05, 0.25, 0.5, 0.75, 0.95]
    p5 = f32(t[:, None] + np.sort(r.normal(0, 1.5, (n, 5)), axis=1))
    p5[::4] = p5[::4, ::-1]
    ref.case("five levels, some reversed, crossing-penalty=2", make(levels5, 2.0), {"pred": p5, "target": t},
             params={"quantiles": levels5, "crossing-penalty": 2.0})
    p1 = f32(t[:, None] + r.normal(0, 1, (n, 1)))
    ref.case("one level 0.3", make([0.3], 1.0), {"pred": p1, "target": t},
             params={"quantiles": [0.3], "crossing-penalty": 1.0})
    ts = f32(r.normal(0, 1, (2, 3)))
    ps = f32(ts[..., None] + r.normal(0, 1.5, (2, 3, 3)))
    ref.case("target (2, 3), pred (2, 3, 3)", make([0.1, 0.5, 0.9], 0.25), {"pred": ps, "target": ts},
             params={"crossing-penalty": 0.25})
    ref.case("large", make([0.1, 0.5, 0.9], 0.5), {"pred": p3 * 1e3, "target": t}, params={"crossing-penalty": 0.5})
    return ref


ALL = [mae, euclidean, smooth_l1, log_cosh, pseudo_huber, charbonnier, general_robust, quantile, multi_quantile]
