"""Reference cases of the softmax classification losses (catalogue section 2).

cross-entropy and nll come from PyTorch itself; categorical-ce, softmax-focal, generalized-ce and
symmetric-ce have no runnable peer here (Keras, or no library at all), so their catalogue formulas are
written with torch operations and differentiated by autograd ("formula-in-pytorch").
"""
import numpy as np
import torch
import torch.nn.functional as F

from common import Reference, f32, i64, rng

WEIGHT4 = f32([0.5, 1.0, 2.0, 3.0])


def logits(r, *shape, scale=2.0):
    return f32(r.normal(0, scale, shape))


def simplex(r, shape, axis=1):
    p = r.uniform(0.05, 1.0, shape)
    return f32(p / p.sum(axis=axis, keepdims=True))


def indices(r, classes, shape, ignore=None, every=3):
    y = r.integers(0, classes, shape)
    if ignore is not None:
        flat = y.reshape(-1)
        flat[1::every] = ignore
    return i64(y)


def extreme_logits():
    return f32([[1000, -1000, 0, 5],
                [-1000, 1000, 1000, -3],
                [0, 0, -1000, 1000],
                [-1000, -1000, -1000, -1000],
                [1000, 999, -1000, 0]])


# ---------------------------------------------------------------- cross-entropy

def cross_entropy():
    ref = Reference("cross-entropy", "pytorch", "torch.nn.functional.cross_entropy")

    def fn(ignore_index=-100, label_smoothing=0.0):
        def f(reduction, pred, target, weight=None):
            return F.cross_entropy(pred, target, weight=weight, ignore_index=ignore_index,
                                   label_smoothing=label_smoothing, reduction=reduction)
        return f

    r = rng(10)
    x = logits(r, 7, 4)
    y_plain = indices(r, 4, 7)
    y_ignored = indices(r, 4, 7, ignore=-100)
    for targets, tname in ((y_plain, "indices"), (y_ignored, "indices with ignored -100")):
        for weighted in (False, True):
            for s in (0.0, 0.1):
                inputs = {"pred": x, "target": targets}
                params = {}
                if weighted:
                    inputs["weight"] = WEIGHT4
                if s:
                    params["label-smoothing"] = s
                ref.case(f"{tname}, weight={weighted}, label-smoothing={s}", fn(label_smoothing=s), inputs,
                         params=params)
    # A non-negative ignore-index: class 1 is ignored wherever it is the target.
    y1 = i64([1, 0, 1, 3, 2, 1, 0])
    for weighted in (False, True):
        for s in (0.0, 0.2):
            inputs = {"pred": x, "target": y1}
            if weighted:
                inputs["weight"] = WEIGHT4
            params = {"ignore-index": 1}
            if s:
                params["label-smoothing"] = s
            ref.case(f"ignore-index=1, weight={weighted}, label-smoothing={s}", fn(ignore_index=1, label_smoothing=s),
                     inputs, params=params)
    # Probability targets.
    t = simplex(r, (7, 4))
    for weighted in (False, True):
        for s in (0.0, 0.15):
            inputs = {"pred": x, "target": t}
            if weighted:
                inputs["weight"] = WEIGHT4
            params = {"label-smoothing": s} if s else {}
            ref.case(f"probabilities, weight={weighted}, label-smoothing={s}", fn(label_smoothing=s), inputs,
                     params=params)
    # Spatial (N, C, 4, 5) and temporal (N, C, T).
    xs = logits(r, 2, 3, 4, 5)
    ys = indices(r, 3, (2, 4, 5), ignore=-100, every=7)
    w3 = f32([2.0, 0.5, 1.0])
    ref.case("spatial (2, 3, 4, 5) indices", fn(), {"pred": xs, "target": indices(r, 3, (2, 4, 5))})
    ref.case("spatial (2, 3, 4, 5), weight, label-smoothing, ignored", fn(label_smoothing=0.1),
             {"pred": xs, "target": ys, "weight": w3}, params={"label-smoothing": 0.1})
    ref.case("spatial (2, 3, 4, 5) probabilities, weight, label-smoothing", fn(label_smoothing=0.1),
             {"pred": xs, "target": simplex(r, (2, 3, 4, 5)), "weight": w3}, params={"label-smoothing": 0.1})
    ref.case("temporal (3, 4, 6), weight", fn(), {"pred": logits(r, 3, 4, 6), "target": indices(r, 4, (3, 6)),
                                                  "weight": WEIGHT4})
    # Logits of +/-1000.
    xe = extreme_logits()
    ye = i64([1, 0, 2, 3, 1])
    ref.case("logits of +/-1000", fn(), {"pred": xe, "target": ye})
    ref.case("logits of +/-1000, weight, label-smoothing", fn(label_smoothing=0.2),
             {"pred": xe, "target": ye, "weight": WEIGHT4}, params={"label-smoothing": 0.2})
    te = f32([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0.5, 0.5], [0.25, 0.25, 0.25, 0.25], [0, 0, 1, 0]])
    ref.case("logits of +/-1000, probabilities of exactly 0 and 1", fn(), {"pred": xe, "target": te})
    ref.case("logits of +/-1000, probabilities, weight, label-smoothing", fn(label_smoothing=0.3),
             {"pred": xe, "target": te, "weight": WEIGHT4}, params={"label-smoothing": 0.3})
    # Unbatched (C) with a 0-d target.
    ref.case("unbatched (C)", fn(label_smoothing=0.1), {"pred": logits(r, 5), "target": i64(3)},
             params={"label-smoothing": 0.1})
    ref.case("label-smoothing=1", fn(label_smoothing=1.0), {"pred": x, "target": y_ignored, "weight": WEIGHT4},
             params={"label-smoothing": 1.0})
    return ref


def checked(gen):
    """Refuses cases whose peer gradients are not finite (common.Reference checks only values)."""
    def run():
        ref = gen()
        for case in ref.cases:
            for name, g in case["grads"].items():
                if not np.all(np.isfinite(g["data"])):
                    raise ValueError(f"{ref.loss_id}/{case['name']}: the peer gave a non-finite gradient for {name}")
        return ref
    return run


def reduce(values, reduction):
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    return values.mean()


# ---------------------------------------------------------------- categorical-ce

def categorical_ce():
    ref = Reference("categorical-ce", "formula-in-pytorch",
                    "-sum_c t_c log(clamp(p_c, eps, 1)) along axis (Keras CategoricalCrossentropy without"
                    " its renormalisation), with torch operations")

    def fn(axis=1, eps=1e-7):
        def f(reduction, pred, target):
            return reduce(-(target * torch.log(torch.clamp(pred, eps, 1.0))).sum(axis), reduction)
        return f

    r = rng(20)

    def onehot(shape, axis):
        classes = shape[axis]
        y = r.integers(0, classes, [d for i, d in enumerate(shape) if i != axis % len(shape)])
        return f32(np.moveaxis(np.eye(classes, dtype=np.float32)[y], -1, axis))

    p = simplex(r, (6, 5))
    ref.case("one-hot targets", fn(), {"pred": p, "target": onehot((6, 5), 1)})
    ref.case("soft targets", fn(), {"pred": p, "target": simplex(r, (6, 5))})
    ps = simplex(r, (2, 3, 4, 5))
    ref.case("pixel-wise (2, 3, 4, 5), axis 1", fn(), {"pred": ps, "target": onehot((2, 3, 4, 5), 1)})
    pl = simplex(r, (2, 4, 5, 3), axis=-1)
    ref.case("channels-last (2, 4, 5, 3), axis -1", fn(axis=-1), {"pred": pl, "target": simplex(r, (2, 4, 5, 3), axis=-1)},
             params={"axis": -1})
    p0 = simplex(r, (4, 6), axis=0)
    ref.case("classes first (4, 6), axis 0", fn(axis=0), {"pred": p0, "target": onehot((4, 6), 0)}, params={"axis": 0})
    pe = f32([[0, 1, 0], [0.5, 0.5, 0], [1e-9, 0.3, 0.7], [0.0005, 0.0015, 0.998]])
    te = f32([[1, 0, 0], [0, 0, 1], [0.2, 0.3, 0.5], [0.5, 0.5, 0]])
    ref.case("probabilities of exactly 0 and 1", fn(), {"pred": pe, "target": te})
    ref.case("probabilities of exactly 0 and 1, eps=1e-3", fn(eps=1e-3), {"pred": pe, "target": te},
             params={"eps": 1e-3})
    pn = f32([[0.2, 0.2, 0.1], [0.6, 0.5, 0.4]])
    ref.case("rows that do not sum to 1 (not renormalised)", fn(), {"pred": pn, "target": f32([[1, 0, 0], [0, 0.5, 0.5]])})
    return ref


# ---------------------------------------------------------------- nll

def log_softmax(x, dim=1):
    return f32(torch.log_softmax(torch.tensor(x, dtype=torch.float64), dim).numpy())


def nll():
    ref = Reference("nll", "pytorch", "torch.nn.functional.nll_loss")

    def fn(ignore_index=-100):
        def f(reduction, pred, target, weight=None):
            return F.nll_loss(pred, target, weight=weight, ignore_index=ignore_index, reduction=reduction)
        return f

    r = rng(30)
    lp = log_softmax(logits(r, 7, 4))
    y = indices(r, 4, 7)
    yi = indices(r, 4, 7, ignore=-100)
    for targets, tname in ((y, "indices"), (yi, "indices with ignored -100")):
        ref.case(tname, fn(), {"pred": lp, "target": targets})
        ref.case(tname + ", weight", fn(), {"pred": lp, "target": targets, "weight": WEIGHT4})
    y1 = i64([1, 0, 1, 3, 2, 1, 0])
    ref.case("ignore-index=1, weight", fn(1), {"pred": lp, "target": y1, "weight": WEIGHT4}, params={"ignore-index": 1})
    ls = log_softmax(logits(r, 2, 3, 4, 5))
    ref.case("spatial (2, 3, 4, 5), weight, ignored", fn(),
             {"pred": ls, "target": indices(r, 3, (2, 4, 5), ignore=-100, every=6), "weight": f32([2.0, 0.5, 1.0])})
    ref.case("temporal (3, 4, 6)", fn(), {"pred": log_softmax(logits(r, 3, 4, 6)), "target": indices(r, 4, (3, 6))})
    ref.case("unbatched (C)", fn(), {"pred": log_softmax(logits(r, 5), 0), "target": i64(2)})
    ref.case("log-probabilities of -1000 and unnormalised scores", fn(),
             {"pred": f32([[-1000, 0, -3], [2.5, -1000, 0], [0, -1e-8, -1000]]), "target": i64([0, 1, 2]),
              "weight": f32([1.0, 3.0, 0.5])})
    return ref


# ---------------------------------------------------------------- losses of q_y = softmax(pred)[y]

def per_row(pred, target, ignore_index=None):
    """log q_y per row (float64), the row mask and the safe targets; the class axis is dim 1 (0 unbatched)."""
    dim = 0 if pred.dim() == 1 else 1
    logq_all = torch.log_softmax(pred.double(), dim)
    keep = torch.ones_like(target, dtype=torch.bool) if ignore_index is None else target != ignore_index
    safe = torch.where(keep, target, torch.zeros_like(target))
    logq = logq_all.gather(dim, safe.unsqueeze(dim)).squeeze(dim)
    return logq, keep


def reduce_rows(values, keep, reduction):
    values = torch.where(keep, values, torch.zeros_like(values))
    if reduction == "none":
        return values
    if reduction == "sum":
        return values.sum()
    return values.sum() / keep.sum()


def softmax_focal():
    ref = Reference("softmax-focal", "formula-in-pytorch",
                    "-alpha_y (1 - q_y)^gamma log q_y, q = softmax(pred), mean over targets that are not ignored"
                    " (Keras CategoricalFocalCrossentropy(from_logits=True) without its clipping), with torch"
                    " operations in float64")

    def fn(gamma=2.0, ignore_index=-100):
        def f(reduction, pred, target, alpha=None):
            logq, keep = per_row(pred, target, ignore_index)
            a = 1.0 if alpha is None else alpha.double()[torch.where(keep, target, torch.zeros_like(target))]
            return reduce_rows(-a * (1 - logq.exp()) ** gamma * logq, keep, reduction)
        return f

    r = rng(40)
    x = logits(r, 7, 4)
    y = indices(r, 4, 7)
    yi = indices(r, 4, 7, ignore=-100)
    for gamma in (2.0, 0.0, 0.5, 1.0, 5.0):
        params = {} if gamma == 2.0 else {"gamma": gamma}
        ref.case(f"gamma={gamma}", fn(gamma), {"pred": x, "target": y}, params=params)
        ref.case(f"gamma={gamma}, alpha, ignored", fn(gamma), {"pred": x, "target": yi, "alpha": WEIGHT4}, params=params)
    ref.case("ignore-index=1", fn(ignore_index=1), {"pred": x, "target": i64([1, 0, 1, 3, 2, 1, 0])},
             params={"ignore-index": 1})
    xs = logits(r, 2, 3, 4, 5)
    ref.case("spatial (2, 3, 4, 5), alpha, ignored", fn(),
             {"pred": xs, "target": indices(r, 3, (2, 4, 5), ignore=-100, every=7), "alpha": f32([0.25, 1.0, 2.0])})
    ref.case("unbatched (C)", fn(), {"pred": logits(r, 5), "target": i64(4)})
    # Logits of +/-1000 (gamma >= 1: PyTorch's autograd of (1 - q)^gamma is NaN at q = 1 for gamma < 1).
    xe = extreme_logits()
    ye = i64([1, 0, 2, 3, 1])
    ref.case("logits of +/-1000", fn(), {"pred": xe, "target": ye})
    ref.case("logits of +/-1000, gamma=1, alpha", fn(1.0), {"pred": xe, "target": ye, "alpha": WEIGHT4},
             params={"gamma": 1.0})
    ref.case("logits of +/-1000, rows with q_y = 1", fn(), {"pred": xe, "target": i64([0, 1, 3, 0, 0])})
    return ref


def generalized_ce():
    ref = Reference("generalized-ce", "formula-in-pytorch",
                    "(1 - q_y^qexp) / qexp, q = softmax(pred) (Zhang and Sabuncu 2018), with torch operations in"
                    " float64")

    def fn(qexp=0.7):
        def f(reduction, pred, target):
            logq, keep = per_row(pred, target)
            return reduce_rows((1 - torch.exp(qexp * logq)) / qexp, keep, reduction)  # q^qexp = exp(qexp log q)
        return f

    r = rng(50)
    x = logits(r, 7, 4)
    y = indices(r, 4, 7)
    for qexp in (0.7, 1.0, 0.5, 0.1, 1e-3):
        ref.case(f"qexp={qexp}", fn(qexp), {"pred": x, "target": y}, params={} if qexp == 0.7 else {"qexp": qexp})
    ref.case("spatial (2, 3, 4, 5)", fn(), {"pred": logits(r, 2, 3, 4, 5), "target": indices(r, 3, (2, 4, 5))})
    ref.case("unbatched (C)", fn(), {"pred": logits(r, 5), "target": i64(0)})
    ref.case("logits of +/-1000", fn(), {"pred": extreme_logits(), "target": i64([1, 0, 2, 3, 1])})
    ref.case("logits of +/-1000, rows with q_y = 1", fn(0.3), {"pred": extreme_logits(), "target": i64([0, 1, 3, 0, 0])},
             params={"qexp": 0.3})
    return ref


def symmetric_ce():
    ref = Reference("symmetric-ce", "formula-in-pytorch",
                    "a CE + b RCE, RCE = -sum_c q_c clamp(log onehot_c, min=A), q = softmax(pred) (Wang et al. 2019),"
                    " with torch operations in float64")

    def fn(a=0.1, b=1.0, A=-4.0):
        def f(reduction, pred, target):
            dim = 0 if pred.dim() == 1 else 1
            logq_all = torch.log_softmax(pred.double(), dim)
            onehot = torch.movedim(F.one_hot(target, pred.shape[dim]).double(), -1, dim)
            ce = -(onehot * logq_all).sum(dim)
            rce = -(logq_all.exp() * torch.clamp(torch.log(onehot), min=A)).sum(dim)
            return reduce(a * ce + b * rce, reduction)
        return f

    r = rng(60)
    x = logits(r, 7, 4)
    y = indices(r, 4, 7)
    ref.case("defaults", fn(), {"pred": x, "target": y})
    ref.case("a=1, b=0 (cross-entropy)", fn(1.0, 0.0), {"pred": x, "target": y}, params={"a": 1.0, "b": 0.0})
    ref.case("a=0, b=1 (reverse cross-entropy)", fn(0.0, 1.0), {"pred": x, "target": y}, params={"a": 0.0, "b": 1.0})
    ref.case("a=0.5, b=2.5, A=log(1e-4)", fn(0.5, 2.5, float(np.log(1e-4))), {"pred": x, "target": y},
             params={"a": 0.5, "b": 2.5, "A": float(np.log(1e-4))})
    ref.case("spatial (2, 3, 4, 5)", fn(), {"pred": logits(r, 2, 3, 4, 5), "target": indices(r, 3, (2, 4, 5))})
    ref.case("temporal (3, 4, 6), A=-1", fn(A=-1.0), {"pred": logits(r, 3, 4, 6), "target": indices(r, 4, (3, 6))},
             params={"A": -1.0})
    ref.case("unbatched (C)", fn(), {"pred": logits(r, 5), "target": i64(2)})
    ref.case("logits of +/-1000", fn(), {"pred": extreme_logits(), "target": i64([1, 0, 2, 3, 1])})
    ref.case("logits of +/-1000, rows with q_y = 1", fn(), {"pred": extreme_logits(), "target": i64([0, 1, 3, 0, 0])})
    return ref


ALL = [checked(g) for g in (cross_entropy, categorical_ce, nll, softmax_focal, generalized_ce, symmetric_ce)]
