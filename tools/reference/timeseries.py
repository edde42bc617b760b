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


ALL = []

if __name__ == "__main__" and sys.argv[1:] == ["erfcx"]:
    import mpmath as mp
    for c in erfcx_chebyshev():
        print(mp.nstr(c, 20, strip_zeros=False, min_fixed=0, max_fixed=0) + ",")
