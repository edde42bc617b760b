"""Reference cases of the regression family (catalogue section 1)."""
import torch.nn.functional as F

from common import Reference, f32, rng


def pairs(seed, n=23, scale=2.0):
    r = rng(seed)
    return f32(r.normal(0, scale, n)), f32(r.normal(0, 1, n))


def mse():
    ref = Reference("mse", "pytorch", "torch.nn.functional.mse_loss")
    p, t = pairs(1)
    ref.case("random", lambda reduction, pred, target: F.mse_loss(pred, target, reduction=reduction),
             {"pred": p, "target": t})
    ref.case("large", lambda reduction, pred, target: F.mse_loss(pred, target, reduction=reduction),
             {"pred": p * 1000, "target": t})
    return ref


def huber():
    ref = Reference("huber", "pytorch", "torch.nn.functional.huber_loss")
    p, t = pairs(2)
    for delta in (1.0, 0.5, 3.0):
        ref.case(f"delta={delta}",
                 lambda reduction, pred, target: F.huber_loss(pred, target, reduction=reduction, delta=delta),
                 {"pred": p, "target": t}, params={"delta": delta})
    return ref


ALL = [mse, huber]
