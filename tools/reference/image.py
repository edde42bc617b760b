"""Reference cases of the image quality and perceptual family (catalogue section 7).

ssim: the value of every case is scikit-image's own structural_similarity (float64); scikit-image
gives no gradients, so the gradients come from the same definition written with torch operations in
float64, whose value is first checked against scikit-image's. ms-ssim, psnr and total-variation
follow the catalogue definitions written with torch operations (their SSIM part checked against
scikit-image), as do the perceptual losses, which run the built-in feature extractor rebuilt in
torch from its closed-form weights.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F
from skimage.metrics import structural_similarity

import common
from common import Reference, f32, rng


class ImageReference(Reference):
    """A Reference whose peer may also be scikit-image."""

    def write(self):
        if self.peer != "scikit-image":
            return super().write()
        original = common.peer_version

        def version(peer):
            if peer == "scikit-image":
                import skimage
                return "scikit-image " + skimage.__version__ + ", torch " + torch.__version__
            return original(peer)

        common.peer_version = version
        try:
            return super().write()
        finally:
            common.peer_version = original


# ----------------------------------------------------------------------------------------- SSIM

def gaussian_window(win, sigma):
    k = torch.arange(win, dtype=torch.float64) - (win - 1) / 2
    g = torch.exp(-k * k / (2 * sigma * sigma))
    return g / g.sum()


def filt(x, g):
    """Valid-region separable filtering of (B, 1, H, W) by the 1-D window g."""
    win = g.numel()
    x = F.conv2d(x, g.view(1, 1, win, 1))
    return F.conv2d(x, g.view(1, 1, 1, win))


def ssim_maps(x, y, g, c1, c2):
    """SSIM and cs maps over the valid region; x, y (B, H, W) float64."""
    x = x.unsqueeze(1)
    y = y.unsqueeze(1)
    mx, my = filt(x, g), filt(y, g)
    vx = filt(x * x, g) - mx * mx
    vy = filt(y * y, g) - my * my
    vxy = filt(x * y, g) - mx * my
    cs = (2 * vxy + c2) / (vx + vy + c2)
    lum = (2 * mx * my + c1) / (mx * mx + my * my + c1)
    return (lum * cs).flatten(1), cs.flatten(1)


def ssim_per_image(pred, target, window=11, sigma=1.5, k1=0.01, k2=0.03, data_range=1.0):
    n, c, h, w = pred.shape
    g = gaussian_window(window, sigma)
    s, _ = ssim_maps(pred.double().reshape(n * c, h, w), target.double().reshape(n * c, h, w), g,
                     (k1 * data_range) ** 2, (k2 * data_range) ** 2)
    return 1 - s.mean(1).reshape(n, c).mean(1)


def skimage_ssim(pred, target, sigma, k1, k2, data_range):
    p = pred.detach().double().numpy()
    t = target.detach().double().numpy()
    return np.array([structural_similarity(t[i], p[i], gaussian_weights=True, sigma=sigma,
                                           use_sample_covariance=False, data_range=data_range,
                                           channel_axis=0, K1=k1, K2=k2)
                     for i in range(p.shape[0])])


def reduce(per, reduction):
    if reduction == "none":
        return per
    return per.sum() if reduction == "sum" else per.mean()


def images(seed, n, c, h, w, data_range=1.0, noise=0.1, levels=None):
    """A target uniform over the data range and a noisy prediction; with levels, both are rounded
    to multiples of data_range / levels (short decimal forms keep large files small)."""
    r = rng(seed)
    t = r.uniform(0, data_range, (n, c, h, w))
    p = t + noise * data_range * r.normal(0, 1, (n, c, h, w))
    if levels:
        q = data_range / levels
        t, p = np.round(t / q) * q, np.round(p / q) * q
    return f32(p), f32(t)


def ssim():
    ref = ImageReference("ssim", "scikit-image",
                         "1 - skimage.metrics.structural_similarity(gaussian_weights=True,"
                         " use_sample_covariance=False, channel_axis=0) per image (values);"
                         " gradients of the same definition in torch float64")

    def fn(window, sigma, k1, k2, data_range):
        def f(reduction, pred, target):
            per = ssim_per_image(pred, target, window, sigma, k1, k2, data_range)
            sk = torch.as_tensor(1 - skimage_ssim(pred, target, sigma, k1, k2, data_range))
            np.testing.assert_allclose(per.detach().numpy(), sk.numpy(), rtol=1e-9, atol=1e-12)
            per = per + (sk - per.detach())
            return reduce(per, reduction)
        return f

    cases = [
        ("random 1 channel", images(1, 3, 1, 16, 13), {}),
        ("random 3 channels", images(2, 2, 3, 12, 17), {}),
        ("exact window", images(3, 1, 3, 11, 11), {}),
        ("data-range 255", images(4, 2, 3, 14, 14, 255.0), {"data-range": 255.0}),
        ("window 9 sigma 1", images(5, 2, 2, 12, 15), {"window": 9, "sigma": 1.0}),
        ("window 5 sigma 0.5 k1 k2", images(6, 2, 1, 9, 8), {"window": 5, "sigma": 0.5, "k1": 0.02, "k2": 0.05}),
        ("heavy noise", images(7, 2, 1, 13, 13, 1.0, 0.5), {}),
    ]
    p, t = images(8, 1, 2, 12, 12)
    cases.append(("constant target", (p, np.full_like(t, 0.5)), {}))
    cases.append(("identical", (t, t.copy()), {}))
    for name, (p, t), params in cases:
        window = params.get("window", 11)
        sigma = params.get("sigma", 1.5)
        assert window == 2 * int(3.5 * sigma + 0.5) + 1
        ref.case(name, fn(window, sigma, params.get("k1", 0.01), params.get("k2", 0.03),
                          params.get("data-range", 1.0)),
                 {"pred": p, "target": t}, params=params)
    return ref


# -------------------------------------------------------------------------------------- MS-SSIM

MS_WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def pool_ceil(x):
    """2x2 average pooling in ceil mode (an odd last row or column averaged on its own)."""
    return F.avg_pool2d(x, 2, ceil_mode=True)


def ms_ssim_per_image(pred, target, weights=MS_WEIGHTS, window=11, sigma=1.5, data_range=1.0):
    n, c, h, w = pred.shape
    g = gaussian_window(window, sigma)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    x = pred.double().reshape(n * c, 1, h, w)
    y = target.double().reshape(n * c, 1, h, w)
    ms = torch.ones(n * c, dtype=torch.float64)
    for j, wj in enumerate(weights):
        if j > 0:
            x, y = pool_ceil(x), pool_ceil(y)
        s, cs = ssim_maps(x[:, 0], y[:, 0], g, c1, c2)
        term = (s if j == len(weights) - 1 else cs).mean(1)
        if wj != 0:
            ms = ms * torch.relu(term) ** wj
    return 1 - ms.reshape(n, c).mean(1)


def ms_ssim():
    ref = Reference("ms-ssim", "formula-in-pytorch",
                    "1 - MS-SSIM (Wang et al. 2003) in torch float64: ceil-mode 2x2 average pooling, cs at"
                    " the finer scales, SSIM at the last, relu, product of powers; mean over channels")
    # The SSIM part of the formula agrees with scikit-image.
    p, t = images(20, 2, 3, 20, 23)
    np.testing.assert_allclose(ssim_per_image(torch.tensor(p), torch.tensor(t)).numpy(),
                               1 - skimage_ssim(torch.tensor(p), torch.tensor(t), 1.5, 0.01, 0.03, 1.0),
                               rtol=1e-9)

    def fn(weights=MS_WEIGHTS, window=11, sigma=1.5, data_range=1.0):
        return lambda reduction, pred, target: reduce(
            ms_ssim_per_image(pred, target, weights, window, sigma, data_range), reduction)

    # The default pyramid needs 161 x 161 pixels: one image, one reduction, to keep the file small.
    # The default pyramid needs 161 x 161 pixels: one image, one reduction, 8-bit-like levels,
    # to keep the file small.
    ref.case("161 x 161, 1 channel", fn(), dict(zip(("pred", "target"), images(21, 1, 1, 161, 161, levels=256))),
             reductions=("mean",))
    ref.case("window 3: 2 images, 3 channels, 33 x 34", fn(window=3),
             dict(zip(("pred", "target"), images(22, 2, 3, 33, 34, levels=256))), params={"window": 3},
             reductions=("none",))
    ref.case("window 3, data-range 255", fn(window=3, data_range=255.0),
             dict(zip(("pred", "target"), images(23, 1, 1, 34, 33, 255.0, levels=256))),
             params={"window": 3, "data-range": 255.0}, reductions=("sum",))
    ref.case("3 scales, window 3, odd sides", fn((0.2, 0.3, 0.5), 3),
             dict(zip(("pred", "target"), images(24, 3, 1, 11, 13))), params={"weights": [0.2, 0.3, 0.5], "window": 3})
    ref.case("window 7 sigma 1", fn(window=7, sigma=1.0, weights=(0.3, 0.7)),
             dict(zip(("pred", "target"), images(25, 2, 2, 15, 18))),
             params={"window": 7, "sigma": 1.0, "weights": [0.3, 0.7]})
    p, t = images(26, 2, 1, 33, 35, 1.0, 0.6)
    ref.case("heavy noise, zero weight", fn((0.4, 0.0, 0.6), 5),
             {"pred": p, "target": t}, params={"weights": [0.4, 0.0, 0.6], "window": 5})
    return ref


# ----------------------------------------------------------------------------------------- PSNR

def psnr():
    ref = Reference("psnr", "formula-in-pytorch",
                    "-10 log10(data_range^2 / mse) per image in torch (kornia psnr_loss of each image)")

    def fn(data_range=1.0):
        def f(reduction, pred, target):
            mse = ((pred.double() - target.double()) ** 2).flatten(1).mean(1)
            return reduce(-10 * torch.log10(data_range ** 2 / mse), reduction)
        return f

    ref.case("random", fn(), dict(zip(("pred", "target"), images(30, 3, 3, 8, 7))))
    ref.case("one pixel", fn(), dict(zip(("pred", "target"), images(31, 2, 1, 1, 1))))
    ref.case("data-range 255", fn(255.0), dict(zip(("pred", "target"), images(32, 2, 1, 5, 6, 255.0))),
             params={"data-range": 255.0})
    ref.case("large errors", fn(), dict(zip(("pred", "target"), images(33, 2, 2, 4, 4, 1.0, 1000.0))))
    return ref


# ------------------------------------------------------------------------------ total variation

def total_variation():
    ref = Reference("total-variation", "formula-in-pytorch",
                    "sums of neighbour differences per image in torch (anisotropic: kornia total_variation)")

    def fn(kind, eps=1e-8):
        def f(reduction, pred):
            x = pred.double()
            dy = x[:, :, 1:, :] - x[:, :, :-1, :]
            dx = x[:, :, :, 1:] - x[:, :, :, :-1]
            if kind == "anisotropic":
                per = dy.abs().sum((1, 2, 3)) + dx.abs().sum((1, 2, 3))
            elif kind == "squared":
                per = (dy ** 2).sum((1, 2, 3)) + (dx ** 2).sum((1, 2, 3))
            else:
                per = torch.sqrt(dy[:, :, :, :-1] ** 2 + dx[:, :, :-1, :] ** 2 + eps).sum((1, 2, 3))
            return reduce(per, reduction)
        return f

    r = rng(40)
    x = f32(r.normal(0, 1, (3, 2, 7, 9)))
    for kind in ("anisotropic", "isotropic", "squared"):
        ref.case(kind, fn(kind), {"pred": x}, params={} if kind == "anisotropic" else {"kind": kind})
    ref.case("isotropic eps 0.01", fn("isotropic", 0.01), {"pred": f32(r.normal(0, 1, (2, 3, 6, 5)))},
             params={"kind": "isotropic", "eps": 0.01})
    ref.case("one row", fn("anisotropic"), {"pred": f32(r.normal(0, 1, (2, 1, 1, 8)))})
    ref.case("3 channels, 255 scale", fn("squared"), {"pred": f32(r.uniform(0, 255, (2, 3, 5, 5)))},
             params={"kind": "squared"})
    return ref


# ------------------------------------------------------------------------- feature extractor

FILTERS = [np.array(f, dtype=np.float64) / d for f, d in (
    ([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 16),
    ([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], 8),
    ([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], 8),
    ([[0, 1, 0], [1, -4, 1], [0, 1, 0]], 4))]


def builtin_weights(cin):
    """weight[k][c] = (-1)^s F_j cos(pi (j mod cin)(c + 1/2) / cin) / cin, k = 2 j + s."""
    w = np.zeros((8, cin, 3, 3))
    for k in range(8):
        j, s = divmod(k, 2)
        for c in range(cin):
            w[k, c] = (-1) ** s * FILTERS[j] * math.cos(math.pi * (j % cin) * (c + 0.5) / cin) / cin
    return torch.tensor(w)


def builtin_features(x, deepest=3):
    """The built-in extractor in torch: conv 3x3 (padding 1, no bias), softplus, 2x2 average pooling."""
    out, h = [], x.double()
    for l in range(deepest):
        if l > 0:
            h = F.avg_pool2d(h, 2)
        h = F.softplus(F.conv2d(h, builtin_weights(h.shape[1]), padding=1))
        out.append(h)
    return out


def feature_fn(term, layers=(1, 2, 3), weights=None, precomputed=False):
    """reduction, pred, target -> the weighted sum over layers of term(fp, ft) per image."""
    if weights is None:
        weights = [1.0 / len(layers)] * len(layers)

    def f(reduction, pred, target):
        if precomputed:
            per = term(pred.double(), target.double())
        else:
            fp = builtin_features(pred, max(layers))
            ft = builtin_features(target, max(layers))
            per = sum(w * term(fp[l - 1], ft[l - 1]) for l, w in zip(layers, weights))
        return reduce(per, reduction)
    return f


def mse_term(a, b):
    return ((a - b) ** 2).flatten(1).mean(1)


def gram(f):
    n, c, h, w = f.shape
    m = f.reshape(n, c, h * w)
    return m @ m.transpose(1, 2) / (c * h * w)


def gram_term(a, b):
    return ((gram(a) - gram(b)) ** 2).flatten(1).mean(1)


def l1_term(a, b):
    return (a - b).abs().flatten(1).mean(1)


def context_term(bandwidth=0.5, eps=1e-5):
    def term(a, b):
        out = []
        for x, y in zip(a.flatten(2), b.flatten(2)):  # (C, M) each
            mu = y.mean(1, keepdim=True)
            xn = F.normalize(x - mu, dim=0)
            yn = F.normalize(y - mu, dim=0)
            d = 1 - xn.t() @ yn  # d[i, j]: pred position i, target position j
            dt = d / (d.min(1, keepdim=True)[0] + eps)
            cx = torch.softmax((1 - dt) / bandwidth, dim=1)
            out.append(-torch.log(cx.max(0)[0].mean()))
        return torch.stack(out)
    return term


def feature_pairs(seed, n, c, h, w, scale=1.0):
    r = rng(seed)
    return {"pred": f32(r.uniform(0, scale, (n, c, h, w))), "target": f32(r.uniform(0, scale, (n, c, h, w)))}


def feature_cases(ref, term_for, weighted=True, scale=1.0):
    """The cases every feature loss shares: images through the built-in extractor, layer and weight
    choices, precomputed maps. Images span [0, scale): 255 keeps the small terms of the deeper layers
    (Gram matrices especially) well above the comparison's absolute floor."""
    default = (1.0, 1.0, 1.0) if weighted else None  # weights 1 each, or the mean over layers
    ref.case("3 channels, 8 x 7", feature_fn(term_for(), weights=default), feature_pairs(50, 2, 3, 8, 7, scale))
    ref.case("1 channel, 9 x 6", feature_fn(term_for(), weights=default), feature_pairs(51, 3, 1, 9, 6, scale))
    ref.case("smallest, 4 x 4", feature_fn(term_for(), weights=default), feature_pairs(52, 1, 3, 4, 4, scale))
    if weighted:
        ref.case("layers 1 and 3 weighted", feature_fn(term_for(), (1, 3), (2.0, 0.25)),
                 feature_pairs(53, 2, 3, 8, 8, scale), params={"layers": [1, 3], "weights": [2.0, 0.25]})
        ref.case("layer 2", feature_fn(term_for(), (2,), (0.5,)), feature_pairs(54, 2, 2, 6, 9, scale),
                 params={"layers": [2], "weights": [0.5]})
    else:
        ref.case("layers 3 and 2", feature_fn(term_for(), (3, 2)), feature_pairs(53, 2, 3, 8, 8, scale),
                 params={"layers": [3, 2]})
        ref.case("layer 1", feature_fn(term_for(), (1,)), feature_pairs(54, 2, 2, 6, 9, scale), params={"layers": [1]})
    r = rng(55)
    ref.case("precomputed maps", feature_fn(term_for(), precomputed=True),
             {"pred": f32(r.normal(0, 1, (2, 4, 5, 3))), "target": f32(r.normal(0, 1, (2, 4, 5, 3)))},
             params={"features": "precomputed"})
    return ref


def perceptual():
    ref = Reference("perceptual", "formula-in-pytorch",
                    "sum_l w_l mse(phi_l(pred), phi_l(target)) per image; phi: the built-in extractor in torch")
    return feature_cases(ref, lambda: mse_term, scale=255.0)


def style():
    ref = Reference("style", "formula-in-pytorch",
                    "sum_l w_l mse(gram(phi_l(pred)), gram(phi_l(target))) per image, gram = F F^T / (C H W)")
    return feature_cases(ref, lambda: gram_term, scale=255.0)


def feature_matching():
    ref = Reference("feature-matching", "formula-in-pytorch",
                    "mean over layers of l1(phi_l(fake), phi_l(real)) per image; phi: the built-in extractor")
    return feature_cases(ref, lambda: l1_term, weighted=False, scale=255.0)


def context():
    ref = Reference("context", "formula-in-pytorch",
                    "contextual loss (Mechrez et al. 2018) per image and layer in torch: centred cosine"
                    " distances, relative distances, softmax over target positions, max over predicted"
                    " positions, mean, -log")
    feature_cases(ref, context_term)
    r = rng(56)
    ref.case("bandwidth 0.1, eps 1e-3, precomputed", feature_fn(context_term(0.1, 1e-3), precomputed=True),
             {"pred": f32(r.normal(0, 1, (2, 6, 4, 4))), "target": f32(r.normal(0, 1, (2, 6, 4, 4)))},
             params={"features": "precomputed", "bandwidth": 0.1, "eps": 1e-3})
    ref.case("bandwidth 1", feature_fn(context_term(1.0), weights=(1.0, 1.0, 1.0)), feature_pairs(57, 1, 3, 7, 7),
             params={"bandwidth": 1.0})
    return ref


ALL = [ssim, ms_ssim, psnr, total_variation, perceptual, style, feature_matching, context]
