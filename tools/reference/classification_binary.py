"""Reference cases of the binary classification losses (catalogue section 2): bce, bce-with-logits,
balanced-ce, focal and sigmoid-focal.

bce and bce-with-logits come from PyTorch itself, sigmoid-focal from torchvision itself. balanced-ce and
focal have no peer: their catalogue formulas are written here with torch operations (in float64) and
differentiated by autograd. Cases where the peer's gradient is not finite are left out (the Java tests
cover them).
"""
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

from common import Reference, f32, rng


def _grads_finite(fn, inputs, grad):
    """Whether the peer's value and gradients are finite for every reduction."""
    for reduction in ("mean", "sum", "none"):
        tensors = {k: torch.tensor(np.asarray(v)) for k, v in inputs.items()}
        for k in grad:
            tensors[k].requires_grad_(True)
        out = fn(reduction=reduction, **tensors)
        total = out.sum() if reduction == "none" else out
        if not torch.isfinite(out).all():
            return False
        total.backward()
        for k in grad:
            if not torch.isfinite(tensors[k].grad).all():
                return False
    return True


def finite_case(ref, name, fn, inputs, grad=("pred",), params=None):
    """Adds the case unless the peer gives a non-finite value or gradient for it."""
    if _grads_finite(fn, inputs, grad):
        ref.case(name, fn, inputs, grad=grad, params=params)
    else:
        print(f"  {ref.loss_id}/{name}: left out, the peer's gradient is not finite")


def _reduce(l, reduction):
    if reduction == "mean":
        return l.mean()
    if reduction == "sum":
        return l.sum()
    return l


def probs(r, *shape):
    return f32(r.uniform(0.02, 0.98, shape))


def soft(r, *shape):
    return f32(r.uniform(0, 1, shape))


def labels(r, *shape, positives=0.5):
    return f32(r.uniform(0, 1, shape) < positives)


def logits(r, *shape, scale=2.0):
    return f32(r.normal(0, scale, shape))


# ---------------------------------------------------------------------------------------------- bce


def _bce(reduction, pred, target, weight=None):
    return F.binary_cross_entropy(pred, target, weight=weight, reduction=reduction)


def bce():
    ref = Reference("bce", "pytorch", "torch.nn.functional.binary_cross_entropy")
    r = rng(101)
    ref.case("random soft targets", _bce, {"pred": probs(r, 23), "target": soft(r, 23)})
    ref.case("binary targets", _bce, {"pred": probs(r, 17), "target": labels(r, 17)})
    ref.case("weight of the shape of pred (N, C)", _bce,
             {"pred": probs(r, 5, 3), "target": soft(r, 5, 3), "weight": f32(r.uniform(0, 2, (5, 3)))})
    ref.case("weight (C) broadcast over (N, C)", _bce,
             {"pred": probs(r, 6, 4), "target": labels(r, 6, 4), "weight": f32(r.uniform(0, 2, 4))})
    ref.case("weight (1)", _bce, {"pred": probs(r, 7), "target": soft(r, 7), "weight": f32([0.7])})
    ref.case("spatial (N, C, d1, d2), weight (C, 1, 1)", _bce,
             {"pred": probs(r, 2, 3, 4, 5), "target": labels(r, 2, 3, 4, 5),
              "weight": f32(r.uniform(0, 2, (3, 1, 1)))})
    ref.case("probabilities of exactly 0 and 1", _bce,
             {"pred": f32([0, 1, 0, 1, 0, 1, 1e-30, 1 - 6e-8, 0.5]),
              "target": f32([0, 1, 1, 0, 0.5, 0.25, 1, 0, 0.5])})
    ref.case("probabilities of exactly 0 and 1, weighted", _bce,
             {"pred": f32([0, 1, 0, 1, 0, 1]), "target": f32([0, 1, 1, 0, 0.5, 0.25]),
              "weight": f32([2, 3, 0.5, 1.5, 0, 4])})
    return ref


# ---------------------------------------------------------------------------------- bce-with-logits


def _bce_logits(reduction, **t):
    return F.binary_cross_entropy_with_logits(t["pred"], t["target"], weight=t.get("weight"),
                                              pos_weight=t.get("pos-weight"), reduction=reduction)


def bce_with_logits():
    ref = Reference("bce-with-logits", "pytorch", "torch.nn.functional.binary_cross_entropy_with_logits")
    r = rng(102)
    ref.case("random soft targets", _bce_logits, {"pred": logits(r, 23), "target": soft(r, 23)})
    ref.case("binary targets", _bce_logits, {"pred": logits(r, 19), "target": labels(r, 19)})
    ref.case("large logits", _bce_logits, {"pred": logits(r, 16, scale=1000), "target": labels(r, 16)})
    ref.case("logits of +/-1000",
             _bce_logits, {"pred": f32([1000, -1000, 1000, -1000, 1000, -1000, 0]),
                           "target": f32([1, 0, 0, 1, 0.5, 0.5, 1])})
    ref.case("logits of +/-1000 with pos-weight and weight",
             _bce_logits, {"pred": f32([1000, -1000, 1000, -1000, 1000, -1000]),
                           "target": f32([1, 0, 0, 1, 0.5, 0.5]),
                           "weight": f32([1, 2, 0.5, 1, 3, 0]), "pos-weight": f32([3])})
    ref.case("weight of the shape of pred (N, C)", _bce_logits,
             {"pred": logits(r, 5, 3), "target": soft(r, 5, 3), "weight": f32(r.uniform(0, 2, (5, 3)))})
    ref.case("pos-weight (C) for (N, C)", _bce_logits,
             {"pred": logits(r, 6, 4), "target": labels(r, 6, 4), "pos-weight": f32(r.uniform(0.2, 5, 4))})
    ref.case("weight (C) and pos-weight (C) for (N, C), soft targets", _bce_logits,
             {"pred": logits(r, 6, 4), "target": soft(r, 6, 4), "weight": f32(r.uniform(0, 2, 4)),
              "pos-weight": f32(r.uniform(0.2, 5, 4))})
    ref.case("pos-weight of the shape of pred", _bce_logits,
             {"pred": logits(r, 3, 5), "target": soft(r, 3, 5), "pos-weight": f32(r.uniform(0.2, 5, (3, 5)))})
    ref.case("spatial (N, C, d1, d2), weight (C, 1, 1), pos-weight (d2)", _bce_logits,
             {"pred": logits(r, 2, 3, 4, 5), "target": labels(r, 2, 3, 4, 5),
              "weight": f32(r.uniform(0, 2, (3, 1, 1))), "pos-weight": f32(r.uniform(0.2, 5, 5))})
    return ref


# -------------------------------------------------------------------------------------- balanced-ce


def _balanced(reduction, pred, target):
    p = pred.double()
    t = target.double()
    beta = 1 - t.mean()
    l = (-beta * t * torch.clamp(torch.log(p), min=-100)
         - (1 - beta) * (1 - t) * torch.clamp(torch.log1p(-p), min=-100))
    return _reduce(l, reduction)


def _balanced_as_weighted_bce(reduction, pred, target):
    """For binary targets: F.binary_cross_entropy with weights beta t + (1 - beta)(1 - t)."""
    t = target.double()
    beta = 1 - t.mean()
    w = beta * t + (1 - beta) * (1 - t)
    return F.binary_cross_entropy(pred.double(), t, weight=w, reduction=reduction)


def balanced_ce():
    ref = Reference("balanced-ce", "formula-in-pytorch",
                    "-beta t clamp(log p, -100) - (1 - beta)(1 - t) clamp(log(1 - p), -100), beta = 1 - mean(t),"
                    " in float64 with autograd; p of exactly 0 and 1 (binary targets) through"
                    " torch.nn.functional.binary_cross_entropy with weights beta t + (1 - beta)(1 - t)")
    r = rng(103)
    ref.case("random soft targets", _balanced, {"pred": probs(r, 23), "target": soft(r, 23)})
    ref.case("binary targets", _balanced, {"pred": probs(r, 21), "target": labels(r, 21)})
    ref.case("edge map (N, 1, H, W), 10% positives", _balanced,
             {"pred": probs(r, 2, 1, 6, 7), "target": labels(r, 2, 1, 6, 7, positives=0.1)})
    ref.case("all targets negative", _balanced, {"pred": probs(r, 9), "target": f32(np.zeros(9))})
    ref.case("all targets positive", _balanced, {"pred": probs(r, 9), "target": f32(np.ones(9))})
    ref.case("probabilities of exactly 0 and 1", _balanced_as_weighted_bce,
             {"pred": f32([0, 1, 0, 1, 0.3, 0.6, 0.9, 1e-30]), "target": f32([0, 1, 1, 0, 1, 0, 0, 1])})
    return ref


# -------------------------------------------------------------------------------------------- focal


def _focal(alpha, gamma, eps):
    def fn(reduction, pred, target):
        c = torch.clamp(pred.double(), eps, 1 - eps)
        t = target.double()
        pt = torch.where(t == 1, c, 1 - c)
        at = torch.where(t == 1, torch.full_like(t, alpha), torch.full_like(t, 1 - alpha))
        l = -at * (1 - pt) ** gamma * torch.log(pt)
        return _reduce(l, reduction)
    return fn


def focal():
    ref = Reference("focal", "formula-in-pytorch",
                    "-alpha_t (1 - p_t)^gamma log p_t with p = torch.clamp(pred, eps, 1 - eps), in float64 with autograd")
    r = rng(104)
    p, t = probs(r, 23), labels(r, 23)
    for params in ({}, {"alpha": 0.5}, {"alpha": 0.0}, {"alpha": 1.0}, {"gamma": 0.0}, {"gamma": 0.5},
                   {"gamma": 1.0}, {"gamma": 5.0, "alpha": 0.75}, {"eps": 1e-3}):
        a, g, e = params.get("alpha", 0.25), params.get("gamma", 2.0), params.get("eps", 1e-7)
        name = "random " + (", ".join(f"{k}={v}" for k, v in params.items()) or "defaults")
        finite_case(ref, name, _focal(a, g, e), {"pred": p, "target": t}, params=params)
    extremes = {"pred": f32([0, 1, 0, 1, 1e-9, 1 - 6e-8, 1e-4, 0.5]), "target": f32([0, 1, 1, 0, 1, 0, 1, 1])}
    finite_case(ref, "probabilities of exactly 0 and 1", _focal(0.25, 2.0, 1e-7), extremes)
    finite_case(ref, "probabilities of exactly 0 and 1, eps=1e-3, gamma=0.5", _focal(0.25, 0.5, 1e-3), extremes,
                params={"eps": 1e-3, "gamma": 0.5})
    finite_case(ref, "spatial (N, C, d1, d2)", _focal(0.25, 2.0, 1e-7),
                {"pred": probs(r, 2, 3, 4, 5), "target": labels(r, 2, 3, 4, 5)})
    return ref


# ------------------------------------------------------------------------------------ sigmoid-focal


def _sigmoid_focal(alpha, gamma):
    def fn(reduction, pred, target):
        return torchvision.ops.sigmoid_focal_loss(pred, target, alpha=alpha, gamma=gamma, reduction=reduction)
    return fn


def sigmoid_focal():
    ref = Reference("sigmoid-focal", "torchvision", "torchvision.ops.sigmoid_focal_loss")
    r = rng(105)
    x, t, ts = logits(r, 23), labels(r, 23), soft(r, 23)
    for params in ({}, {"gamma": 0.0}, {"gamma": 0.5}, {"gamma": 1.0}, {"gamma": 3.0}, {"alpha": -1.0},
                   {"alpha": -1.0, "gamma": 0.0}, {"alpha": 0.0}, {"alpha": 1.0}, {"alpha": 0.5, "gamma": 1.5}):
        a, g = params.get("alpha", 0.25), params.get("gamma", 2.0)
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        finite_case(ref, "binary targets " + label, _sigmoid_focal(a, g), {"pred": x, "target": t}, params=params)
        finite_case(ref, "soft targets " + label, _sigmoid_focal(a, g), {"pred": x, "target": ts}, params=params)
    extremes = {"pred": f32([1000, -1000, 1000, -1000, 1000, -1000, 0, 30, -30]),
                "target": f32([1, 0, 0, 1, 0.5, 0.5, 1, 0, 1])}
    for params in ({}, {"gamma": 0.0}, {"gamma": 1.0}, {"gamma": 0.5}, {"alpha": -1.0, "gamma": 3.0}):
        a, g = params.get("alpha", 0.25), params.get("gamma", 2.0)
        label = ", ".join(f"{k}={v}" for k, v in params.items()) or "defaults"
        finite_case(ref, "logits of +/-1000 " + label, _sigmoid_focal(a, g), extremes, params=params)
    finite_case(ref, "large logits", _sigmoid_focal(0.25, 2.0),
                {"pred": logits(r, 16, scale=1000), "target": labels(r, 16)})
    finite_case(ref, "spatial (N, C, d1, d2)", _sigmoid_focal(0.25, 2.0),
                {"pred": logits(r, 2, 3, 4, 5), "target": labels(r, 2, 3, 4, 5)})
    return ref


ALL = [bce, bce_with_logits, balanced_ce, focal, sigmoid_focal]
