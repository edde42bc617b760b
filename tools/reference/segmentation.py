"""Reference cases of the segmentation family (catalogue section 3).

No library here has these losses with the catalogue's semantics, so each is written with torch
operations and differentiated by autograd ("formula-in-pytorch"):

- the region losses (dice, squared-dice, log-cosh-dice, jaccard, tversky, focal-tversky) from the
  catalogue formulas, with the documented layout rule, ignore-index, class weights, per-image sums and
  from-logits (sigmoid for one channel, softmax over dim 1 otherwise);
- lovasz-hinge and lovasz-softmax as Berman et al.'s reference algorithm (lovasz_losses.py:
  lovasz_grad, lovasz_hinge_flat, lovasz_softmax_flat, flatten_probas);
- bce-dice from torch.nn.functional.binary_cross_entropy (or ..._with_logits) plus the Dice loss;
- combo from binary_cross_entropy with per-element weights beta / 1 - beta (hard targets) or the
  clamped-log formula (soft targets), minus the Dice coefficient;
- boundary as Kervadec et al.'s SurfaceLoss (mean of probs * dist_maps) over every class, with the
  maps of their one_hot2dist computed by scipy.ndimage.distance_transform_edt.

Cases where PyTorch's own gradient is infinite or NaN (focal-tversky at a perfect prediction, a
zero denominator with smooth = 0) and masks without background (where scipy's distance transform
measures distances to a phantom pixel) are left out here and covered by the Java tests.
"""
import numpy as np
import torch
import torch.nn.functional as F
from scipy.ndimage import distance_transform_edt as eucl_distance

from common import Reference, f32, i64, rng

FORMULA = "formula-in-pytorch"


# ---------------------------------------------------------------- inputs

def probs(r, *shape):
    return f32(r.uniform(0.02, 0.98, shape))


def simplex(r, *shape):
    p = r.uniform(0.05, 1.0, shape)
    return f32(p / p.sum(axis=1, keepdims=True))


def logits(r, *shape, scale=2.0):
    return f32(r.normal(0, scale, shape))


def binary(r, *shape):
    return f32(r.integers(0, 2, shape))


def indices(r, classes, *shape, ignore=None, every=5):
    y = r.integers(0, classes, shape)
    if ignore is not None:
        flat = y.reshape(-1)
        flat[2::every] = ignore
    return i64(y)


def one_hot(y, classes):
    return f32(np.moveaxis(np.eye(classes)[y], -1, 1))


def extreme_probs(r, *shape):
    """Probabilities of exactly 0 and 1 mixed with interior values."""
    k = r.integers(0, 3, shape)
    return f32(np.where(k == 0, 0.0, np.where(k == 1, 1.0, r.uniform(0.05, 0.95, shape))))


def extreme_logits(r, *shape):
    """Logits of +/-1000 mixed with moderate ones."""
    k = r.integers(0, 3, shape)
    return f32(np.where(k == 0, -1000.0, np.where(k == 1, 1000.0, r.normal(0, 2, shape))))


# ---------------------------------------------------------------- region losses

def layout(pred, target, ignore_index, from_logits):
    """Probabilities p and targets t as (N, C, S), and the valid-pixel mask (N, 1, S)."""
    n = pred.shape[0]
    if not torch.is_floating_point(target):
        c = pred.shape[1]
        valid = (target != ignore_index).reshape(n, 1, -1)
        safe = torch.where(target == ignore_index, torch.zeros_like(target), target)
        t = F.one_hot(safe.reshape(n, -1), c).permute(0, 2, 1).float()
        x = pred.reshape(n, c, -1)
    elif pred.dim() >= 4:
        c = pred.shape[1]
        x = pred.reshape(n, c, -1)
        t = target.reshape(n, c, -1)
        valid = torch.ones(n, 1, x.shape[2], dtype=torch.bool)
    else:
        c = 1
        x = pred.reshape(n, 1, -1)
        t = target.reshape(n, 1, -1)
        valid = torch.ones(n, 1, x.shape[2], dtype=torch.bool)
    if from_logits:
        p = torch.sigmoid(x) if c == 1 else torch.softmax(x, dim=1)
    else:
        p = x
    v = valid.float()
    return p * v, t * v


def region(per_class, smooth=1.0, per_image=False, from_logits=False, ignore_index=-100):
    """A reference function for Reference.case from a per-class formula f(I, P, T, FP, FN, Q, R, s)."""
    def fn(reduction, pred, target, **extra):
        w = extra.get("class-weight")
        p, t = layout(pred, target, ignore_index, from_logits)
        dims = (2,) if per_image else (0, 2)
        i = (p * t).sum(dims)
        ps = p.sum(dims)
        ts = t.sum(dims)
        fp = (p * (1 - t)).sum(dims)
        fn_ = ((1 - p) * t).sum(dims)
        q = (p * p).sum(dims)
        r = (t * t).sum(dims)
        lc = per_class(i, ps, ts, fp, fn_, q, r, smooth)
        if w is None:
            w = torch.ones(lc.shape[-1])
        loss = (lc * w).sum(-1) / w.sum()
        if not per_image or reduction == "none":
            return loss
        return loss.mean() if reduction == "mean" else loss.sum()
    return fn


def dice_c(i, p, t, fp, fn, q, r, s):
    return 1 - (2 * i + s) / (p + t + s)


def squared_dice_c(i, p, t, fp, fn, q, r, s):
    return 1 - (2 * i + s) / (q + r + s)


def log_cosh_dice_c(i, p, t, fp, fn, q, r, s):
    return torch.log(torch.cosh(dice_c(i, p, t, fp, fn, q, r, s)))


def jaccard_c(i, p, t, fp, fn, q, r, s):
    return 1 - (i + s) / (p + t - i + s)


def tversky_c(alpha, beta):
    def f(i, p, t, fp, fn, q, r, s):
        return 1 - (i + s) / (i + alpha * fp + beta * fn + s)
    return f


def focal_tversky_c(alpha, beta, gamma):
    tv = tversky_c(alpha, beta)

    def f(i, p, t, fp, fn, q, r, s):
        return tv(i, p, t, fp, fn, q, r, s) ** gamma
    return f


def region_cases(ref, per_class, extra_params=None, perfect_ok=True):
    """The shared cases of a region loss; per_class(params) gives the per-class formula."""
    extra_params = extra_params or {}

    def add(name, inputs, params):
        full = dict(extra_params)
        full.update(params)
        kw = dict(smooth=full.get("smooth", 1.0), per_image=full.get("per-image", False),
                  from_logits=full.get("from-logits", False), ignore_index=full.get("ignore-index", -100))
        label = name + "".join(f", {k} {v}" for k, v in extra_params.items())
        ref.case(label, region(per_class(full), **kw), inputs, params=full)

    r = rng(300)
    add("binary (N, 1, H, W)", {"pred": probs(r, 2, 1, 4, 5), "target": binary(r, 2, 1, 4, 5)}, {})
    add("binary (N, 1, H, W) per image", {"pred": probs(r, 3, 1, 4, 5), "target": binary(r, 3, 1, 4, 5)},
        {"per-image": True})
    add("binary (N, H, W) soft target", {"pred": probs(r, 2, 5, 3), "target": f32(r.uniform(0, 1, (2, 5, 3)))},
        {"smooth": 0.5})
    y = indices(r, 3, 2, 4, 4, ignore=-100)
    w = f32([0.5, 1.0, 2.0])
    add("class indices with ignored pixels and class weights",
        {"pred": simplex(r, 2, 3, 4, 4), "target": y, "class-weight": w}, {})
    add("class indices per image, ignore-index 255",
        {"pred": simplex(r, 3, 3, 4, 4), "target": indices(r, 3, 3, 4, 4, ignore=255)},
        {"per-image": True, "ignore-index": 255})
    add("one-hot target (N, C, H, W)",
        {"pred": simplex(r, 2, 4, 3, 3), "target": one_hot(r.integers(0, 4, (2, 3, 3)), 4)}, {"smooth": 2.0})
    add("soft targets, class weights, per image",
        {"pred": simplex(r, 2, 3, 2, 5), "target": simplex(r, 2, 3, 2, 5), "class-weight": f32([1.0, 0.0, 3.0])},
        {"per-image": True})
    add("class indices (N, C, L), smooth 0",
        {"pred": simplex(r, 2, 3, 7), "target": indices(r, 3, 2, 7)}, {"smooth": 0.0})
    add("volumes (N, C, D, H, W)", {"pred": simplex(r, 2, 3, 2, 3, 4), "target": indices(r, 3, 2, 2, 3, 4)}, {})
    add("from logits, binary (sigmoid), logits of +/-1000",
        {"pred": extreme_logits(r, 2, 1, 4, 4), "target": binary(r, 2, 1, 4, 4)}, {"from-logits": True})
    add("from logits, binary (N, H, W), per image",
        {"pred": logits(r, 3, 4, 4), "target": binary(r, 3, 4, 4)}, {"from-logits": True, "per-image": True})
    add("from logits, softmax, logits of +/-1000, ignore-index 255, class weights",
        {"pred": extreme_logits(r, 2, 3, 3, 4), "target": indices(r, 3, 2, 3, 4, ignore=255),
         "class-weight": f32([2.0, 1.0, 0.5])},
        {"from-logits": True, "ignore-index": 255})
    add("from logits, softmax, one-hot target, per image",
        {"pred": logits(r, 2, 4, 3, 3), "target": one_hot(r.integers(0, 4, (2, 3, 3)), 4)},
        {"from-logits": True, "per-image": True})
    add("probabilities of exactly 0 and 1",
        {"pred": extreme_probs(r, 2, 1, 4, 4), "target": binary(r, 2, 1, 4, 4)}, {"per-image": True})
    if perfect_ok:
        pred = probs(r, 2, 1, 3, 4)
        target = binary(r, 2, 1, 3, 4)
        pred[1] = 0.0
        target[1] = 0.0
        add("an all-background image predicted empty, per image", {"pred": pred, "target": target},
            {"per-image": True})
        add("an all-background batch", {"pred": np.zeros((2, 6), np.float32), "target": np.zeros((2, 6), np.float32)},
            {})
    y = np.zeros((1, 4, 4), np.float32)
    y[0, 1, 2] = 1
    add("a single-pixel object", {"pred": probs(r, 1, 4, 4), "target": y}, {})


def dice():
    ref = Reference("dice", FORMULA, "1 - (2 I + smooth) / (P + T + smooth) per class, class-weighted mean")
    region_cases(ref, lambda p: dice_c)
    return ref


def squared_dice():
    ref = Reference("squared-dice", FORMULA, "1 - (2 I + smooth) / (sum p^2 + sum t^2 + smooth) per class")
    region_cases(ref, lambda p: squared_dice_c)
    return ref


def log_cosh_dice():
    ref = Reference("log-cosh-dice", FORMULA, "log(cosh(dice loss)) per class")
    region_cases(ref, lambda p: log_cosh_dice_c)
    return ref


def jaccard():
    ref = Reference("jaccard", FORMULA, "1 - (I + smooth) / (P + T - I + smooth) per class")
    region_cases(ref, lambda p: jaccard_c)
    return ref


def tversky():
    ref = Reference("tversky", FORMULA, "1 - (I + smooth) / (I + alpha FP + beta FN + smooth) per class")
    tv = lambda p: tversky_c(p.get("alpha", 0.5), p.get("beta", 0.5))
    region_cases(ref, tv)
    region_cases(ref, tv, {"alpha": 0.3, "beta": 0.7})
    return ref


def focal_tversky():
    ref = Reference("focal-tversky", FORMULA, "(tversky loss)^gamma per class")
    ft = lambda p: focal_tversky_c(p.get("alpha", 0.7), p.get("beta", 0.3), p.get("gamma", 0.75))
    # A perfect prediction has TL = 0 and an infinite PyTorch gradient for gamma < 1: not here.
    region_cases(ref, ft, perfect_ok=False)
    region_cases(ref, ft, {"alpha": 0.5, "beta": 0.5, "gamma": 2.0})
    return ref


# ---------------------------------------------------------------- Lovasz (Berman et al., lovasz_losses.py)

def lovasz_grad(gt_sorted):
    p = len(gt_sorted)
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.float().cumsum(0)
    union = gts + (1 - gt_sorted).float().cumsum(0)
    jaccard = 1. - intersection / union
    if p > 1:  # cover 1-pixel case
        jaccard[1:p] = jaccard[1:p] - jaccard[0:-1]
    return jaccard


def lovasz_hinge_flat(logits, labels):
    if len(labels) == 0:
        return logits.sum() * 0.
    signs = 2. * labels.float() - 1.
    errors = (1. - logits * signs)
    errors_sorted, perm = torch.sort(errors, dim=0, descending=True)
    gt_sorted = labels[perm.data]
    grad = lovasz_grad(gt_sorted)
    return torch.dot(F.relu(errors_sorted), grad)


def lovasz_hinge(per_image):
    def fn(reduction, pred, target):
        if per_image:
            losses = torch.stack([lovasz_hinge_flat(x.reshape(-1), t.reshape(-1)) for x, t in zip(pred, target)])
            return {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
        return lovasz_hinge_flat(pred.reshape(-1), target.reshape(-1))
    return fn


def flatten_probas(probas, labels, ignore):
    c = probas.shape[1]
    probas = probas.movedim(1, -1).reshape(-1, c)
    labels = labels.reshape(-1)
    valid = labels != ignore
    return probas[valid], labels[valid]


def lovasz_softmax_flat(probas, labels, classes):
    if probas.numel() == 0:
        return probas.sum() * 0.
    c = probas.size(1)
    losses = []
    for k in range(c):
        fg = (labels == k).float()
        if classes == "present" and fg.sum() == 0:
            continue
        class_pred = probas[:, 0] if c == 1 else probas[:, k]
        errors = (fg - class_pred).abs()
        errors_sorted, perm = torch.sort(errors, 0, descending=True)
        losses.append(torch.dot(errors_sorted, lovasz_grad(fg[perm.data])))
    if not losses:
        return probas.sum() * 0.
    return sum(losses) / len(losses)


def lovasz_softmax(classes, per_image, ignore):
    def fn(reduction, pred, target):
        if per_image:
            losses = torch.stack([lovasz_softmax_flat(*flatten_probas(p.unsqueeze(0), t.unsqueeze(0), ignore), classes)
                                  for p, t in zip(pred, target)])
            return {"mean": losses.mean(), "sum": losses.sum(), "none": losses}[reduction]
        return lovasz_softmax_flat(*flatten_probas(pred, target, ignore), classes)
    return fn


def distinct_logits(r, *shape, scale=2.0):
    """Normal logits whose hinge errors are far from ties and from 0 (the kinks)."""
    while True:
        x = f32(r.normal(0, scale, shape))
        if np.min(np.abs(np.abs(x) - 1)) > 1e-3 and np.min(np.diff(np.sort(np.abs(x).ravel()))) > 1e-4:
            return x


def lovasz_hinge_ref():
    ref = Reference("lovasz-hinge", FORMULA, "lovasz_hinge of Berman et al.'s lovasz_losses.py")
    r = rng(400)
    for per_image in (True, False):
        params = {"per-image": per_image}
        ref.case(f"(N, H, W) per_image={per_image}", lovasz_hinge(per_image),
                 {"pred": distinct_logits(r, 3, 4, 5), "target": binary(r, 3, 4, 5)}, params=params)
        ref.case(f"(N, 1, H, W) per_image={per_image}", lovasz_hinge(per_image),
                 {"pred": distinct_logits(r, 2, 1, 6, 6), "target": binary(r, 2, 1, 6, 6)}, params=params)
        x = f32(np.where(r.integers(0, 2, (2, 4, 4)) == 1, 1000.0, -1000.0) + np.arange(32).reshape(2, 4, 4) * 0.25)
        ref.case(f"logits of +/-1000 per_image={per_image}", lovasz_hinge(per_image),
                 {"pred": x, "target": binary(r, 2, 4, 4)}, params=params)
        t = binary(r, 2, 3, 5)
        t[0] = 0.0
        ref.case(f"an empty mask per_image={per_image}", lovasz_hinge(per_image),
                 {"pred": distinct_logits(r, 2, 3, 5), "target": t}, params=params)
    return ref


def lovasz_softmax_ref():
    ref = Reference("lovasz-softmax", FORMULA, "lovasz_softmax of Berman et al.'s lovasz_losses.py")
    r = rng(500)
    for classes in ("present", "all"):
        for per_image in (False, True):
            params = {"classes": classes, "per-image": per_image}
            fn = lovasz_softmax(classes, per_image, -100)
            ref.case(f"(N, C, H, W) classes={classes} per_image={per_image}", fn,
                     {"pred": simplex(r, 2, 4, 3, 4), "target": indices(r, 3, 2, 3, 4)}, params=params)
            ref.case(f"ignored pixels classes={classes} per_image={per_image}", fn,
                     {"pred": simplex(r, 3, 3, 4, 4), "target": indices(r, 3, 3, 4, 4, ignore=-100)}, params=params)
    params = {"ignore-index": 255}
    ref.case("ignore-index 255", lovasz_softmax("present", False, 255),
             {"pred": simplex(r, 2, 3, 5, 2), "target": indices(r, 3, 2, 5, 2, ignore=255, every=3)}, params=params)
    p = simplex(r, 2, 3, 2, 3)
    y = indices(r, 3, 2, 2, 3)
    y[1] = -100
    ref.case("an image with every pixel ignored, per image", lovasz_softmax("present", True, -100),
             {"pred": p, "target": y}, params={"per-image": True})
    # one-hot probabilities of exactly 0 and 1 on the correct class: errors of exactly 0
    p = simplex(r, 2, 3, 4)
    y = indices(r, 3, 2, 4)
    for n in range(2):
        p[n, :, 0] = 0.0
        p[n, y[n, 0], 0] = 1.0
    ref.case("probabilities of exactly 0 and 1", lovasz_softmax("all", False, -100),
             {"pred": p, "target": y}, params={"classes": "all"})
    ref.case("volumes (N, C, D, H, W)", lovasz_softmax("present", False, -100),
             {"pred": simplex(r, 2, 3, 2, 2, 3), "target": indices(r, 3, 2, 2, 2, 3)}, params={})
    return ref


# ---------------------------------------------------------------- compound losses

def dice_coefficient(p, t, smooth):
    return (2 * (p * t).sum() + smooth) / (p.sum() + t.sum() + smooth)


def bce_dice(w_bce=1.0, w_dice=1.0, smooth=1.0, from_logits=False):
    def fn(reduction, pred, target):
        if from_logits:
            bce = F.binary_cross_entropy_with_logits(pred, target)
            p = torch.sigmoid(pred)
        else:
            bce = F.binary_cross_entropy(pred, target)
            p = pred
        return w_bce * bce + w_dice * (1 - dice_coefficient(p, target, smooth))
    return fn


def bce_dice_ref():
    ref = Reference("bce-dice", FORMULA, "w_bce F.binary_cross_entropy(p, t) (or ..._with_logits) + w_dice dice")
    r = rng(600)
    cases = [
        ("binary (N, 1, H, W)", {"pred": probs(r, 2, 1, 4, 4), "target": binary(r, 2, 1, 4, 4)}, {}),
        ("soft targets (N, H, W), weights", {"pred": probs(r, 3, 3, 4), "target": f32(r.uniform(0, 1, (3, 3, 4)))},
         {"w-bce": 0.3, "w-dice": 2.0}),
        ("probabilities of exactly 0 and 1", {"pred": extreme_probs(r, 2, 4, 4), "target": binary(r, 2, 4, 4)},
         {"smooth": 0.5}),
        ("from logits", {"pred": logits(r, 2, 1, 3, 5), "target": binary(r, 2, 1, 3, 5)}, {"from-logits": True}),
        ("logits of +/-1000", {"pred": extreme_logits(r, 2, 4, 4), "target": binary(r, 2, 4, 4)},
         {"from-logits": True, "w-dice": 0.5}),
        ("smooth 0", {"pred": probs(r, 2, 6), "target": binary(r, 2, 6)}, {"smooth": 0.0}),
        ("an all-background batch", {"pred": np.zeros((2, 5), np.float32), "target": np.zeros((2, 5), np.float32)}, {}),
    ]
    for name, inputs, params in cases:
        kw = dict(w_bce=params.get("w-bce", 1.0), w_dice=params.get("w-dice", 1.0),
                  smooth=params.get("smooth", 1.0), from_logits=params.get("from-logits", False))
        ref.case(name, bce_dice(**kw), inputs, params=params)
    return ref


def combo(alpha=0.5, beta=0.5, smooth=1.0, hard=True):
    def fn(reduction, pred, target):
        if hard:
            weight = beta * target + (1 - beta) * (1 - target)
            wbce = F.binary_cross_entropy(pred, target, weight=weight)
        else:
            logp = torch.clamp(torch.log(pred), min=-100)
            log1mp = torch.clamp(torch.log(1 - pred), min=-100)
            wbce = -(beta * target * logp + (1 - beta) * (1 - target) * log1mp).mean()
        return alpha * wbce - (1 - alpha) * dice_coefficient(pred, target, smooth)
    return fn


def combo_ref():
    ref = Reference("combo", FORMULA, "alpha weighted F.binary_cross_entropy - (1 - alpha) Dice coefficient")
    r = rng(700)
    cases = [
        ("binary (N, 1, H, W)", {"pred": probs(r, 2, 1, 4, 4), "target": binary(r, 2, 1, 4, 4)}, {}, True),
        ("alpha 0.3, beta 0.8", {"pred": probs(r, 3, 3, 4), "target": binary(r, 3, 3, 4)},
         {"alpha": 0.3, "beta": 0.8}, True),
        ("probabilities of exactly 0 and 1", {"pred": extreme_probs(r, 2, 4, 4), "target": binary(r, 2, 4, 4)},
         {"beta": 0.7}, True),
        ("soft targets", {"pred": probs(r, 2, 3, 5), "target": f32(r.uniform(0, 1, (2, 3, 5)))},
         {"alpha": 0.6, "beta": 0.4, "smooth": 0.5}, False),
        ("smooth 0", {"pred": probs(r, 2, 6), "target": binary(r, 2, 6)}, {"smooth": 0.0}, True),
    ]
    for name, inputs, params, hard in cases:
        kw = dict(alpha=params.get("alpha", 0.5), beta=params.get("beta", 0.5), smooth=params.get("smooth", 1.0))
        ref.case(name, combo(hard=hard, **kw), inputs, params=params)
    return ref


# ---------------------------------------------------------------- boundary (Kervadec et al.)

def one_hot2dist(seg):
    """Kervadec et al.'s one_hot2dist: seg (K, *spatial) one-hot, unit spacing."""
    res = np.zeros_like(seg, dtype=np.float64)
    for k in range(len(seg)):
        posmask = seg[k].astype(bool)
        if posmask.any():
            negmask = ~posmask
            res[k] = eucl_distance(negmask) * negmask - (eucl_distance(posmask) - 1) * posmask
    return res


def dist_maps(pred, target):
    """The maps of every image, by the documented layout rule; full masks are not allowed here."""
    if np.issubdtype(target.dtype, np.integer):
        seg = one_hot(target, pred.shape[1])
    elif pred.ndim >= 4:
        seg = target
    else:
        seg = target[:, None]
    for n in range(seg.shape[0]):
        for k in range(seg.shape[1]):
            assert not seg[n, k].all(), "a mask without background: scipy's distance is not defined"
    maps = np.stack([one_hot2dist(s) for s in seg])
    return f32(maps.reshape(pred.shape))


def surface_loss(reduction, pred, target, **extra):
    dist = extra.get("distance-map")
    if dist is None:
        dist = torch.tensor(dist_maps(pred.detach().numpy(), target.numpy()))
    multiplied = pred * dist
    return {"mean": multiplied.mean(), "sum": multiplied.sum(), "none": multiplied}[reduction]


def blobs(r, n, *spatial, density=0.3):
    """Binary masks with some structure: thresholded smoothed noise, never full."""
    x = r.normal(0, 1, (n,) + spatial)
    for axis in range(1, x.ndim):
        x = (x + np.roll(x, 1, axis) + np.roll(x, -1, axis)) / 3
    m = (x > np.quantile(x, 1 - density)).astype(np.float32)
    for i in range(n):
        if m[i].all():
            m[i].flat[0] = 0
    return m


def boundary_ref():
    ref = Reference("boundary", FORMULA,
                    "mean(probs * dist_maps), dist_maps from Kervadec et al.'s one_hot2dist "
                    "(scipy.ndimage.distance_transform_edt)")
    r = rng(800)
    m = blobs(r, 2, 6, 7)
    ref.case("binary (N, H, W)", surface_loss, {"pred": probs(r, 2, 6, 7), "target": m})
    m = blobs(r, 2, 1, 5, 6)
    m[1] = 0.0
    ref.case("binary (N, 1, H, W) with an empty mask", surface_loss, {"pred": probs(r, 2, 1, 5, 6), "target": m})
    y = np.zeros((2, 5, 5), np.int64)
    y[:, 1:3, 1:4] = 1
    y[0, 3:, 3:] = 2
    y[1, 4, 0] = 2
    ref.case("class indices (N, C, H, W)", surface_loss, {"pred": simplex(r, 2, 3, 5, 5), "target": y})
    ref.case("one-hot (N, C, H, W)", surface_loss, {"pred": simplex(r, 2, 3, 5, 5), "target": one_hot(y, 3)})
    ref.case("volumes (N, 1, D, H, W)", surface_loss,
             {"pred": probs(r, 2, 1, 3, 4, 5), "target": blobs(r, 2, 1, 3, 4, 5)})
    m = np.zeros((1, 5, 5), np.float32)
    m[0, 2, 3] = 1
    ref.case("a single-pixel object", surface_loss, {"pred": extreme_probs(r, 1, 5, 5), "target": m})
    ref.case("a given distance map", surface_loss,
             {"pred": probs(r, 2, 3, 4), "target": binary(r, 2, 3, 4), "distance-map": f32(r.normal(0, 3, (2, 3, 4)))})
    return ref


ALL = [dice, squared_dice, log_cosh_dice, jaccard, tversky, focal_tversky, lovasz_hinge_ref,
       lovasz_softmax_ref, bce_dice_ref, combo_ref, boundary_ref]
