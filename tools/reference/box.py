"""Reference cases of the boxes, detection and tracking family (catalogue section 4).

giou, diou and ciou come from torchvision's own losses; the others have no peer and are the catalogue formula
written with torch operations ("formula-in-pytorch"). Every peer runs in float64 on the float32 inputs, so that
the references carry no float32 rounding of their own (boxes at coordinates around 1e6 would otherwise lose the
centre distance to rounding); gradients flow back to the float32 inputs.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torchvision.ops import (box_convert, complete_box_iou_loss, distance_box_iou_loss,
                             generalized_box_iou_loss)

from common import Reference, f32, rng

FORMATS = ("xyxy", "cxcywh", "xywh")


# ---------------------------------------------------------------- boxes

def random_centred(seed, n=13, rotated=False):
    """Rows (cx, cy, w, h, a) of target and pred: pred jittered for three pairs in four, clear of target for
    every fourth."""
    r = rng(seed)
    t = np.zeros((n, 5))
    p = np.zeros((n, 5))
    for i in range(n):
        tcx, tcy = r.uniform(0, 10, 2)
        tw, th = r.uniform(1, 4, 2)
        ta = r.uniform(-math.pi / 2, math.pi / 2) if rotated else 0.0
        pw, ph = tw * math.exp(0.3 * r.normal()), th * math.exp(0.3 * r.normal())
        pa = ta + 0.3 * r.normal() if rotated else 0.0
        if i % 4 == 3:
            side = 1 if r.random() < 0.5 else -1
            pcx = tcx + side * (0.5 * (tw + pw) + 0.5 + 3 * r.random())
            pcy = tcy + 2 * r.normal()
        else:
            pcx, pcy = tcx + 0.3 * tw * r.normal(), tcy + 0.3 * th * r.normal()
        t[i] = (tcx, tcy, tw, th, ta)
        p[i] = (pcx, pcy, pw, ph, pa)
    return p, t


def corners_of(c):
    """(cx, cy, w, h) rows to (x1, y1, x2, y2) rows."""
    return np.stack([c[:, 0] - c[:, 2] / 2, c[:, 1] - c[:, 3] / 2, c[:, 0] + c[:, 2] / 2, c[:, 1] + c[:, 3] / 2], 1)


def in_format(xyxy, fmt):
    """Boxes given as corners (float64), written in the format as float32."""
    x = np.asarray(xyxy, dtype=np.float64)
    if fmt == "xyxy":
        return f32(x)
    if fmt == "xywh":
        return f32(np.stack([x[:, 0], x[:, 1], x[:, 2] - x[:, 0], x[:, 3] - x[:, 1]], 1))
    return f32(np.stack([(x[:, 0] + x[:, 2]) / 2, (x[:, 1] + x[:, 3]) / 2, x[:, 2] - x[:, 0], x[:, 3] - x[:, 1]], 1))


def random_pairs(seed, fmt, n=13):
    p, t = random_centred(seed, n)
    return in_format(corners_of(p), fmt), in_format(corners_of(t), fmt)


# Special pairs in corners: (name, pred, target). Degenerate ones are marked for losses where torch gives NaN.
SPECIAL = [
    ("identical", [1, 2, 4, 6], [1, 2, 4, 6]),
    ("pred-inside-target", [2, 3, 3, 4.5], [1, 2, 4, 6]),
    ("target-inside-pred", [0, 1, 5, 7], [1, 2, 4, 6]),
    ("crossing", [0, 3, 5, 4], [2, 1, 3, 6]),
    ("far-apart", [100, 100, 103, 105], [0, 0, 2, 2]),
    ("touching", [4, 2, 6, 6], [1, 2, 4, 6]),
    ("zero-width-pred", [2, 3, 2, 5], [1, 2, 4, 6]),
    ("zero-height-pred", [2, 3, 3.5, 3], [1, 2, 4, 6]),
    ("zero-area-both", [1, 1, 1, 1], [1, 1, 1, 1]),
    ("coordinates-1e6", [1e6 + 3, 1e6 + 4, 1e6 + 40, 1e6 + 30], [1e6, 1e6 + 2, 1e6 + 35, 1e6 + 33]),
]
ZERO_HEIGHT = ("zero-height-pred", "zero-area-both")


def special_pairs(fmt, skip=()):
    rows = [(p, t) for name, p, t in SPECIAL if name not in skip]
    p = np.array([r[0] for r in rows], dtype=np.float64)
    t = np.array([r[1] for r in rows], dtype=np.float64)
    return in_format(p, fmt), in_format(t, fmt)


def as_xyxy(b, fmt):
    return b if fmt == "xyxy" else box_convert(b, fmt, "xyxy")


def check_finite(ref):
    for c in ref.cases:
        for k, g in c["grads"].items():
            if not all(math.isfinite(x) for x in g["data"]):
                raise ValueError(f"{ref.loss_id}/{c['name']}: the peer gave a non-finite gradient for {k}")
    return ref


# ---------------------------------------------------------------- IoU family

def box_cases(ref, loss, eps_values=(None, 1e-3), skip=()):
    """Random and special pairs in every format, with the default and another eps."""
    for fmt in FORMATS:
        for eps in eps_values:
            params = {"box-format": fmt}
            kwargs = {}
            if eps is not None:
                params["eps"] = eps
                kwargs["eps"] = eps

            def fn(reduction, pred, target, fmt=fmt, kwargs=kwargs):
                return loss(as_xyxy(pred.double(), fmt), as_xyxy(target.double(), fmt), reduction=reduction, **kwargs)

            p, t = random_pairs(100 + FORMATS.index(fmt), fmt)
            ref.case(f"random {fmt} eps={eps or 'default'}", fn, {"pred": p, "target": t}, params=params)
            p, t = special_pairs(fmt, skip)
            ref.case(f"special {fmt} eps={eps or 'default'}", fn, {"pred": p, "target": t}, params=params)
    # One box of shape (4).
    p, t = random_pairs(7, "xyxy", 1)

    def single(reduction, pred, target):
        return loss(pred.double(), target.double(), reduction=reduction)

    ref.case("single box (4)", single, {"pred": p[0], "target": t[0]})
    return check_finite(ref)


def giou():
    ref = Reference("giou", "torchvision", "torchvision.ops.generalized_box_iou_loss (float64, after box_convert)")
    return box_cases(ref, generalized_box_iou_loss)


def diou():
    ref = Reference("diou", "torchvision", "torchvision.ops.distance_box_iou_loss (float64, after box_convert)")
    return box_cases(ref, distance_box_iou_loss)


def ciou():
    # torch divides by a zero height (atan(w / 0)) and gives NaN gradients: those pairs are left out.
    ref = Reference("ciou", "torchvision", "torchvision.ops.complete_box_iou_loss (float64, after box_convert)")
    return box_cases(ref, complete_box_iou_loss, skip=ZERO_HEIGHT)


def _inter_union(b1, b2, eps):
    x1, y1, x2, y2 = b1.unbind(-1)
    a1, b1_, a2, b2_ = b2.unbind(-1)
    iw = torch.min(x2, a2) - torch.max(x1, a1)
    ih = torch.min(y2, b2_) - torch.max(y1, b1_)
    mask = (iw > 0) & (ih > 0)
    inter = torch.where(mask, iw * ih, torch.zeros_like(iw))
    union = (x2 - x1) * (y2 - y1) + (a2 - a1) * (b2_ - b1_) - inter
    return inter / (union + eps)


def _reduce(l, reduction):
    return l.mean() if reduction == "mean" else l.sum() if reduction == "sum" else l


def iou_formula(b1, b2, reduction="none", eps=1e-7):
    return _reduce(1 - _inter_union(b1, b2, eps), reduction)


def eiou_formula(b1, b2, reduction="none", eps=1e-7):
    iou = _inter_union(b1, b2, eps)
    x1, y1, x2, y2 = b1.unbind(-1)
    a1, c1, a2, c2 = b2.unbind(-1)
    cw = torch.max(x2, a2) - torch.min(x1, a1)
    ch = torch.max(y2, c2) - torch.min(y1, c1)
    rho2 = ((x1 + x2) / 2 - (a1 + a2) / 2) ** 2 + ((y1 + y2) / 2 - (c1 + c2) / 2) ** 2
    l = (1 - iou + rho2 / (cw ** 2 + ch ** 2 + eps)
         + ((x2 - x1) - (a2 - a1)) ** 2 / (cw ** 2 + eps) + ((y2 - y1) - (c2 - c1)) ** 2 / (ch ** 2 + eps))
    return _reduce(l, reduction)


def iou():
    ref = Reference("iou", "formula-in-pytorch", "1 - I / (U + eps), torch.max/torch.min as torchvision (float64)")
    return box_cases(ref, iou_formula)


def eiou():
    ref = Reference("eiou", "formula-in-pytorch",
                    "1 - IoU + rho^2/(c^2 + eps) + dw^2/(C_w^2 + eps) + dh^2/(C_h^2 + eps) (float64)")
    return box_cases(ref, eiou_formula)


# ---------------------------------------------------------------- gwd

def gaussian_of(b, fmt):
    """Mean (N, 2) and covariance (N, 2, 2) of boxes in the format (rows of 4, or 5 with an angle)."""
    if fmt == "xywha":
        cx, cy, w, h, a = b.unbind(-1)
    else:
        cx, cy, w, h = box_convert(b, fmt, "cxcywh").unbind(-1) if fmt != "cxcywh" else b.unbind(-1)
        a = torch.zeros_like(cx)
    c, s = torch.cos(a), torch.sin(a)
    rot = torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)
    d = torch.diag_embed(torch.stack([w * w / 4, h * h / 4], -1))
    return torch.stack([cx, cy], -1), rot @ d @ rot.transpose(-1, -2)


def gwd_formula(pred, target, fmt, fun, tau, reduction):
    mp, sp = gaussian_of(pred.double(), fmt)
    mt, st = gaussian_of(target.double(), fmt)
    tr = torch.diagonal(sp @ st, dim1=-2, dim2=-1).sum(-1)
    det = torch.sqrt(torch.det(sp) * torch.det(st))
    shape = (torch.diagonal(sp, dim1=-2, dim2=-1).sum(-1) + torch.diagonal(st, dim1=-2, dim2=-1).sum(-1)
             - 2 * torch.sqrt(tr + 2 * det))
    d = torch.clamp(((mp - mt) ** 2).sum(-1) + shape, min=0)
    if fun == "log1p":
        l = 1 - 1 / (tau + torch.log1p(d))
    elif fun == "sqrt":
        l = 1 - 1 / (tau + torch.sqrt(d))
    else:
        l = d
    return _reduce(l, reduction)


def to_format_centred(c, fmt):
    """(cx, cy, w, h, a) rows to the format, as float32."""
    if fmt == "xywha":
        return f32(c)
    return in_format(corners_of(c[:, :4]), fmt)


def gwd():
    ref = Reference("gwd", "formula-in-pytorch",
                    "W2^2 of N((cx, cy), R diag(w^2/4, h^2/4) R^T) with torch matrices, det and sqrt (float64)")
    for fmt in FORMATS + ("xywha",):
        p, t = random_centred(200 + len(fmt), rotated=(fmt == "xywha"))
        pi, ti = to_format_centred(p, fmt), to_format_centred(t, fmt)
        for fun, tau in (("none", 1.0), ("log1p", 1.0), ("sqrt", 1.0), ("log1p", 2.0), ("sqrt", 3.0)):
            def fn(reduction, pred, target, fmt=fmt, fun=fun, tau=tau):
                return gwd_formula(pred, target, fmt, fun, tau, reduction)

            ref.case(f"random {fmt} fun={fun} tau={tau}", fn, {"pred": pi, "target": ti},
                     params={"box-format": fmt, "fun": fun, "tau": tau})
    # Identical (rotated) boxes, far apart, coordinates around 1e6: sqrt(d) at d = 0 has no torch gradient.
    c = np.array([[3, 4, 2, 5, 0.3], [1e6 + 3, 1e6 - 7, 30, 12, -1.1], [0, 0, 2, 1, 0.7], [2, 1, 4, 3, 1.2]])
    q = np.array([[3, 4, 2, 5, 0.3], [1e6 + 9, 1e6 - 1, 25, 14, -0.8], [300, -200, 1, 2, -0.4], [2.5, 1.2, 3, 3.5, 0.2]])
    for fun in ("none", "log1p"):
        def fn(reduction, pred, target, fun=fun):
            return gwd_formula(pred, target, "xywha", fun, 1.0, reduction)

        ref.case(f"special xywha fun={fun}", fn, {"pred": f32(c), "target": f32(q)},
                 params={"box-format": "xywha", "fun": fun})
    return check_finite(ref)


# ---------------------------------------------------------------- wasserstein-gaussian

def covariances(r, n, d, spread=1.0):
    b = r.normal(0, 1, (n, d, d))
    s = b @ b.transpose(0, 2, 1) / d * spread + 0.5 * np.eye(d)
    return f32(s)


def sqrtm_eps(s, eps):
    lam, u = torch.linalg.eigh(s)
    return u @ torch.diag_embed(torch.sqrt(torch.clamp(lam, min=0) + eps)) @ u.transpose(-1, -2)


def wasserstein_formula(pm, pc, tm, tc, eps, reduction):
    pm, pc, tm, tc = pm.double(), pc.double(), tm.double(), tc.double()
    sp = (pc + pc.transpose(-1, -2)) / 2
    st = (tc + tc.transpose(-1, -2)) / 2
    p = sqrtm_eps(sp, eps)
    m = p @ st @ p
    m = (m + m.transpose(-1, -2)) / 2
    roots = torch.sqrt(torch.clamp(torch.linalg.eigvalsh(m), min=0) + eps).sum(-1)
    tr = torch.diagonal(sp, dim1=-2, dim2=-1).sum(-1) + torch.diagonal(st, dim1=-2, dim2=-1).sum(-1)
    return _reduce(((pm - tm) ** 2).sum(-1) + tr - 2 * roots, reduction)


def wasserstein_gaussian():
    ref = Reference("wasserstein-gaussian", "formula-in-pytorch",
                    "|m_p - m_t|^2 + Tr S_p + Tr S_t - 2 Tr sqrt(S_p^1/2 S_t S_p^1/2), torch.linalg.eigh (float64)")
    grad = ("pred-mean", "pred-cov")
    for d, n, eps in ((2, 7, None), (3, 9, None), (4, 5, 1e-3), (1, 6, None)):
        r = rng(300 + d)
        inputs = {"pred-mean": f32(r.normal(0, 2, (n, d))), "pred-cov": covariances(r, n, d),
                  "target-mean": f32(r.normal(0, 2, (n, d))), "target-cov": covariances(r, n, d, 3.0)}
        e = 1e-7 if eps is None else eps

        def fn(reduction, e=e, **t):
            return wasserstein_formula(t["pred-mean"], t["pred-cov"], t["target-mean"], t["target-cov"], e, reduction)

        ref.case(f"random d={d} eps={eps or 'default'}", fn, inputs, grad=grad,
                 params={} if eps is None else {"eps": eps})
    # A singular pred covariance (distinct eigenvalues), large means, a target much wider than pred.
    pc = f32([[[2, 0], [0, 0]], [[1, 1], [1, 1]], [[1e-2, 0], [0, 4e-2]]])
    tc = f32([[[1, 0.3], [0.3, 2]], [[2, -0.5], [-0.5, 1]], [[400, 30], [30, 200]]])
    inputs = {"pred-mean": f32([[0, 0], [1000, -1000], [3, 4]]), "pred-cov": pc,
              "target-mean": f32([[1, 1], [999, -998], [3, 4]]), "target-cov": tc}

    def special(reduction, **t):
        return wasserstein_formula(t["pred-mean"], t["pred-cov"], t["target-mean"], t["target-cov"], 1e-7, reduction)

    ref.case("singular pred, large means, wide target", special, inputs, grad=grad)
    return check_finite(ref)


# ---------------------------------------------------------------- mahalanobis

def mahalanobis_formula(x, mu, cov, squared, reduction):
    x, mu, cov = x.double(), mu.double(), cov.double()
    s = (cov + cov.transpose(-1, -2)) / 2
    l = torch.linalg.cholesky(s)
    r = (x - mu).unsqueeze(-1)
    if l.dim() == 2:
        l = l.expand(x.shape[0], -1, -1)
    z = torch.linalg.solve_triangular(l, r, upper=False)
    q = (z ** 2).sum((-1, -2))
    return _reduce(q if squared else torch.sqrt(q), reduction)


def mahalanobis():
    ref = Reference("mahalanobis", "formula-in-pytorch",
                    "(x - mu)^T S^-1 (x - mu) by torch.linalg.cholesky and solve_triangular (float64)")
    for d, n, shared in ((4, 9, False), (2, 7, True), (8, 5, False), (1, 6, True)):
        r = rng(400 + d)
        x, mu = f32(r.normal(0, 2, (n, d))), f32(r.normal(0, 1, (n, d)))
        cov = covariances(r, 1, d)[0] if shared else covariances(r, n, d)
        for squared in (True, False):
            def fn(reduction, pred, target, cov, squared=squared):
                return mahalanobis_formula(pred, target, cov, squared, reduction)

            ref.case(f"random d={d} {'shared' if shared else 'per-sample'} squared={squared}", fn,
                     {"pred": x, "target": mu, "cov": cov}, params={"squared": squared})
    # Large residuals and an ill-conditioned covariance; squared only (sqrt has no torch gradient at x = mu).
    x = f32([[1000, -1000], [0, 0], [1e-3, 2e-3]])
    mu = f32([[0, 0], [0, 0], [0, 0]])
    cov = f32([[[1, 0.999], [0.999, 1]], [[1e4, 0], [0, 1e-4]], [[2, 0.5], [0.5, 1]]])

    def special(reduction, pred, target, cov):
        return mahalanobis_formula(pred, target, cov, True, reduction)

    ref.case("large, at the mean, ill-conditioned", special, {"pred": x, "target": mu, "cov": cov})
    return check_finite(ref)


# ---------------------------------------------------------------- temporal-consistency

def temporal_formula(pred, beta, reduction):
    p = pred.double()
    diff = p[..., 1:, :] - p[..., :-1, :]
    return F.smooth_l1_loss(diff, torch.zeros_like(diff), beta=beta, reduction=reduction)


def track(r, frames, step=0.8):
    x, y = r.uniform(0, 10, 2)
    w, h = r.uniform(2, 5, 2)
    out = []
    for _ in range(frames):
        out.append([x, y, x + w, y + h])
        x, y = x + step * r.normal(), y + step * r.normal()
        w, h = max(0.5, w + 0.4 * r.normal()), max(0.5, h + 0.4 * r.normal())
    return f32(out)


def temporal_consistency():
    ref = Reference("temporal-consistency", "formula-in-pytorch",
                    "torch.nn.functional.smooth_l1_loss(pred[..., 1:, :] - pred[..., :-1, :], 0, beta) (float64)")
    r = rng(500)
    single = track(r, 12)
    batch = np.stack([track(r, 7) for _ in range(3)])
    jumps = track(r, 6, step=1000.0)
    for beta in (1.0, 0.5, 3.0, 0.0):
        def fn(reduction, pred, beta=beta):
            return temporal_formula(pred, beta, reduction)

        params = {"beta": beta}
        ref.case(f"track (T, 4) beta={beta}", fn, {"pred": single}, params=params)
        ref.case(f"tracks (N, T, 4) beta={beta}", fn, {"pred": batch}, params=params)
        ref.case(f"large jumps beta={beta}", fn, {"pred": jumps}, params=params)
    return check_finite(ref)


ALL = [iou, giou, diou, ciou, eiou, gwd, wasserstein_gaussian, mahalanobis, temporal_consistency]
