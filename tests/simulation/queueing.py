"""Analytic queueing results used as expected values in the tests.

Erlang C and the M/M/c state probabilities: L. Kleinrock, *Queueing Systems* vol. 1
(Wiley, 1975), §3.5; D. Gross et al., *Fundamentals of Queueing Theory*, 4th ed.
(Wiley, 2008), §2.3.
"""

import math


def mmc_p0(c: int, lam: float, mu: float) -> float:
    a = lam / mu
    rho = a / c
    s = sum(a**n / math.factorial(n) for n in range(c))
    return 1.0 / (s + a**c / (math.factorial(c) * (1 - rho)))


def erlang_c(c: int, lam: float, mu: float) -> float:
    """Probability that an arrival waits in M/M/c."""
    a = lam / mu
    rho = a / c
    return a**c / (math.factorial(c) * (1 - rho)) * mmc_p0(c, lam, mu)


def mmc_wq(c: int, lam: float, mu: float) -> float:
    """Mean wait in queue of M/M/c: C(c, a) / (c mu - lam)."""
    return erlang_c(c, lam, mu) / (c * mu - lam)


def mmc_p_at_least(k: int, c: int, lam: float, mu: float) -> float:
    """P(N >= k) in stationary M/M/c (for k >= c)."""
    a = lam / mu
    rho = a / c
    p0 = mmc_p0(c, lam, mu)
    # p_n = a^c / c! * rho^(n-c) p0 for n >= c; sum_{n>=k} = a^c/c! p0 rho^(k-c)/(1-rho)
    return a**c / math.factorial(c) * p0 * rho ** (k - c) / (1 - rho)
