#!/usr/bin/env python3
"""erlang_ref.py - an independent reference for Erlang C and Erlang A.

Writes a table the cmocka program test_erlang compares the C code with:
  C  a aht t target n_req sl(n_req) sl(n_req-1) tie
  CS n a aht t sl
  A  a aht patience t target n_req sl(n_req) sl(n_req-1) tie
  AS n a aht patience t sl
(sl as 0..1; tie = 1 when a service level lies within 1e-9 of the target,
so the required agents are not judged there).

Erlang C: the textbook sums a^k/k! in 60-digit decimal arithmetic.
Erlang A (M/M/n+M): the queue's states from the birth-death chain, summed
term by term; the callers answered within T from the wait density
n mu pi_n exp(y (1 - e^(-th v)) - n mu v), integrated by adaptive Simpson.
A few small cases check that density against a third method: the tagged
caller's position followed as a Markov chain (uniformisation).
Standard library only."""
import math
import sys
from decimal import Decimal, getcontext

getcontext().prec = 60


def erlang_c_table(a, aht, t, targets):
    """Yields (target, n_req, sl(n_req), sl(n_req-1)) for Erlang C."""
    A = Decimal(a)
    r = Decimal(t) / Decimal(aht)
    term, below = Decimal(1), Decimal(0)     # a^k/k!, sum_{k<n}
    n = 0
    sls = {}

    def sl_at(n, term_n, below_n):
        if n <= A:
            return Decimal(0)
        top = term_n * n / (n - A)
        c = top / (below_n + top)
        return 1 - c * (-(n - A) * r).exp()

    lim = int(a + 100 + 20 * math.sqrt(a)) + 1
    while n < lim:
        below += term
        n += 1
        term = term * A / n
        sls[n] = sl_at(n, term, below)
    out = []
    for target in targets:
        tg = Decimal(target) / 100
        req = next(k for k in sorted(sls) if k > A and sls[k] >= tg)
        prev = sls.get(req - 1, Decimal(0))
        tie = abs(sls[req] - tg) < Decimal("1e-9") or abs(prev - tg) < Decimal("1e-9")
        out.append((target, req, float(sls[req]), float(prev), int(tie)))
    return out, sls


def log_add(p, q):
    hi, lo = max(p, q), min(p, q)
    if lo == -math.inf:
        return hi
    return hi + math.log1p(math.exp(lo - hi))


_prefix = {}


def log_inv_b(n, a):
    """log(1/B(n, a)) = log(sum_{k<=n} a^k/k!) - log(a^n/n!), the sums kept per a."""
    la = math.log(a)
    p = _prefix.setdefault(a, [])
    while len(p) <= n:
        k = len(p)
        p.append(log_add(p[-1] if p else -math.inf, k * la - math.lgamma(k + 1)))
    return p[n] - (n * la - math.lgamma(n + 1))


def simpson(f, lo, hi, tol, depth=60):
    """Adaptive Simpson of f on [lo, hi]."""
    def rec(a, b, fa, fm, fb, whole, depth):
        m = (a + b) / 2
        lm, rm = (a + m) / 2, (m + b) / 2
        flm, frm = f(lm), f(rm)
        left = (m - a) / 6 * (fa + 4 * flm + fm)
        right = (b - m) / 6 * (fm + 4 * frm + fb)
        if depth <= 0 or abs(left + right - whole) <= 15 * tol:
            return left + right + (left + right - whole) / 15
        return rec(a, m, fa, flm, fm, left, depth - 1) + rec(m, b, fm, frm, fb, right, depth - 1)
    fa, fb, fm = f(lo), f(hi), f((lo + hi) / 2)
    return rec(lo, hi, fa, fm, fb, (hi - lo) / 6 * (fa + 4 * fm + fb), depth)


def erlang_a_sl(n, a, aht, pat, t):
    """Share of calls answered within t, M/M/n+M."""
    if a == 0:
        return 1.0
    if n == 0:
        return 0.0
    mu, th = 1.0 / aht, 1.0 / pat
    lam = a * mu
    # the queue: sum_j prod_{i<=j} lam/(n mu + i th), in logs
    terms, lt, j, top = [0.0], 0.0, 0, 0.0
    while True:
        j += 1
        lt += math.log(lam / (n * mu + j * th))
        terms.append(lt)
        top = max(top, lt)
        if lam < n * mu + j * th and lt < top - 45:
            break
    lw = top + math.log(math.fsum(math.exp(x - top) for x in terms))
    lodds = math.log(math.expm1(log_inv_b(n, a)))        # (1-B)/B = sum_{k<n} pi_k / pi_n
    # answered within t, relative to pi_n: n mu int_0^t exp(g(v)) dv
    def g(v):
        return (lam / th) * (-math.expm1(-th * v)) - (n * mu + th) * v
    vstar = math.log(lam / (n * mu + th)) / th if lam > n * mu + th else 0.0
    vstar = min(vstar, t)
    gmax = g(vstar)
    f = lambda v: math.exp(g(v) - gmax)
    # split at the peak and at a few scales of decay, so nothing narrow is missed
    edges = sorted(set([0.0, vstar, t] + [min(t, vstar + s) for s in
                   (1 / (n * mu + th) * k for k in (1, 4, 16, 64, 256))]))
    integral = sum(simpson(f, lo, hi, 1e-11 * (hi - lo)) for lo, hi in
                   zip(edges, edges[1:]) if hi > lo)
    lwt = math.log(n * mu) + gmax + math.log(integral) if integral > 0 else -math.inf
    ld = log_add(lodds, lw)
    return math.exp(lodds - ld) + math.exp(lwt - ld)


def erlang_a_tagged(n, a, aht, pat, t, jmax=60):
    """The same service level, following the tagged caller (small cases)."""
    mu, th = 1.0 / aht, 1.0 / pat
    lam = a * mu
    # stationary chain: rates lam up, min(k,n) mu + max(k-n,0) th down
    w = [1.0]
    for k in range(1, n + jmax + 1):
        w.append(w[-1] * lam / (min(k, n) * mu + max(k - n, 0) * th))
    tot = sum(w)
    sl = sum(w[:n]) / tot
    # a caller who finds n + j: j ahead; served when they all leave, unless it gives up
    for j in range(jmax + 1):
        p = w[n + j] / tot
        if p < 1e-15:
            continue
        # states i = callers ahead (j..0), then 'served'; leaving at rate n mu + i th
        # and giving up at th. Uniformise at rate L.
        L = n * mu + j * th + th
        probs = [0.0] * (j + 1)
        probs[j] = 1.0
        served, pois = 0.0, math.exp(-L * t)
        acc = 0.0
        k = 0
        while True:
            acc += pois * served
            if pois * (1 + k) < 1e-18 and k > L * t:
                break
            new = [0.0] * (j + 1)
            gain = 0.0
            for i in range(j + 1):
                out = n * mu + i * th
                if i == 0:
                    gain += probs[0] * n * mu / L
                else:
                    new[i - 1] += probs[i] * out / L
                new[i] += probs[i] * (1 - (out + th) / L)
            probs = new
            served += gain
            k += 1
            pois *= L * t / k
        sl += p * acc
    return sl


def erlang_a_table(a, aht, pat, t, targets):
    out = []
    cache = {}

    def sl(n):
        if n not in cache:
            cache[n] = erlang_a_sl(n, a, aht, pat, t)
        return cache[n]
    for target in targets:
        tg = target / 100.0
        lo, hi = max(1, int(math.floor(tg * a))), int(a + 100 + 20 * math.sqrt(a))
        while lo < hi:            # the least n with sl(n) >= tg; sl grows with n
            mid = (lo + hi) // 2
            if sl(mid) >= tg:
                hi = mid
            else:
                lo = mid + 1
        n = lo
        prev = sl(n - 1) if n > 1 else 0.0
        tie = abs(sl(n) - tg) < 1e-9 or abs(prev - tg) < 1e-9
        out.append((target, n, sl(n), prev, int(tie)))
    return out, cache


def main():
    out = open(sys.argv[1], "w") if len(sys.argv) > 1 else sys.stdout
    targets = [50, 80, 90, 95]
    for a in [0.1, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 900]:
        for aht in [30, 120, 300, 900]:
            for t in [10, 20, 30, 60]:
                rows, sls = erlang_c_table(a, aht, t, targets)
                for target, req, s, prev, tie in rows:
                    out.write("C %r %r %r %r %d %.17g %.17g %d\n" %
                              (float(a), float(aht), float(t), target / 100.0, req, s, prev, tie))
                for n in sorted(set([max(0, int(a) - 1), int(a) + 1, int(a) + 3, rows[-1][1] + 5])):
                    s = float(sls[n]) if n in sls else 0.0
                    out.write("CS %d %r %r %r %.17g\n" % (n, float(a), float(aht), float(t), s))
    for a in [0.1, 0.5, 2, 8, 30, 100, 300, 900]:
        for aht in [30, 240, 900]:
            for pat in [20, 180, 900]:
                for t in [10, 30, 60]:
                    rows, _ = erlang_a_table(a, aht, pat, t, [50, 80, 95])
                    for target, req, s, prev, tie in rows:
                        out.write("A %r %r %r %r %r %d %.17g %.17g %d\n" %
                                  (float(a), float(aht), float(pat), float(t), target / 100.0,
                                   req, s, prev, tie))
                    n = max(1, int(a * 0.6))   # fewer agents than the traffic
                    out.write("AS %d %r %r %r %r %.17g\n" %
                              (n, float(a), float(aht), float(pat), float(t),
                               erlang_a_sl(n, a, aht, pat, t)))
    # the density against the tagged caller, where that is cheap
    worst = 0.0
    for n, a, aht, pat, t in [(1, 0.5, 60, 30, 20), (2, 1.5, 120, 60, 30), (3, 3.5, 60, 20, 10),
                              (5, 4.0, 180, 300, 20), (4, 6.0, 30, 15, 20), (1, 2.0, 60, 120, 60)]:
        d, m = erlang_a_sl(n, a, aht, pat, t), erlang_a_tagged(n, a, aht, pat, t)
        worst = max(worst, abs(d - m))
        out.write("AS %d %r %r %r %r %.17g\n" % (n, float(a), float(aht), float(pat), float(t), m))
    if worst > 1e-7:
        sys.exit("erlang_ref: the wait density and the tagged caller disagree by %g" % worst)
    out.close()


if __name__ == "__main__":
    main()
