"""Reference cases of the time-series family (catalogue section 9) and the tabular family (section 10).

Peers: torch.distributions (negative-binomial-nll, student-t-nll) and scikit-learn's tree criteria
(gini, entropy-impurity). The other losses have no peer: their catalogue formula is written here with
torch operations in float64 and differentiated by autograd ("formula-in-pytorch"), soft-dtw as a
direct dynamic program.

Run `/usr/bin/python3 timeseries.py erfcx` to print the Chebyshev coefficients of
losskit's erfc (internal/Numerics.java, ERFCX_CHEBYSHEV), computed with mpmath at 40 digits.
"""
import sys


def erfcx_chebyshev(count=28, nodes=80):
    """Coefficients c_j of g(s) = sum' c_j T_j(s) (first term halved), g(s) = erfcx(x) / t with
    t = 2 / (2 + x), s = 2 t - 1, for x >= 0."""
    import mpmath as mp
    mp.mp.dps = 40

    def g(s):
        t = (s + 1) / 2
        x = 2 / t - 2
        return mp.erfc(x) * mp.exp(x * x) / t

    xs = [mp.cos(mp.pi * (k + mp.mpf(1) / 2) / nodes) for k in range(nodes)]
    vs = [g(s) for s in xs]
    return [2 * mp.fsum(vs[k] * mp.cos(mp.pi * j * (k + mp.mpf(1) / 2) / nodes) for k in range(nodes)) / nodes
            for j in range(count)]


import math

import numpy as np
import torch
from sklearn.tree import DecisionTreeClassifier

from common import Reference, f32, i64, rng


def reduce(values, reduction):
    if reduction == "mean":
        return values.mean()
    if reduction == "sum":
        return values.sum()
    return values


# ---------------------------------------------------------------- negative-binomial-nll

def negative_binomial_nll():
    ref = Reference("negative-binomial-nll", "pytorch",
                    "-torch.distributions.NegativeBinomial(total_count=1/alpha, logits=log(alpha*mu)).log_prob(target)"
                    " in float64, i.e. probs = alpha*mu/(1+alpha*mu): mean mu, variance mu + alpha*mu^2")

    def f(reduction, pred, target, alpha):
        mu = pred.double()
        a = alpha.double()
        nb = torch.distributions.NegativeBinomial(total_count=1 / a, logits=torch.log(a * mu))
        return reduce(-nb.log_prob(target.double()), reduction)

    def counts(r, mu, spread=2.5):
        return np.floor(mu * spread * r.uniform(0, 1, mu.shape))

    grad = ("pred", "alpha")
    r = rng(91)
    mu = f32(r.uniform(0.5, 20, 23))
    alpha = f32(r.uniform(0.05, 1.5, 23))
    ref.case("random", f, {"pred": mu, "target": f32(counts(r, mu)), "alpha": alpha}, grad=grad)
    mu2 = f32(r.uniform(0.5, 20, (4, 5)))
    ref.case("integer counts (4, 5)", f,
             {"pred": mu2, "target": i64(counts(r, mu2)), "alpha": f32(r.uniform(0.05, 1.5, (4, 5)))}, grad=grad)
    ref.case("zero counts", f, {"pred": f32([1e-3, 0.4, 3, 25, 400]), "target": f32(np.zeros(5)),
                                "alpha": f32([0.5, 2, 0.01, 1, 0.2])}, grad=grad)
    mu3 = f32(r.uniform(1, 30, 9))
    ref.case("nearly Poisson (alpha 1e-4)", f,
             {"pred": mu3, "target": f32(counts(r, mu3)), "alpha": f32(np.full(9, 1e-4))}, grad=grad)
    ref.case("large dispersion and counts", f,
             {"pred": f32([50, 200, 5, 1000, 0.5]), "target": f32([0, 700, 40, 1500, 12]),
              "alpha": f32([20, 5, 8, 0.5, 30])}, grad=grad)
    ref.case("tiny means", f, {"pred": f32([1e-6, 1e-6, 1e-4, 1e-3]), "target": i64([0, 1, 2, 0]),
                               "alpha": f32([1, 0.1, 2, 50])}, grad=grad)
    return ref


# ---------------------------------------------------------------- student-t-nll

def student_t_nll():
    ref = Reference("student-t-nll", "pytorch",
                    "-torch.distributions.StudentT(df, loc=pred, scale=scale).log_prob(target) in float64")

    def fn(df):
        def f(reduction, pred, target, scale):
            t = torch.distributions.StudentT(torch.tensor(df, dtype=torch.float64), pred.double(), scale.double())
            return reduce(-t.log_prob(target.double()), reduction)
        return f

    grad = ("pred", "scale")
    r = rng(92)
    loc = f32(r.normal(0, 2, 23))
    y = f32(r.normal(0, 2, 23))
    s = f32(r.uniform(0.3, 3, 23))
    for df in (3.0, 1.0, 2.5, 30.0, 0.3):
        params = {} if df == 3.0 else {"df": df}
        ref.case(f"random, df={df}", fn(df), {"pred": loc, "target": y, "scale": s}, grad=grad, params=params)
    ref.case("outliers and small scales (3, 2)", fn(3.0),
             {"pred": f32([[0, 1], [-2, 3], [40, -0.5]]), "target": f32([[0.1, 60], [-2.5, 3], [-40, 0.5]]),
              "scale": f32([[1, 0.5], [0.01, 7], [2, 1e-3]])}, grad=grad)
    return ref


# ---------------------------------------------------------------- crps-gaussian

def crps_gaussian():
    ref = Reference("crps-gaussian", "formula-in-pytorch",
                    "sigma * (z * (2 * ndtr(z) - 1) + 2 * exp(-z^2/2) / sqrt(2 pi) - 1/sqrt(pi)), z = (target - pred)"
                    " / sigma (Gneiting et al. 2005), torch.special.ndtr, float64, autograd")

    def f(reduction, pred, target, sigma):
        mu = pred.double()
        s = sigma.double()
        z = (target.double() - mu) / s
        pdf = torch.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        crps = s * (z * (2 * torch.special.ndtr(z) - 1) + 2 * pdf - 1 / math.sqrt(math.pi))
        return reduce(crps, reduction)

    grad = ("pred", "sigma")
    r = rng(93)
    ref.case("random", f, {"pred": f32(r.normal(0, 2, 23)), "target": f32(r.normal(0, 2, 23)),
                           "sigma": f32(r.uniform(0.2, 3, 23))}, grad=grad)
    ref.case("small sigma and far targets (2, 4)", f,
             {"pred": f32([[0, 1, -2, 3], [40, -0.5, 0, 2]]), "target": f32([[0.1, 9, -2.5, 3], [-40, 0.5, 1e-3, 2]]),
              "sigma": f32([[1, 1, 0.05, 7], [10, 0.2, 1e-4, 1e-3]])}, grad=grad)
    return ref


# ---------------------------------------------------------------- crps-ensemble

def crps_ensemble():
    ref = Reference("crps-ensemble", "formula-in-pytorch",
                    "mean_m |x_m - y| - sum_{m,m'} |x_m - x_m'| / (2 M^2) (fair: 2 M (M - 1)), pairwise in float64,"
                    " autograd (subgradient 0 of |.| at 0)")

    def fn(fair):
        def f(reduction, pred, target):
            x = pred.double()
            y = target.double()
            m = x.shape[-1]
            skill = (x - y.unsqueeze(-1)).abs().mean(-1)
            spread = (x.unsqueeze(-1) - x.unsqueeze(-2)).abs().sum((-1, -2))
            crps = skill - spread / (2 * (m * (m - 1) if fair else m * m))
            return reduce(crps, reduction)
        return f

    r = rng(94)
    x = f32(r.normal(0, 1.5, (6, 8)) + r.normal(0, 0.5, (6, 1)))
    y = f32(r.normal(0, 2, 6))
    for fair in (False, True):
        params = {"fair": True} if fair else {}
        ref.case(f"random (6, 8), fair={fair}", fn(fair), {"pred": x, "target": y}, params=params)
        ref.case(f"64 members, fair={fair}", fn(fair),
                 {"pred": f32(r.normal(0, 1, (3, 64))), "target": f32(r.normal(0, 1, 3))}, params=params)
        ref.case(f"unbatched (5), fair={fair}", fn(fair),
                 {"pred": f32(r.normal(0, 1, 5)), "target": f32(0.3)}, params=params)
        ref.case(f"ties and members equal to the target, fair={fair}", fn(fair),
                 {"pred": f32([[3, 6, 3, 1, 3], [0, 0, 0, 0, 0], [2, 2, -1, -1, 5]]), "target": f32([3, 0, 2])},
                 params=params)
    ref.case("one member", fn(False), {"pred": f32(r.normal(0, 1, (4, 1))), "target": f32(r.normal(0, 1, 4))})
    return ref


# ---------------------------------------------------------------- soft-dtw

def soft_dtw_value(x, y, gamma):
    """The dynamic program of Cuturi and Blondel (2017), Algorithm 1, for one pair of (T, D) series."""
    t, t2 = x.shape[0], y.shape[0]
    cost = ((x.unsqueeze(1) - y.unsqueeze(0)) ** 2).sum(-1)
    inf = torch.tensor(float("inf"), dtype=torch.float64)
    r = [[inf] * (t2 + 1) for _ in range(t + 1)]
    r[0][0] = torch.tensor(0.0, dtype=torch.float64)
    for i in range(1, t + 1):
        for j in range(1, t2 + 1):
            prev = torch.stack([r[i - 1][j - 1], r[i - 1][j], r[i][j - 1]])
            r[i][j] = cost[i - 1, j - 1] - gamma * torch.logsumexp(-prev / gamma, 0)
    return r[t][t2]


def soft_dtw():
    ref = Reference("soft-dtw", "formula-in-pytorch",
                    "the soft-DTW recursion of Cuturi and Blondel (2017), Algorithm 1, with squared Euclidean cost,"
                    " written as a direct dynamic program in torch float64 and differentiated by autograd;"
                    " normalize: sdtw(x, y) - (sdtw(x, x) + sdtw(y, y)) / 2")

    def fn(gamma, normalize):
        def f(reduction, pred, target):
            x = pred.double()
            y = target.double()
            out = []
            for n in range(x.shape[0]):
                v = soft_dtw_value(x[n], y[n], gamma)
                if normalize:
                    v = v - (soft_dtw_value(x[n], x[n], gamma) + soft_dtw_value(y[n], y[n], gamma)) / 2
                out.append(v)
            return reduce(torch.stack(out), reduction)
        return f

    r = rng(95)
    x = f32(r.normal(0, 1, (3, 5, 2)))
    y = f32(r.normal(0, 1, (3, 4, 2)))
    for gamma, normalize in ((1.0, False), (0.1, False), (10.0, False), (1.0, True), (0.5, True)):
        params = {}
        if gamma != 1.0:
            params["gamma"] = gamma
        if normalize:
            params["normalize"] = True
        ref.case(f"random (3, 5, 2) vs (3, 4, 2), gamma={gamma}, normalize={normalize}", fn(gamma, normalize),
                 {"pred": x, "target": y}, params=params)
    ref.case("one-step series", fn(1.0, False), {"pred": f32(r.normal(0, 1, (2, 1, 3))),
                                                 "target": f32(r.normal(0, 1, (2, 6, 3)))})
    t = np.arange(12)
    ref.case("shifted sine, 12 vs 9 steps, gamma=0.1", fn(0.1, False),
             {"pred": f32(np.sin(0.5 * t)).reshape(1, 12, 1), "target": f32(np.sin(0.5 * np.arange(9) + 1)).reshape(1, 9, 1)},
             params={"gamma": 0.1})
    return ref


# ---------------------------------------------------------------- interval-score

def interval_score():
    ref = Reference("interval-score", "formula-in-pytorch",
                    "(u - l) + (2/alpha) (l - y) [y < l] + (2/alpha) (y - u) [y > u] (Gneiting and Raftery 2007),"
                    " torch float64, autograd")

    def fn(alpha):
        def f(reduction, pred, target, upper):
            lo = pred.double()
            hi = upper.double()
            y = target.double()
            s = (hi - lo) + (2 / alpha) * (lo - y) * (y < lo) + (2 / alpha) * (y - hi) * (y > hi)
            return reduce(s, reduction)
        return f

    grad = ("pred", "upper")
    r = rng(96)
    y = r.normal(0, 2, 23)
    a = r.uniform(0.05, 1.5, 23)
    b = r.uniform(0.05, 1.5, 23)
    side = r.integers(0, 3, 23)
    lo = np.where(side == 0, y + a, np.where(side == 1, y - a, y - a - b))
    hi = np.where(side == 0, y + a + b, np.where(side == 1, y + b, y - a))
    for alpha in (0.1, 0.5, 0.01):
        params = {} if alpha == 0.1 else {"alpha": alpha}
        ref.case(f"random, alpha={alpha}", fn(alpha), {"pred": f32(lo), "target": f32(y), "upper": f32(hi)},
                 grad=grad, params=params)
    ref.case("zero width and targets on the bounds (2, 3)", fn(0.2),
             {"pred": f32([[1, 1, 1], [2, -3, 0]]), "target": f32([[0.5, 1, 3], [2, 4, 0]]),
              "upper": f32([[3, 3, 3], [2, -3, 0]])}, grad=grad, params={"alpha": 0.2})
    return ref


# ---------------------------------------------------------------- gini, entropy-impurity

def _tree_nodes(criterion, seed, classes, n=300):
    """Counts and impurities of the three nodes of a depth-1 tree fitted to random labelled data."""
    r = rng(seed)
    x = r.normal(0, 1, (n, 3))
    y = np.clip(np.floor((x[:, 0] + r.normal(0, 0.8, n)) * classes / 4 + classes / 2), 0, classes - 1).astype(int)
    tree = DecisionTreeClassifier(max_depth=1, criterion=criterion, random_state=0).fit(x, y)
    counts = tree.tree_.value[:, 0, :]
    assert np.all(counts == np.round(counts)), "sklearn 1.2 stores counts in tree_.value"
    return i64(np.round(counts)), tree.tree_.impurity.copy()


def _weighted_root(criterion, p):
    """The root impurity of a tree fitted to one sample per class, weighted by p."""
    c = p.shape[0]
    tree = DecisionTreeClassifier(max_depth=1, criterion=criterion).fit(
        np.arange(c, dtype=float).reshape(-1, 1), np.arange(c), sample_weight=p.astype(np.float64))
    return tree.tree_.impurity[0]


def _impurity(loss_id, criterion, formula):
    ref = Reference(loss_id, "scikit-learn",
                    f"sklearn.tree.DecisionTreeClassifier(max_depth=1, criterion='{criterion}'): tree_.impurity of the"
                    " nodes whose class counts are tree_.value; probability rows: the root impurity of a tree fitted"
                    " to one sample per class weighted by p (values), gradients of the formula in torch float64")

    def sklearn_values(values):
        def f(reduction, pred):
            return reduce(torch.tensor(values, dtype=torch.float64), reduction)
        return f

    for seed, classes in ((1, 2), (2, 3), (3, 5)):
        counts, impurity = _tree_nodes(criterion, seed, classes)
        ours = formula(torch.tensor(counts / counts.sum(1, keepdims=True), dtype=torch.float64)).numpy()
        np.testing.assert_allclose(ours, impurity, rtol=1e-12, atol=1e-15)
        ref.case(f"depth-1 tree nodes, {classes} classes", sklearn_values(impurity), {"pred": counts}, grad=())

    def probability_values(reduction, pred):
        p = pred.double()
        per_row = formula(p)
        sk = torch.tensor([_weighted_root(criterion, row) for row in pred.detach().numpy()], dtype=torch.float64)
        np.testing.assert_allclose(per_row.detach().numpy(), sk.numpy(), rtol=1e-6, atol=1e-7)
        per_row = per_row + (sk - per_row.detach())  # sklearn's value, the formula's gradient
        return reduce(per_row, reduction)

    r = rng(97)
    for classes in (2, 4, 7):
        q = r.uniform(0.05, 1, (5, classes))
        ref.case(f"probability rows, {classes} classes", probability_values,
                 {"pred": f32(q / q.sum(1, keepdims=True))})
    return ref


def gini():
    return _impurity("gini", "gini", lambda p: 1 - (p * p).sum(-1))


def entropy_impurity():
    return _impurity("entropy-impurity", "entropy",
                     lambda p: -(torch.where(p > 0, p * torch.log2(torch.where(p > 0, p, torch.ones_like(p))),
                                             torch.zeros_like(p))).sum(-1))


ALL = [negative_binomial_nll, student_t_nll, crps_gaussian, crps_ensemble, soft_dtw, interval_score, gini,
       entropy_impurity]

if __name__ == "__main__" and sys.argv[1:] == ["erfcx"]:
    import mpmath as mp
    for c in erfcx_chebyshev():
        print(mp.nstr(c, 20, strip_zeros=False, min_fixed=0, max_fixed=0) + ",")
