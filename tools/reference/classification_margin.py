"""Reference cases of the margin losses of the classification family (catalogue section 2).

multi-margin, soft-margin and multilabel-soft-margin come from PyTorch itself. hinge, squared-hinge and
categorical-hinge are Keras losses, and Keras does not run here; they, perceptron and zero-one (which
no library has as a loss) are the catalogue formulas written with torch operations, their gradients
by autograd. Subgradients at the kinks follow relu's: 0 at 0.
"""
import numpy as np
import torch
import torch.nn.functional as F

from common import Reference, f32, i64, rng


def reduce(v, reduction):
    if reduction == "mean":
        return v.mean()
    if reduction == "sum":
        return v.sum()
    return v


def signs(r, shape):
    return f32(np.where(r.random(shape) < 0.5, -1.0, 1.0))


def binary(r, shape):
    return f32(r.random(shape) < 0.5)


def away_from(x, kinks, gap=0.02):
    """Moves values within gap of a kink to that distance, so that no case sits on a kink by chance."""
    x = np.array(x, dtype=np.float64)
    for k in kinks:
        off = x - k
        near = np.abs(off) < gap
        x[near] = k + np.where(off[near] < 0, -gap, gap)
    return f32(x)


def as_signs(target):
    """Labels -1/+1 with 0 read as -1."""
    return torch.where(target == 0, -torch.ones_like(target), target)


# ---------------------------------------------------------------- hinge family (formula, Keras semantics)

def _elementwise_margin(loss_id, seed, source, per_element, kinks):
    ref = Reference(loss_id, "formula-in-pytorch", source)

    def fn(reduction, pred, target):
        return reduce(per_element(pred, as_signs(target)), reduction)

    r = rng(seed)
    p = away_from(r.normal(0, 1.5, 23), kinks)
    ref.case("random, labels -1/+1", fn, {"pred": p, "target": signs(r, 23)})
    ref.case("labels 0/1 (0 read as -1)", fn, {"pred": p, "target": binary(r, 23)})
    q = away_from(r.normal(0, 1.5, (2, 3, 4, 5)), kinks)
    ref.case("spatial (N, C, d1, d2)", fn, {"pred": q, "target": signs(r, (2, 3, 4, 5))})
    ref.case("scores of +/-1000", fn,
             {"pred": f32([1000, -1000, 1000, -1000, 999.5, -0.25]), "target": f32([1, 1, -1, -1, 0, 1])})
    ref.case("at the kinks", fn,
             {"pred": f32([k * s for k in kinks for s in (1, -1)] + [0.5]),
              "target": f32([1, -1] * len(kinks) + [1])})
    return ref


def hinge():
    return _elementwise_margin("hinge", 1, "max(0, 1 - y pred) (keras.losses.Hinge)",
                               lambda p, y: torch.relu(1 - y * p), (1.0, -1.0))


def squared_hinge():
    return _elementwise_margin("squared-hinge", 2, "max(0, 1 - y pred)^2 (keras.losses.SquaredHinge)",
                               lambda p, y: torch.relu(1 - y * p) ** 2, (1.0, -1.0))


def perceptron():
    return _elementwise_margin("perceptron", 3, "max(0, -y pred)",
                               lambda p, y: torch.relu(-y * p), (0.0,))


def categorical_hinge():
    ref = Reference("categorical-hinge", "formula-in-pytorch",
                    "keras.losses.categorical_hinge: max(0, max((1 - t) pred) - sum(t pred) + 1)")

    def fn(reduction, pred, target):
        t = F.one_hot(target, pred.shape[-1]).to(pred.dtype) if not target.is_floating_point() else target
        pos = (t * pred).sum(-1)
        neg = ((1 - t) * pred).max(-1).values
        return reduce(torch.relu(neg - pos + 1), reduction)

    r = rng(31)
    n, c = 11, 5
    p = f32(r.normal(0, 1.0, (n, c)))
    y = r.integers(0, c, n)
    one_hot = f32(np.eye(c)[y])
    ref.case("random, one-hot", fn, {"pred": p, "target": one_hot})
    ref.case("class indices", fn, {"pred": p, "target": i64(y)})
    soft = r.uniform(0.05, 1, (n, c))
    ref.case("soft targets", fn, {"pred": p, "target": f32(soft / soft.sum(1, keepdims=True))})
    ref.case("keras documentation example", fn,
             {"pred": f32([[0.6, 0.4], [0.4, 0.6]]), "target": f32([[0, 1], [0, 0]])})
    ref.case("every wrong score negative (neg = 0)", fn,
             {"pred": f32([[0.5, -0.2, -0.3], [-0.1, -2.0, -0.4]]), "target": f32([[1, 0, 0], [0, 0, 1]])})
    ref.case("scores of +/-1000", fn,
             {"pred": f32([[1000, -1000, 0], [-1000, 1000, 3], [2, 1000, -1000]]),
              "target": f32([[1, 0, 0], [1, 0, 0], [0, 0, 1]])})
    return ref


def zero_one():
    ref = Reference("zero-one", "formula-in-pytorch",
                    "binary: (pred > threshold) != (target == 1); multi-class: argmax(pred, 1) != target")

    def fn_for(threshold):
        def fn(reduction, pred, target):
            if target.dim() == pred.dim() - 1 and not target.is_floating_point():
                wrong = pred.argmax(1) != target
            else:
                wrong = (pred > threshold) != (target == 1)
            return reduce(wrong.to(torch.float32), reduction)
        return fn

    r = rng(41)
    probs = f32(r.random(29))
    probs[:4] = [0, 1, 0.5, 0.5]
    labels = binary(r, 29)
    labels[:4] = [1, 0, 1, 0]
    ref.case("probabilities, labels 0/1", fn_for(0.5), {"pred": probs, "target": labels}, grad=())
    ref.case("probabilities, integer labels 0/1", fn_for(0.5), {"pred": probs, "target": i64(labels)}, grad=())
    ref.case("probabilities, threshold 0.3", fn_for(0.3), {"pred": probs, "target": labels}, grad=(),
             params={"threshold": 0.3})
    scores = f32(r.normal(0, 2, 29))
    scores[:2] = [0, 1000]
    ref.case("scores, labels -1/+1, threshold 0", fn_for(0.0), {"pred": scores, "target": signs(r, 29)}, grad=(),
             params={"threshold": 0.0})
    ref.case("multi-class (N, C)", fn_for(0.5),
             {"pred": f32(r.normal(0, 1, (17, 4))), "target": i64(r.integers(0, 4, 17))}, grad=())
    ref.case("multi-class spatial (N, C, d1, d2)", fn_for(0.5),
             {"pred": f32(r.normal(0, 1, (2, 3, 4, 5))), "target": i64(r.integers(0, 3, (2, 4, 5)))}, grad=())
    return ref


# ---------------------------------------------------------------- PyTorch peers

def multi_margin():
    ref = Reference("multi-margin", "pytorch", "torch.nn.functional.multi_margin_loss")

    def fn_for(power=1, margin=1.0):
        def fn(reduction, pred, target, weight=None):
            return F.multi_margin_loss(pred, target, p=power, margin=margin, weight=weight, reduction=reduction)
        return fn

    r = rng(51)
    n, c = 13, 4
    p = f32(r.normal(0, 1, (n, c)))
    y = i64(r.integers(0, c, n))
    w = f32(r.uniform(0.2, 3, c))
    ref.case("random", fn_for(), {"pred": p, "target": y})
    ref.case("margin 0.5", fn_for(margin=0.5), {"pred": p, "target": y}, params={"margin": 0.5})
    ref.case("negative margin", fn_for(margin=-0.25), {"pred": p, "target": y}, params={"margin": -0.25})
    ref.case("power 2", fn_for(power=2), {"pred": p, "target": y}, params={"power": 2})
    ref.case("power 2, margin 2", fn_for(power=2, margin=2.0), {"pred": p, "target": y},
             params={"power": 2, "margin": 2.0})
    ref.case("class weights", fn_for(), {"pred": p, "target": y, "weight": w})
    ref.case("class weights, power 2", fn_for(power=2), {"pred": p, "target": y, "weight": w}, params={"power": 2})
    ref.case("single sample (C), target ()", fn_for(), {"pred": p[0], "target": i64(y[0])})
    ref.case("single sample (C), target (1)", fn_for(), {"pred": p[0], "target": y[:1]})
    ref.case("scores of +/-1000", fn_for(),
             {"pred": f32([[1000, -1000, 0], [-1000, 1000, 0], [0, 0, 1000]]), "target": i64([0, 0, 1])})
    return ref


def soft_margin():
    ref = Reference("soft-margin", "pytorch", "torch.nn.functional.soft_margin_loss")

    def fn(reduction, pred, target):
        return F.soft_margin_loss(pred, target, reduction=reduction)

    def balanced(reduction, pred, target):
        # Balanced class weights N / (K count(y)), applied to PyTorch's unreduced values.
        pos = (target > 0).sum()
        neg = (target < 0).sum()
        groups = (pos > 0).to(torch.float32) + (neg > 0).to(torch.float32)
        n = target.numel()
        w = torch.where(target > 0, n / (groups * pos.clamp(min=1)), n / (groups * neg.clamp(min=1)))
        v = F.soft_margin_loss(pred, target, reduction="none") * w
        return v.sum() / n if reduction == "mean" else reduce(v, reduction)

    r = rng(61)
    p = f32(r.normal(0, 2, 23))
    t = signs(r, 23)
    ref.case("random", fn, {"pred": p, "target": t})
    ref.case("scores of +/-50", fn, {"pred": f32([50, -50, 50, -50, 0.5]), "target": f32([1, 1, -1, -1, 1])})
    # A SiamFC-style response map: positives within radius 1 of the centre, negatives elsewhere.
    h = 7
    yy, xx = np.mgrid[0:h, 0:h]
    centre = (np.abs(yy - h // 2) <= 1) & (np.abs(xx - h // 2) <= 1)
    label_map = f32(np.broadcast_to(np.where(centre, 1.0, -1.0), (2, 1, h, h)))
    response = f32(r.normal(0, 2, (2, 1, h, h)))
    ref.case("response map (N, 1, H, W)", fn, {"pred": response, "target": label_map})
    ref.case("response map, balanced", balanced, {"pred": response, "target": label_map}, params={"balance": True})
    ref.case("random, balanced", balanced, {"pred": p, "target": t}, params={"balance": True})
    ref.case("only positives, balanced", balanced, {"pred": p[:7], "target": f32(np.ones(7))},
             params={"balance": True})
    return ref


def multilabel_soft_margin():
    ref = Reference("multilabel-soft-margin", "pytorch", "torch.nn.functional.multilabel_soft_margin_loss")

    def fn(reduction, pred, target, weight=None):
        return F.multilabel_soft_margin_loss(pred, target, weight=weight, reduction=reduction)

    r = rng(71)
    n, c = 9, 6
    x = f32(r.normal(0, 2, (n, c)))
    t = binary(r, (n, c))
    w = f32(r.uniform(0.2, 3, c))
    ref.case("random", fn, {"pred": x, "target": t})
    ref.case("class weights", fn, {"pred": x, "target": t, "weight": w})
    soft = f32(r.random((n, c)))
    soft[0, :2] = [0, 1]
    ref.case("soft targets, class weights", fn, {"pred": x, "target": soft, "weight": w})
    ref.case("logits of +/-1000", fn,
             {"pred": f32([[1000, -1000, 1000], [-1000, 1000, 0]]), "target": f32([[1, 0, 0], [1, 1, 0]])})
    ref.case("single sample (C)", fn, {"pred": x[0], "target": t[0], "weight": w})
    return ref


ALL = [hinge, squared_hinge, categorical_hinge, multi_margin, soft_margin, multilabel_soft_margin, perceptron,
       zero_one]
