"""Reference cases of the composition family (catalogue section 11): weighted-sum and uncertainty-weighted.

No peer library has these composites; each case writes the sum itself with PyTorch's functional losses
(torch.nn.functional, torchvision.ops.sigmoid_focal_loss) and, for the review's focal loss on
probabilities, its catalogue formula with torch operations, every term called with the case's reduction,
and differentiates it with autograd.
"""
import numpy as np
import torch
import torch.nn.functional as F
import torchvision

from common import Reference, f32, i64, rng


def _focal(pred, target, reduction, alpha=0.25, gamma=2.0, eps=1e-7):
    """The catalogue's focal loss on probabilities: -alpha_t (1 - p_t)^gamma log p_t, p clipped."""
    c = torch.clamp(pred.double(), eps, 1 - eps)
    t = target.double()
    pt = torch.where(t == 1, c, 1 - c)
    at = torch.where(t == 1, torch.full_like(t, alpha), torch.full_like(t, 1 - alpha))
    l = (-at * (1 - pt) ** gamma * torch.log(pt)).float()
    return {"mean": l.mean, "sum": l.sum, "none": lambda: l}[reduction]()


def _sigmoid_focal(pred, target, reduction, alpha=0.25, gamma=2.0):
    return torchvision.ops.sigmoid_focal_loss(pred, target, alpha=alpha, gamma=gamma, reduction=reduction)


def _sum(*terms):
    """fn(reduction, **inputs) = sum of weight * term(reduction, inputs) over (weight, term)."""
    def fn(reduction, **t):
        return sum(w * term(reduction, t) for w, term in terms)
    return fn


def _uncertainty(*terms):
    """fn(reduction, **inputs) = sum_i exp(-s_i) term_i(reduction, inputs) + s_i, s = inputs['log-var']."""
    def fn(reduction, **t):
        s = t["log-var"]
        return sum(torch.exp(-s[i]) * term(reduction, t) + s[i] for i, term in enumerate(terms))
    return fn


def mse(r, t):
    return F.mse_loss(t["pred"], t["target"], reduction=r)


def mae(r, t):
    return F.l1_loss(t["pred"], t["target"], reduction=r)


def huber(delta):
    return lambda r, t: F.huber_loss(t["pred"], t["target"], reduction=r, delta=delta)


def bce(r, t):
    return F.binary_cross_entropy(t["pred"], t["target"], weight=t.get("weight"), reduction=r)


def focal(**params):
    return lambda r, t: _focal(t["pred"], t["target"], r, **params)


def bce_with_logits(r, t):
    return F.binary_cross_entropy_with_logits(t["pred"], t["target"], weight=t.get("weight"),
                                              pos_weight=t.get("pos-weight"), reduction=r)


def sigmoid_focal(**params):
    return lambda r, t: _sigmoid_focal(t["pred"], t["target"], r, **params)


def cross_entropy(ignore_index=-100, label_smoothing=0.0):
    return lambda r, t: F.cross_entropy(t["pred"], t["target"], weight=t.get("weight"), reduction=r,
                                        ignore_index=ignore_index, label_smoothing=label_smoothing)


def gaussian_nll(full=False, eps=1e-6):
    return lambda r, t: F.gaussian_nll_loss(t["pred"], t["target"], t["var"], full=full, eps=eps, reduction=r)


def rmse(r, t):
    assert r == "mean"
    return torch.sqrt(F.mse_loss(t["pred"], t["target"]))


def weighted_sum():
    ref = Reference("weighted-sum", "formula-in-pytorch",
                    "sum_i w_i F.loss_i(pred, target, ..., reduction=r), PyTorch functional losses"
                    " (focal: the catalogue formula with torch operations)")
    r = rng(1101)
    p, t = f32(r.normal(0, 2, 23)), f32(r.normal(0, 1, 23))
    terms = "mse:1,huber:0.5(delta=2)"
    fn = _sum((1, mse), (0.5, huber(2.0)))
    ref.case("random", fn, {"pred": p, "target": t}, params={"terms": terms})
    ref.case("large residuals", fn, {"pred": p * 1000, "target": t}, params={"terms": terms})
    ref.case("zero weight", _sum((2, mae), (0, mse)), {"pred": p, "target": t}, params={"terms": "mae:2,mse:0"})

    probs = f32(r.uniform(0.02, 0.98, (4, 6)))
    labels = f32(r.uniform(0, 1, (4, 6)) < 0.5)
    fn = _sum((1, bce), (2, focal()))
    ref.case("probabilities", fn, {"pred": probs, "target": labels}, params={"terms": "bce:1,focal:2"})
    ref.case("probabilities with bce weight", fn,
             {"pred": probs, "target": labels, "weight": f32(r.uniform(0, 2, (4, 6)))},
             params={"terms": "bce:1,focal:2"})
    ref.case("probabilities of exactly 0 and 1", fn,
             {"pred": f32([0, 1, 0, 1, 1e-9, 1 - 6e-8, 0.5]), "target": f32([0, 1, 1, 0, 1, 0, 1])},
             params={"terms": "bce:1,focal:2"})
    ref.case("focal parameters", _sum((0.5, focal(alpha=0.5, gamma=1.0)), (3, bce)),
             {"pred": probs, "target": labels}, params={"terms": "focal:0.5(alpha=0.5,gamma=1),bce:3"})

    logits = f32(r.normal(0, 2, (5, 3)))
    soft = f32(r.uniform(0, 1, (5, 3)))
    terms = "bce-with-logits:1,sigmoid-focal:2(gamma=1,alpha=0.5)"
    fn = _sum((1, bce_with_logits), (2, sigmoid_focal(gamma=1.0, alpha=0.5)))
    ref.case("logits", fn, {"pred": logits, "target": soft}, params={"terms": terms})
    ref.case("logits with weight and pos-weight", fn,
             {"pred": logits, "target": soft, "weight": f32(r.uniform(0, 2, (5, 3))),
              "pos-weight": f32(r.uniform(0.5, 3, 3))}, params={"terms": terms})
    ref.case("logits of +/-1000", fn,
             {"pred": f32([[1000, -1000, 1000], [-1000, 1000, -1000]]),
              "target": f32([[0, 1, 1], [0, 0.5, 0.5]])}, params={"terms": terms})

    terms = "cross-entropy:1,cross-entropy:0.5(label-smoothing=0.1,ignore-index=0)"
    fn = _sum((1, cross_entropy()), (0.5, cross_entropy(ignore_index=0, label_smoothing=0.1)))
    ref.case("spatial (N, C, d1, d2) with class weights and an ignored class", fn,
             {"pred": f32(r.normal(0, 2, (2, 4, 3, 5))), "target": i64(r.integers(0, 4, (2, 3, 5))),
              "weight": f32(r.uniform(0.2, 2, 4))}, params={"terms": terms})
    ref.case("logits of +/-1000", fn,
             {"pred": f32([[1000, -1000, 0], [-1000, 1000, 5], [3, 2, 1]]), "target": i64([1, 0, 2])},
             params={"terms": terms})

    fn = _sum((1, cross_entropy()), (0.25, bce_with_logits))
    ref.case("terms of different unreduced shapes, probability targets", fn,
             {"pred": f32(r.normal(0, 2, (4, 3))), "target": f32(r.dirichlet(np.ones(3), 4))},
             params={"terms": "cross-entropy:1,bce-with-logits:0.25"}, reductions=("mean", "sum"))

    fn = _sum((1, mse), (0.5, gaussian_nll(full=True)))
    ref.case("gaussian-nll with its variance", fn,
             {"pred": f32(r.normal(0, 2, (3, 4))), "target": f32(r.normal(0, 1, (3, 4))), "var": f32(r.uniform(0.2, 2, (3, 4)))},
             grad=("pred", "var"), params={"terms": "mse:1,gaussian-nll:0.5(full=true)"})

    ref.case("a term with only the mean reduction", _sum((1, mse), (1, rmse)), {"pred": p, "target": t},
             params={"terms": "mse:1,rmse:1"}, reductions=("mean",))
    return ref


def uncertainty_weighted():
    ref = Reference("uncertainty-weighted", "formula-in-pytorch",
                    "sum_i torch.exp(-s[i]) * F.loss_i(pred, target, ..., reduction=r) + s[i], PyTorch"
                    " functional losses (focal: the catalogue formula with torch operations)")
    r = rng(1102)
    both = ("mean", "sum")
    grad = ("pred", "log-var")
    p, t = f32(r.normal(0, 3, 23)), f32(r.normal(0, 1, 23))
    ref.case("random", _uncertainty(mse, mae), {"pred": p, "target": t, "log-var": f32([0.3, -0.5])},
             grad=grad, params={"terms": "mse,mae"}, reductions=both)
    ref.case("large log-variances", _uncertainty(mse, huber(0.5)),
             {"pred": p, "target": t, "log-var": f32([-30, 40])},
             grad=grad, params={"terms": "mse,huber(delta=0.5)"}, reductions=both)

    probs = f32(r.uniform(0.02, 0.98, (4, 6)))
    labels = f32(r.uniform(0, 1, (4, 6)) < 0.5)
    fn = _uncertainty(bce, focal(alpha=0.5))
    ref.case("probabilities", fn, {"pred": probs, "target": labels, "log-var": f32([1.2, -0.4])},
             grad=grad, params={"terms": "bce,focal(alpha=0.5)"}, reductions=both)
    ref.case("probabilities of exactly 0 and 1", fn,
             {"pred": f32([0, 1, 0, 1, 0.5]), "target": f32([0, 1, 1, 0, 1]), "log-var": f32([0, 2])},
             grad=grad, params={"terms": "bce,focal(alpha=0.5)"}, reductions=both)

    fn = _uncertainty(bce_with_logits, sigmoid_focal())
    ref.case("logits of +/-1000 with weight and pos-weight", fn,
             {"pred": f32([[1000, -1000, 3], [-1000, 1000, -2]]), "target": f32([[0, 1, 1], [0, 0.5, 0.25]]),
              "log-var": f32([-3, 2]), "weight": f32([[1, 2, 0.5], [3, 0, 1]]), "pos-weight": f32([2, 1, 0.5])},
             grad=grad, params={"terms": "bce-with-logits,sigmoid-focal"}, reductions=both)

    fn = _uncertainty(cross_entropy(), cross_entropy(ignore_index=1, label_smoothing=0.2))
    ref.case("spatial (N, C, d1, d2) with class weights and an ignored class", fn,
             {"pred": f32(r.normal(0, 2, (2, 4, 3, 5))), "target": i64(r.integers(0, 4, (2, 3, 5))),
              "log-var": f32([0.2, -0.3]), "weight": f32(r.uniform(0.2, 2, 4))},
             grad=grad, params={"terms": "cross-entropy,cross-entropy(label-smoothing=0.2,ignore-index=1)"},
             reductions=both)
    return ref


ALL = [weighted_sum, uncertainty_weighted]
