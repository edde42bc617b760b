"""Reference cases of the metric-learning and contrastive family (catalogue section 5).

triplet-margin, margin-ranking and cosine-embedding come from PyTorch's own functions. The other
losses have no PyTorch function: their catalogue definitions are written here with torch operations
(F.normalize, F.cross_entropy, clamp) and differentiated by autograd ("formula-in-pytorch").
Everything is evaluated in float64 from the float32 inputs recorded in the files.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from common import Reference, f32, i64, rng


def reduce(per, reduction, denominator=None):
    if reduction == "none":
        return per
    if reduction == "sum":
        return per.sum()
    n = per.numel() if denominator is None else denominator
    return per.sum() / max(n, 1)


def normal(seed, *shape, scale=1.0):
    return f32(rng(seed).normal(0, scale, shape))


def signs(seed, n):
    return f32(rng(seed).choice([-1.0, 1.0], n))


# ---------------------------------------------------------------- pairs and triplets


def contrastive():
    ref = Reference("contrastive", "formula-in-pytorch",
                    "y d^2 + (1 - y) clamp(margin - d, min=0)^2, d = (x1 - x2).norm(dim=1)")

    def fn(margin):
        def f(reduction, x1, x2, label):
            d = (x1.double() - x2.double()).norm(dim=1)
            y = label.double()
            return reduce(y * d ** 2 + (1 - y) * (margin - d).clamp(min=0) ** 2, reduction)
        return f

    x1 = normal(1, 11, 5)
    x2 = x1 + normal(2, 11, 5, scale=0.4)
    y = f32(rng(3).integers(0, 2, 11))
    for margin in (1.0, 0.5, 2.0):
        ref.case(f"random margin={margin}", fn(margin), {"x1": x1, "x2": x2, "label": y},
                 grad=("x1", "x2"), params={"margin": margin})
    same = normal(4, 4, 3)
    ref.case("identical pairs (d = 0)", fn(1.0),
             {"x1": same, "x2": same.copy(), "label": f32([1, 0, 1, 0])}, grad=("x1", "x2"))
    ref.case("zero-norm embeddings", fn(1.0),
             {"x1": np.zeros((2, 3), np.float32), "x2": f32([[0, 0, 0], [0.3, 0, 0]]), "label": f32([0, 0])},
             grad=("x1", "x2"))
    ref.case("large", fn(1.0), {"x1": x1 * 1000, "x2": x2, "label": y}, grad=("x1", "x2"))
    return ref


def triplet_margin():
    ref = Reference("triplet-margin", "pytorch", "torch.nn.functional.triplet_margin_loss")

    def fn(**kw):
        def f(reduction, anchor, positive, negative):
            return F.triplet_margin_loss(anchor.double(), positive.double(), negative.double(),
                                         reduction=reduction, **kw)
        return f

    a, p, n = normal(10, 9, 6), normal(11, 9, 6), normal(12, 9, 6)
    inputs = {"anchor": a, "positive": p, "negative": n}
    grads = ("anchor", "positive", "negative")
    for params in ({}, {"margin": 0.5, "swap": True}, {"p": 1.0}, {"p": 3.0, "eps": 0.0, "margin": 2.0},
                   {"p": 1.5, "swap": True, "margin": -0.5}, {"margin": 3.0, "eps": 0.1}):
        ref.case("random " + (" ".join(f"{k}={v}" for k, v in params.items()) or "defaults"),
                 fn(**params), inputs, grad=grads, params=params)
    # The negative lies nearer the positive than the anchor: swap changes the negative distance.
    sa = f32([[0, 0], [0, 0], [1, 1]])
    sp = f32([[1, 0], [0, 2], [1, 2]])
    sn = f32([[1.5, 0], [0, 2.5], [3, 1]])
    for swap in (False, True):
        ref.case(f"swap geometry swap={swap}", fn(swap=swap, eps=0.0),
                 {"anchor": sa, "positive": sp, "negative": sn}, grad=grads,
                 params={"swap": swap, "eps": 0.0})
    z = np.zeros((2, 3), np.float32)
    ref.case("all zero at the kink (margin 0)", fn(margin=0.0),
             {"anchor": z, "positive": z.copy(), "negative": z.copy()}, grad=grads, params={"margin": 0.0})
    ref.case("anchor equals positive", fn(), {"anchor": a, "positive": a.copy(), "negative": n}, grad=grads)
    ref.case("large", fn(), {"anchor": a * 1000, "positive": p * 1000, "negative": n}, grad=grads)
    return ref


def batch_hard_triplet():
    ref = Reference("batch-hard-triplet", "formula-in-pytorch",
                    "Hermans et al. (2017) batch hard: hardest positive and negative per anchor by"
                    " Euclidean distance, anchors without both excluded from the mean")

    def fn(margin=0.3, soft=False):
        def f(reduction, embeddings, label):
            e = embeddings.double()
            d = (e[:, None, :] - e[None, :, :]).norm(dim=2)
            same = label[:, None] == label[None, :]
            eye = torch.eye(len(label), dtype=torch.bool)
            pos = same & ~eye
            neg = ~same
            dp = torch.where(pos, d, torch.full_like(d, -math.inf)).max(dim=1).values
            dn = torch.where(neg, d, torch.full_like(d, math.inf)).min(dim=1).values
            valid = pos.any(dim=1) & neg.any(dim=1)
            dp = torch.where(valid, dp, torch.zeros_like(dp))
            dn = torch.where(valid, dn, torch.zeros_like(dn))
            per = F.softplus(dp - dn) if soft else (margin + dp - dn).clamp(min=0)
            per = torch.where(valid, per, torch.zeros_like(per))
            return reduce(per, reduction, int(valid.sum()))
        return f

    e = normal(20, 12, 5)
    y = i64(np.repeat([0, 1, 2, 3], 3)[rng(21).permutation(12)])
    for params in ({}, {"margin": 1.0}, {"margin": 0.0}, {"soft": True}):
        ref.case("random " + (" ".join(f"{k}={v}" for k, v in params.items()) or "defaults"),
                 fn(**params), {"embeddings": e, "label": y}, grad=("embeddings",), params=params)
    ref.case("singleton labels (anchors without a positive)", fn(),
             {"embeddings": e[:7], "label": i64([0, 0, 1, 2, 2, 3, 4])}, grad=("embeddings",))
    ref.case("a single label", fn(), {"embeddings": e[:5], "label": i64([7] * 5)}, grad=("embeddings",))
    dup = f32([[0, 0], [0, 0], [1, 2], [2, 1], [5, 5]])
    ref.case("duplicated embeddings within a label", fn(),
             {"embeddings": dup, "label": i64([0, 0, 1, 1, 2])}, grad=("embeddings",))
    ref.case("large", fn(margin=1.0), {"embeddings": e * 1000, "label": y}, grad=("embeddings",),
             params={"margin": 1.0})
    return ref


def margin_ranking():
    ref = Reference("margin-ranking", "pytorch", "torch.nn.functional.margin_ranking_loss")

    def fn(margin=0.0):
        def f(reduction, x1, x2, label):
            return F.margin_ranking_loss(x1.double(), x2.double(), label.double(), margin=margin,
                                         reduction=reduction)
        return f

    x1, x2, y = normal(30, 13), normal(31, 13), signs(32, 13)
    for margin in (0.0, 0.5, -0.25):
        ref.case(f"random margin={margin}", fn(margin), {"x1": x1, "x2": x2, "label": y},
                 grad=("x1", "x2"), params={"margin": margin})
    ref.case("2-D scores", fn(0.3), {"x1": normal(33, 3, 4), "x2": normal(34, 3, 4),
                                     "label": signs(35, 12).reshape(3, 4)},
             grad=("x1", "x2"), params={"margin": 0.3})
    ref.case("ties at the kink", fn(), {"x1": f32([1, 2, 3]), "x2": f32([1, 2, 3]), "label": f32([1, -1, 1])},
             grad=("x1", "x2"))
    ref.case("large", fn(), {"x1": x1 * 1e30, "x2": x2, "label": y}, grad=("x1", "x2"))
    return ref


def cosine_embedding():
    ref = Reference("cosine-embedding", "pytorch", "torch.nn.functional.cosine_embedding_loss")

    def fn(margin=0.0):
        def f(reduction, x1, x2, label):
            return F.cosine_embedding_loss(x1.double(), x2.double(), label.double(), margin=margin,
                                           reduction=reduction)
        return f

    x1, x2, y = normal(40, 10, 6), normal(41, 10, 6), signs(42, 10)
    for margin in (0.0, 0.5, -0.3):
        ref.case(f"random margin={margin}", fn(margin), {"x1": x1, "x2": x2, "label": y},
                 grad=("x1", "x2"), params={"margin": margin})
    zero = x1[:4].copy()
    zero[0] = 0
    zero[1] = 0
    ref.case("zero-norm rows", fn(0.2), {"x1": zero, "x2": x2[:4], "label": f32([1, -1, 1, -1])},
             grad=("x1", "x2"), params={"margin": 0.2})
    ref.case("duplicated rows", fn(), {"x1": x1[:4], "x2": x1[:4].copy(), "label": f32([1, -1, 1, -1])},
             grad=("x1", "x2"))
    ref.case("large", fn(), {"x1": x1 * 1e15, "x2": x2, "label": y}, grad=("x1", "x2"))
    return ref


# ---------------------------------------------------------------- in-batch contrastive


def cosine_matrix(x, y):
    return F.normalize(x.double(), dim=1) @ F.normalize(y.double(), dim=1).T


def view_cases(ref, fn, names, params_list, grads=None):
    a, b = normal(50, 7, 5), normal(51, 7, 5)
    grads = grads or names
    first, second = names
    for params in params_list:
        ref.case("random " + (" ".join(f"{k}={v}" for k, v in params.items()) or "defaults"),
                 fn(**params), {first: a, second: b}, grad=grads, params=params)
    correlated = a + normal(52, 7, 5, scale=0.3)
    ref.case("correlated views", fn(), {first: a, second: correlated}, grad=grads)
    za, zb = a.copy(), b.copy()
    za[1] = 0
    zb[3] = 0
    ref.case("zero-norm rows", fn(), {first: za, second: zb}, grad=grads)
    dup = a.copy()
    dup[2] = dup[0]
    ref.case("duplicated rows", fn(), {first: dup, second: dup.copy()}, grad=grads)
    ref.case("a batch of one", fn(), {first: a[:1], second: b[:1]}, grad=grads)
    ref.case("large and tiny", fn(), {first: a * 1e30, second: b * 1e-30}, grad=grads)


def info_nce():
    ref = Reference("info-nce", "formula-in-pytorch",
                    "F.cross_entropy(F.normalize(a) @ F.normalize(b).T / temperature, arange(N))")

    def fn(temperature=0.1):
        def f(reduction, a, b):
            logits = cosine_matrix(a, b) / temperature
            return F.cross_entropy(logits, torch.arange(len(a)), reduction=reduction)
        return f

    view_cases(ref, fn, ("a", "b"), ({}, {"temperature": 0.5}, {"temperature": 0.03}))
    return ref


def nt_xent():
    ref = Reference("nt-xent", "formula-in-pytorch",
                    "SimCLR NT-Xent: F.cross_entropy over the 2N views with the self-similarity masked,"
                    " target the partner view")

    def fn(temperature=0.5):
        def f(reduction, a, b):
            n = len(a)
            z = torch.cat([a, b])
            logits = cosine_matrix(z, z) / temperature
            logits = logits.masked_fill(torch.eye(2 * n, dtype=torch.bool), -math.inf)
            target = (torch.arange(2 * n) + n) % (2 * n)
            return F.cross_entropy(logits, target, reduction=reduction)
        return f

    view_cases(ref, fn, ("a", "b"), ({}, {"temperature": 0.1}))
    return ref


def clip():
    ref = Reference("clip", "formula-in-pytorch",
                    "(F.cross_entropy(s / temperature, arange(N)) + F.cross_entropy(s.T / temperature,"
                    " arange(N))) / 2, s = F.normalize(image) @ F.normalize(text).T")

    def fn(temperature=0.07):
        def f(reduction, image, text):
            logits = cosine_matrix(image, text) / temperature
            target = torch.arange(len(image))
            per = (F.cross_entropy(logits, target, reduction="none")
                   + F.cross_entropy(logits.T, target, reduction="none")) / 2
            return reduce(per, reduction)
        return f

    view_cases(ref, fn, ("image", "text"), ({}, {"temperature": 0.5}))
    return ref


def text_image_matching():
    ref = Reference("text-image-matching", "formula-in-pytorch",
                    "VSE sum of hinges: (margin + s - diag(s)[:, None]).clamp(min=0) + (margin + s -"
                    " diag(s)[None, :]).clamp(min=0) off the diagonal, per pair i its row and column,"
                    " mean over B (B - 1)")

    def fn(margin=0.2):
        def f(reduction, image, text):
            s = cosine_matrix(image, text)
            n = len(image)
            d = s.diag()
            off = ~torch.eye(n, dtype=torch.bool)
            cost_text = ((margin + s - d[:, None]).clamp(min=0) * off).sum(dim=1)
            cost_image = ((margin + s - d[None, :]).clamp(min=0) * off).sum(dim=0)
            return reduce(cost_text + cost_image, reduction, n * (n - 1))
        return f

    view_cases(ref, fn, ("image", "text"), ({}, {"margin": 0.5}, {"margin": 0.0}))
    return ref


# ---------------------------------------------------------------- margin softmax


def margin_softmax(loss_id, source, target_logit, defaults):
    ref = Reference(loss_id, "formula-in-pytorch", source)

    def fn(**params):
        p = dict(defaults, **params)

        def f(reduction, cosine, target):
            c = cosine.double()
            cy = c.gather(1, target[:, None])
            logits = p["scale"] * c.scatter(1, target[:, None], target_logit(cy, p["margin"]))
            return F.cross_entropy(logits, target, reduction=reduction)
        return f

    r = rng(60)
    cos = f32(r.uniform(-0.95, 0.95, (8, 6)))
    y = i64(r.integers(0, 6, 8))
    for params in ({}, {"scale": 30.0, "margin": 0.2}, {"margin": 0.0}, {"scale": 1.0}):
        ref.case("random " + (" ".join(f"{k}={v}" for k, v in params.items()) or "defaults"),
                 fn(**params), {"cosine": cos, "target": y}, grad=("cosine",), params=params)
    edges = f32([[1, -1, 0.5], [-1, 1, 0.5], [0.99999, 0.2, -0.3], [-0.99, 0.1, 0.1]])
    ref.case("cosines of exactly +/-1 and near the clamp", fn(),
             {"cosine": edges, "target": i64([0, 0, 0, 0])}, grad=("cosine",))
    confident = f32([[0.9, -0.9, -0.9], [-0.5, 0.95, 0.1]])
    ref.case("confident rows", fn(), {"cosine": confident, "target": i64([0, 1])}, grad=("cosine",))
    return ref


def arcface():
    def target_logit(cy, m):
        return torch.cos(torch.acos(cy.clamp(-1 + 1e-7, 1 - 1e-7)) + m)
    return margin_softmax("arcface",
                          "F.cross_entropy(s * c.scatter(1, y, cos(acos(clamp(c_y, -1 + 1e-7, 1 - 1e-7)) + m)), y)",
                          target_logit, {"scale": 64.0, "margin": 0.5})


def cosface():
    def target_logit(cy, m):
        return cy - m
    return margin_softmax("cosface", "F.cross_entropy(s * c.scatter(1, y, c_y - m), y)",
                          target_logit, {"scale": 64.0, "margin": 0.35})


ALL = [contrastive, triplet_margin, batch_hard_triplet, margin_ranking, cosine_embedding, info_nce, nt_xent,
       clip, text_image_matching, arcface, cosface]
