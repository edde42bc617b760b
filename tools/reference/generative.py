"""Reference cases of the generative family (catalogue section 8).

reconstruction is PyTorch's own mse_loss / l1_loss. No peer library has the other losses as one
call, so their catalogue definitions are written here with torch operations in float64 and
differentiated by autograd ("formula-in-pytorch"): softplus, relu, norm, l1_loss, mse_loss,
binary_cross_entropy (which clamps its logs at -100) and exp, exactly as training code writes them.

The diffusion schedule (betas, alphas, cumulative alphas, SNR and the forward process) is written
the same way and stored beside the tests of DiffusionSchedule, not as a loss reference.
"""
import json
import math
import os
import platform

import numpy as np
import torch
import torch.nn.functional as F

from common import Reference, f32, i64, rng

MEAN = ("mean",)


def _d(t):
    return t.double()


def _per_sample(t):
    """Flattens all but the first dimension: (N, ...) -> (N, D)."""
    return t.reshape(t.shape[0], -1)


def _reduce(per, reduction):
    if reduction == "none":
        return per
    return per.sum() if reduction == "sum" else per.mean()


def _away_from(a, points, margin):
    """Moves values within margin of any of the points out to the margin."""
    a = np.array(a, dtype=np.float64)
    for p in points:
        close = np.abs(a - p) < margin
        a[close] = p + np.where(a[close] >= p, margin, -margin)
    return a


# ---------------------------------------------------------------- gan-discriminator

def _discriminator(kind):
    def fn(reduction, real, fake):
        assert reduction == "mean"
        r, f = _d(real), _d(fake)
        if kind == "minimax":
            return F.softplus(-r).mean() + F.softplus(f).mean()
        if kind == "least-squares":
            return (((r - 1) ** 2).mean() + (f ** 2).mean()) / 2
        if kind == "wasserstein":
            return f.mean() - r.mean()
        return F.relu(1 - r).mean() + F.relu(1 + f).mean()
    return fn


def gan_discriminator():
    ref = Reference("gan-discriminator", "formula-in-pytorch",
                    "minimax: softplus(-r).mean() + softplus(f).mean(); least-squares: (((r - 1) ** 2).mean()"
                    " + (f ** 2).mean()) / 2; wasserstein: f.mean() - r.mean(); hinge: relu(1 - r).mean()"
                    " + relu(1 + f).mean()")
    r = rng(801)
    real = f32(_away_from(r.normal(0.5, 2, (9, 1)), (1, -1), 0.05))
    fake = f32(_away_from(r.normal(-0.5, 2, (5, 1)), (1, -1), 0.05))
    patch_real = f32(_away_from(r.normal(0, 2, (2, 1, 3, 3)), (1, -1), 0.05))
    patch_fake = f32(_away_from(r.normal(0, 2, (3, 1, 3, 3)), (1, -1), 0.05))
    big_real = f32([1000, -1000, 0.5, 3])
    big_fake = f32([-1000, 1000, -0.25])
    for kind in ("minimax", "least-squares", "wasserstein", "hinge"):
        p = {"kind": kind}
        ref.case(f"{kind}, batches of 9 and 5", _discriminator(kind), {"real": real, "fake": fake},
                 grad=("real", "fake"), params=p, reductions=MEAN)
        ref.case(f"{kind}, PatchGAN maps", _discriminator(kind), {"real": patch_real, "fake": patch_fake},
                 grad=("real", "fake"), params=p, reductions=MEAN)
        ref.case(f"{kind}, logits of +/-1000", _discriminator(kind), {"real": big_real, "fake": big_fake},
                 grad=("real", "fake"), params=p, reductions=MEAN)
    return ref


# ---------------------------------------------------------------- gan-generator

def _generator(kind):
    def fn(reduction, fake):
        f = _d(fake)
        if kind == "non-saturating":
            per = F.softplus(-f)
        elif kind == "minimax":
            per = -F.softplus(f)
        elif kind == "least-squares":
            per = (f - 1) ** 2 / 2
        else:
            per = -f
        return _reduce(per, reduction)
    return fn


def gan_generator():
    ref = Reference("gan-generator", "formula-in-pytorch",
                    "non-saturating: softplus(-f); minimax: -softplus(f); least-squares: (f - 1) ** 2 / 2;"
                    " wasserstein, hinge: -f; mean over elements")
    r = rng(802)
    fake = f32(r.normal(0, 2, (7, 1)))
    patch = f32(r.normal(0, 2, (2, 1, 3, 3)))
    big = f32([1000, -1000, 0, 2.5, -30])
    for kind in ("non-saturating", "minimax", "least-squares", "wasserstein", "hinge"):
        p = {"kind": kind}
        ref.case(f"{kind}, random", _generator(kind), {"fake": fake}, grad=("fake",), params=p)
        ref.case(f"{kind}, PatchGAN map", _generator(kind), {"fake": patch}, grad=("fake",), params=p)
        ref.case(f"{kind}, logits of +/-1000", _generator(kind), {"fake": big}, grad=("fake",), params=p)
    return ref


# ---------------------------------------------------------------- gradient-penalty

def _penalty(kind, lam):
    def fn(reduction, pred):
        norm = _per_sample(_d(pred)).norm(2, dim=1)
        per = lam * (norm - 1) ** 2 if kind == "wgan-gp" else lam / 2 * norm ** 2
        return _reduce(per, reduction)
    return fn


def gradient_penalty():
    ref = Reference("gradient-penalty", "formula-in-pytorch",
                    "wgan-gp: lambda * (g.flatten(1).norm(2, dim=1) - 1) ** 2; r1: lambda / 2 *"
                    " g.flatten(1).norm(2, dim=1) ** 2; mean over samples")
    r = rng(803)
    images = f32(r.normal(0, 0.3, (4, 3, 2, 2)))
    rows = f32(r.normal(0, 0.7, (5, 3)))
    with_zero = f32([[0, 0, 0], [0.6, -0.8, 0], [1, 2, 2]])
    for kind, lam in (("wgan-gp", 10), ("r1", 10), ("wgan-gp", 0.5), ("r1", 2.5)):
        p = {"kind": kind, "lambda": lam}
        ref.case(f"{kind}, lambda {lam}, image gradients", _penalty(kind, lam), {"pred": images}, params=p)
        ref.case(f"{kind}, lambda {lam}, rows", _penalty(kind, lam), {"pred": rows}, params=p)
        ref.case(f"{kind}, lambda {lam}, zero and unit norms", _penalty(kind, lam), {"pred": with_zero},
                 params=p)
    ref.case("wgan-gp, large gradients", _penalty("wgan-gp", 10), {"pred": f32(rows * 1000)},
             params={"kind": "wgan-gp", "lambda": 10})
    return ref


# ---------------------------------------------------------------- cycle-consistency

def _cycle(lam):
    def fn(reduction, **t):
        assert reduction == "mean"
        return lam * (F.l1_loss(_d(t["cycled-a"]), _d(t["real-a"]))
                      + F.l1_loss(_d(t["cycled-b"]), _d(t["real-b"])))
    return fn


def _cycled(r, real, lo=0.05, hi=1.0):
    d = r.uniform(lo, hi, real.shape) * r.choice([-1, 1], real.shape)
    return f32(real + d)


def cycle_consistency():
    ref = Reference("cycle-consistency", "formula-in-pytorch",
                    "lambda * (F.l1_loss(cycled_a, real_a) + F.l1_loss(cycled_b, real_b))")
    r = rng(804)
    ra = f32(r.normal(0, 1, (2, 3, 4, 4)))
    rb = f32(r.normal(0, 1, (3, 3, 4, 4)))
    ca, cb = _cycled(r, ra), _cycled(r, rb)
    for lam in (1.0, 10.0, 0.0):
        ref.case(f"images, lambda {lam}", _cycle(lam),
                 {"cycled-a": ca, "real-a": ra, "cycled-b": cb, "real-b": rb},
                 grad=("cycled-a", "cycled-b"), params={"lambda": lam}, reductions=MEAN)
    ra2 = f32(r.normal(0, 1, 5))
    rb2 = f32(r.normal(0, 1, (2, 2)))
    ref.case("1-D and 2-D, large differences", _cycle(1.0),
             {"cycled-a": f32(ra2 * 1000 + 1), "real-a": ra2, "cycled-b": _cycled(r, rb2), "real-b": rb2},
             grad=("cycled-a", "cycled-b"), params={"lambda": 1.0}, reductions=MEAN)
    return ref


# ---------------------------------------------------------------- reconstruction

def reconstruction():
    ref = Reference("reconstruction", "pytorch", "torch.nn.functional.mse_loss / torch.nn.functional.l1_loss")
    r = rng(805)
    x = f32(r.normal(0, 1, (2, 3, 4, 4)))
    rec = _cycled(r, x, 0.05, 2.0)
    flat = f32(r.normal(0, 1, 17))
    rec_flat = _cycled(r, flat, 0.05, 2.0)

    def mse(reduction, reconstruction, input):
        return F.mse_loss(reconstruction, input, reduction=reduction)

    def mae(reduction, reconstruction, input):
        return F.l1_loss(reconstruction, input, reduction=reduction)

    for kind, fn in (("mse", mse), ("mae", mae)):
        p = {"kind": kind}
        ref.case(f"{kind}, images", fn, {"reconstruction": rec, "input": x}, grad=("reconstruction",), params=p)
        ref.case(f"{kind}, 1-D", fn, {"reconstruction": rec_flat, "input": flat}, grad=("reconstruction",),
                 params=p)
        ref.case(f"{kind}, large residuals", fn, {"reconstruction": f32(rec_flat * 1000), "input": flat},
                 grad=("reconstruction",), params=p)
    return ref


# ---------------------------------------------------------------- vae

def _vae(kind, beta):
    def fn(reduction, reconstruction, input, mu, logvar):
        x, y, m, v = _d(reconstruction), _d(input), _d(mu), _d(logvar)
        if kind == "mse":
            rec = F.mse_loss(x, y, reduction="none")
        else:
            rec = F.binary_cross_entropy(x, y, reduction="none")
        kl = -0.5 * (1 + v - m ** 2 - v.exp())
        per = _per_sample(rec).sum(1) + beta * _per_sample(kl).sum(1)
        return _reduce(per, reduction)
    return fn


def vae():
    ref = Reference("vae", "formula-in-pytorch",
                    "per sample: F.mse_loss or F.binary_cross_entropy (reduction='none') summed over the"
                    " sample + beta * (-0.5 * (1 + logvar - mu ** 2 - logvar.exp())).sum(); mean over samples")
    r = rng(806)
    n = 4
    mu = f32(r.normal(0, 1, (n, 3)))
    logvar = f32(r.normal(0, 1, (n, 3)))
    x = f32(r.normal(0, 1, (n, 2, 3, 3)))
    rec = f32(r.normal(0, 1, (n, 2, 3, 3)))
    probs = f32(r.uniform(0.02, 0.98, (n, 2, 3, 3)))
    data = f32(r.uniform(0, 1, (n, 2, 3, 3)))
    grads = ("reconstruction", "mu", "logvar")
    for kind, beta in (("mse", 1.0), ("mse", 4.0), ("mse", 0.0), ("bce", 1.0), ("bce", 0.5)):
        p = {"kind": kind, "beta": beta}
        inputs = {"reconstruction": rec, "input": x} if kind == "mse" else {"reconstruction": probs, "input": data}
        ref.case(f"{kind}, beta {beta}", _vae(kind, beta), dict(inputs, mu=mu, logvar=logvar), grad=grads, params=p)
    # Probabilities of exactly 0 and 1 (logs clamped at -100, finite gradients), binary data.
    edge = f32([[0, 1, 0, 1, 0.5, 0.25], [1, 0, 0.99, 0.01, 0, 1]])
    binary = f32([[1, 0, 0, 1, 1, 0], [1, 0, 1, 0, 0, 1]])
    z = f32(r.normal(0, 1, (2, 2)))
    ref.case("bce, reconstructions of exactly 0 and 1", _vae("bce", 1.0),
             {"reconstruction": edge, "input": binary, "mu": z, "logvar": f32(z / 2)}, grad=grads,
             params={"kind": "bce", "beta": 1.0})
    # logvar of +/-50: exp(50) = 5.2e21 is finite in float32.
    big = f32([[50, -50, 0], [-50, 50, 1]])
    mu_big = f32([[0.5, -1000, 0], [3, 0, 1000]])
    ref.case("mse, logvar +/-50 and mu +/-1000", _vae("mse", 1.0),
             {"reconstruction": rec[:2], "input": x[:2], "mu": mu_big, "logvar": big}, grad=grads,
             params={"kind": "mse", "beta": 1.0})
    # One latent per sample, (N) shaped mu and logvar.
    ref.case("mse, 1-D latents", _vae("mse", 2.0),
             {"reconstruction": rec, "input": x, "mu": mu[:, 0].copy(), "logvar": logvar[:, 0].copy()},
             grad=grads, params={"kind": "mse", "beta": 2.0})
    return ref


# ---------------------------------------------------------------- diffusion schedule and noise-prediction

COSINE_S = 0.008


def torch_schedule(schedule, steps, beta_start=1e-4, beta_end=0.02):
    """betas, alphas, cumulative alphas and SNR in float64, as DDPM and improved DDPM define them."""
    if schedule == "linear":
        betas = torch.linspace(beta_start, beta_end, steps, dtype=torch.float64)
    else:
        u = torch.arange(steps + 1, dtype=torch.float64) / steps
        f = torch.cos((u + COSINE_S) / (1 + COSINE_S) * math.pi / 2) ** 2
        betas = torch.clamp(1 - f[1:] / f[:-1], max=0.999)
    alphas = 1 - betas
    abar = torch.cumprod(alphas, dim=0)
    snr = abar / (1 - abar)
    return betas, alphas, abar, snr


def _noise(schedule, steps, beta_start, beta_end, weighting, gamma):
    _, _, _, snr = torch_schedule(schedule, steps, beta_start, beta_end)

    def fn(reduction, pred, target, timesteps=None):
        per = _per_sample(F.mse_loss(_d(pred), _d(target), reduction="none")).mean(1)
        if weighting == "min-snr":
            s = snr[timesteps]
            per = per * torch.clamp(s, max=gamma) / s
        return _reduce(per, reduction)
    return fn


def noise_prediction():
    ref = Reference("noise-prediction", "formula-in-pytorch",
                    "F.mse_loss(pred, target, reduction='none').flatten(1).mean(1) * min(SNR_t, gamma) / SNR_t"
                    " (min-snr), SNR from torch.linspace / the cosine schedule and torch.cumprod; mean over samples")
    r = rng(807)
    n = 6
    eps = f32(r.normal(0, 1, (n, 3, 4, 4)))
    pred = f32(eps + r.normal(0, 0.5, (n, 3, 4, 4)))
    cases = [
        ("linear, no weighting, no timesteps", dict(schedule="linear", steps=1000, weighting="none"), None),
        ("linear, no weighting, timesteps given", dict(schedule="linear", steps=1000, weighting="none"),
         [0, 999, 10, 500, 3, 998]),
        ("linear, min-snr", dict(schedule="linear", steps=1000, weighting="min-snr"), [0, 999, 10, 500, 3, 998]),
        ("cosine, min-snr", dict(schedule="cosine", steps=1000, weighting="min-snr"), [0, 999, 10, 500, 3, 998]),
        ("cosine, min-snr, gamma 1", dict(schedule="cosine", steps=1000, weighting="min-snr", gamma=1.0),
         [0, 999, 100, 250, 600, 800]),
        ("linear, 50 steps, betas 1e-3 to 0.2, min-snr gamma 2",
         dict(schedule="linear", steps=50, weighting="min-snr", gamma=2.0, **{"beta-start": 1e-3, "beta-end": 0.2}),
         [0, 49, 1, 2, 25, 10]),
    ]
    for name, p, t in cases:
        fn = _noise(p["schedule"], p["steps"], p.get("beta-start", 1e-4), p.get("beta-end", 0.02),
                    p["weighting"], p.get("gamma", 5.0))
        inputs = {"pred": pred, "target": eps}
        if t is not None:
            inputs["timesteps"] = i64(t)
        ref.case(name, fn, inputs, params=p)
    flat_eps = f32(r.normal(0, 1, (5, 7)))
    ref.case("2-D, large errors, min-snr",
             _noise("linear", 1000, 1e-4, 0.02, "min-snr", 5.0),
             {"pred": f32(flat_eps * 1000), "target": flat_eps, "timesteps": i64([0, 1, 999, 998, 400])},
             params={"weighting": "min-snr"})
    return ref


class ScheduleReference:
    """The schedule's values written to the resources of DiffusionScheduleTest."""

    loss_id = "diffusion-schedule"
    OUT = os.path.join(os.path.dirname(__file__), "..", "..", "losskit-core", "src", "test", "resources",
                       "dev", "losskit", "generative", "diffusion-schedule.json")

    def __init__(self):
        self.cases = []

    def add(self, schedule, steps, beta_start, beta_end, ts, seed):
        betas, alphas, abar, snr = torch_schedule(schedule, steps, beta_start, beta_end)
        idx = torch.tensor(ts)
        r = rng(seed)
        x0 = f32(r.normal(0, 1, (len(ts), 2, 3)))
        eps = f32(r.normal(0, 1, (len(ts), 2, 3)))
        a = abar[idx].view(-1, 1, 1)
        xt = a.sqrt() * torch.tensor(x0).double() + (1 - a).sqrt() * torch.tensor(eps).double()
        self.cases.append({
            "schedule": schedule, "steps": steps, "beta-start": beta_start, "beta-end": beta_end,
            "t": ts,
            "betas": betas[idx].tolist(), "alphas": alphas[idx].tolist(),
            "cumulative-alphas": abar[idx].tolist(), "snr": snr[idx].tolist(),
            "forward": {"shape": list(x0.shape), "x0": x0.ravel().astype(np.float64).tolist(),
                        "eps": eps.ravel().astype(np.float64).tolist(), "xt": xt.numpy().ravel().tolist()},
        })

    def write(self):
        doc = {
            "what": "diffusion schedules: betas, alphas, cumulative alphas, SNR and x_t at steps t",
            "peer": "schedule formulas written with torch " + torch.__version__ + " float64 operations",
            "generator": "tools/reference/generate.py diffusion-schedule",
            "python": platform.python_version(),
            "cases": self.cases,
        }
        os.makedirs(os.path.dirname(self.OUT), exist_ok=True)
        with open(self.OUT, "w") as f:
            json.dump(doc, f, separators=(",", ":"))
            f.write("\n")
        return self.OUT


def diffusion_schedule():
    ref = ScheduleReference()
    ref.add("linear", 1000, 1e-4, 0.02, [0, 1, 2, 10, 100, 500, 998, 999], 901)
    ref.add("cosine", 1000, 1e-4, 0.02, [0, 1, 2, 10, 100, 500, 998, 999], 902)
    ref.add("linear", 10, 1e-3, 0.2, list(range(10)), 903)
    ref.add("cosine", 7, 1e-4, 0.02, list(range(7)), 904)
    ref.add("linear", 1, 0.05, 0.02, [0], 905)
    ref.add("cosine", 1, 1e-4, 0.02, [0], 906)
    return ref


ALL = [gan_discriminator, gan_generator, gradient_penalty, cycle_consistency, reconstruction, vae,
       noise_prediction, diffusion_schedule]
