/* erlang.c - Erlang C and Erlang A in log space (erlang.h).
 *
 * Both rest on the Erlang B blocking B(n, a), kept as L = log(1/B) by the
 * recurrence 1/B(n) = 1 + (n/a) / B(n-1): plain arithmetic while it fits a
 * double, then in logs, so n = 1,000 and a = 900 never overflow.
 *   Erlang C: 1/C = (1/B)(1 - rho) + rho, rho = a/n.
 *   Erlang A (M/M/n+M, service rate mu = 1/AHT, abandon rate th = 1/patience,
 *   arrival rate lambda = a mu): with x = n mu / th and y = lambda / th, the
 *   states with j callers queued weigh pi_n y^j / ((x+1)...(x+j)), and the
 *   wait v of an endlessly patient caller has the density
 *   n mu pi_n exp(y (1 - e^(-th v)) - n mu v). Summing and integrating:
 *     P(wait) = w / ((1-B)/B + w),          w  = x S(x, y)
 *     SL      = 1 - (w - wT) / ((1-B)/B + w), wT = x [S(x+1, y) - e^k S(x+1, y')]
 *   where S(x, z) = sum_k z^k / (x (x+1) ... (x+k)) (the lower incomplete
 *   gamma, scaled: gamma(x, z) e^z z^-x), y' = y e^(-th T) and
 *   k = y (1 - e^(-th T)) - (x+1) th T. */
#include "erlang.h"

#include <math.h>
#include <stdbool.h>

/* log(e^p + e^q) */
static double log_add(double p, double q)
{
	double hi = p > q ? p : q, lo = p > q ? q : p;
	if (isinf(lo) && lo < 0)
		return hi;
	return hi + log1p(exp(lo - hi));
}

/* ---- Erlang B, log(1/B), step by step ---- */

struct erlang_b {
	int n;
	double a;
	double inv;      /* 1/B while it fits */
	double log_inv;  /* log(1/B) once it no longer does (in_logs) */
	bool in_logs;
};

static void eb_init(struct erlang_b *b, double a)
{
	*b = (struct erlang_b){ 0, a, 1.0, 0.0, false };
}

/* Moves b to n + 1 agents. While 1/B fits, its log is taken only when read
 * (eb_log_inv): the steps up to a search's start read none. */
static void eb_step(struct erlang_b *b)
{
	double r = (b->n + 1) / b->a;
	b->n++;
	if (b->inv < 1e290) {
		b->inv = 1.0 + r * b->inv;
		return;
	}
	if (!b->in_logs) {   /* the last 1/B that fitted, in logs from here on */
		b->log_inv = log(b->inv);
		b->in_logs = true;
	}
	/* log(1 + r e^L) = L + log r + log1p(e^-L / r) */
	b->log_inv += log(r) + log1p(exp(-b->log_inv) / r);
}

/* log(1/B) at b's n. */
static double eb_log_inv(const struct erlang_b *b)
{
	return b->in_logs ? b->log_inv : log(b->inv);
}

static void eb_goto(struct erlang_b *b, int n)
{
	while (b->n < n)
		eb_step(b);
}

static bool bad_input(double a, double aht_s, double t_s)
{
	return !isfinite(a) || a < 0 || !isfinite(aht_s) || aht_s <= 0 || !isfinite(t_s) || t_s < 0;
}

/* ---- Erlang C ---- */

/* log(1/C) with b at n > a agents. */
static double log_inv_c(const struct erlang_b *b)
{
	double rho = b->a / b->n;
	return log_add(eb_log_inv(b) + log1p(-rho), log(rho));
}

static double c_sl(const struct erlang_b *b, double aht_s, double t_s)
{
	if (b->n <= b->a)
		return 0.0;
	return -expm1(-(log_inv_c(b) + (b->n - b->a) * t_s / aht_s));
}

double erlang_c_wait(int n, double a)
{
	struct erlang_b b;
	if (!isfinite(a) || a < 0 || n < 0 || n <= a)
		return 1.0;
	if (a == 0)
		return 0.0;
	eb_init(&b, a);
	eb_goto(&b, n);
	return exp(-log_inv_c(&b));
}

double erlang_c_sl(int n, double a, double aht_s, double t_s)
{
	struct erlang_b b;
	if (bad_input(a, aht_s, t_s) || n < 0)
		return 0.0;
	if (a == 0)
		return 1.0;
	if (n <= a)
		return 0.0;
	eb_init(&b, a);
	eb_goto(&b, n);
	return c_sl(&b, aht_s, t_s);
}

/* The most agents a search tries. */
static int search_bound(double a)
{
	return (int)ceil(a + 100.0 + 20.0 * sqrt(a));
}

int erlang_c_required(double a, double aht_s, double t_s, double target)
{
	struct erlang_b b;
	if (bad_input(a, aht_s, t_s) || !isfinite(target) || a > 1e6)
		return -1;
	if (a == 0)
		return 0;
	eb_init(&b, a);
	eb_goto(&b, (int)floor(a) + 1);
	for (int lim = search_bound(a); b.n <= lim; eb_step(&b))
		if (c_sl(&b, aht_s, t_s) >= target)
			return b.n;
	return -1;
}

int erlang_c_staff(double a, double aht_s, double t_s, double target, int n, double *sl)
{
	struct erlang_b b;
	bool have = true;
	if (bad_input(a, aht_s, t_s) || n < 0)      /* as erlang_c_sl */
		*sl = 0.0;
	else if (a == 0)
		*sl = 1.0;
	else if (n <= a)
		*sl = 0.0;
	else
		have = false;
	if (bad_input(a, aht_s, t_s) || !isfinite(target) || a > 1e6 || a == 0) {
		if (!have)
			*sl = erlang_c_sl(n, a, aht_s, t_s);
		return erlang_c_required(a, aht_s, t_s, target);
	}
	/* as erlang_c_required, the service level at n read on the way */
	int req = -1;
	eb_init(&b, a);
	eb_goto(&b, (int)floor(a) + 1);
	for (int lim = search_bound(a); b.n <= lim; eb_step(&b)) {
		double v = c_sl(&b, aht_s, t_s);
		if (!have && b.n == n) {
			*sl = v;
			have = true;
		}
		if (v >= target) {
			req = b.n;
			break;
		}
	}
	if (!have) {                                /* n past where the search stopped */
		eb_goto(&b, n);
		*sl = c_sl(&b, aht_s, t_s);
	}
	return req;
}

/* ---- Erlang A ---- */

/* log S(x, z), S(x, z) = sum_k z^k / (x (x+1) ... (x+k)), x > 0, z >= 0:
 * the series below x + 1, else from the continued fraction of the upper
 * incomplete gamma (S = e^z z^-x (Gamma(x) - Gamma(x, z))). */
static double log_s(double x, double z)
{
	if (z < x + 1.0) {
		double term = 1.0 / x, sum = term;
		for (int k = 1; k < 1000000; k++) {
			term *= z / (x + k);
			sum += term;
			if (term < sum * 1e-17)
				break;
		}
		return log(sum);
	}
	/* modified Lentz on Gamma(x, z) = e^-z z^x / (z+1-x - 1(1-x)/(z+3-x - ...)) */
	const double tiny = 1e-300;
	double bb = z + 1.0 - x, c = 1.0 / tiny, d = 1.0 / bb, h = d;
	for (int i = 1; i < 1000000; i++) {
		double an = -i * (i - x), del;
		bb += 2.0;
		d = an * d + bb;
		if (fabs(d) < tiny)
			d = tiny;
		c = bb + an / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1.0) < 1e-16)
			break;
	}
	double lg = lgamma(x), log_q = -z + x * log(z) + log(h) - lg;   /* log Q(x, z) */
	return lg + z - x * log(z) + log(-expm1(log_q));
}

/* The Erlang A service level with b at n >= 1 agents. */
static double a_sl(const struct erlang_b *b, double aht_s, double patience_s, double t_s)
{
	double x = b->n * patience_s / aht_s, y = b->a * patience_s / aht_s;
	double tt = t_s / patience_s;                       /* th T */
	double lw = log(x) + log_s(x, y);
	double lw1 = log(x) + log_s(x + 1, y);
	double lw2 = log(x) - y * expm1(-tt) - (x + 1) * tt + log_s(x + 1, y * exp(-tt));
	double li = eb_log_inv(b);
	double lodds = li + log(-expm1(-li));                    /* log((1-B)/B) */
	double ld = log_add(lodds, lw);
	double miss = exp(lw - ld) - exp(lw1 - ld) + exp(lw2 - ld);
	double sl = 1.0 - miss;
	return sl < 0 ? 0.0 : sl > 1 ? 1.0 : sl;
}

static bool bad_a(double a, double aht_s, double patience_s, double t_s)
{
	return bad_input(a, aht_s, t_s) || !isfinite(patience_s) || patience_s <= 0;
}

double erlang_a_sl(int n, double a, double aht_s, double patience_s, double t_s)
{
	struct erlang_b b;
	if (bad_a(a, aht_s, patience_s, t_s) || n < 0)
		return 0.0;
	if (a == 0)
		return 1.0;
	if (n == 0)
		return 0.0;
	eb_init(&b, a);
	eb_goto(&b, n);
	return a_sl(&b, aht_s, patience_s, t_s);
}

int erlang_a_required(double a, double aht_s, double patience_s, double t_s, double target)
{
	struct erlang_b b;
	int start;
	if (bad_a(a, aht_s, patience_s, t_s) || !isfinite(target) || a > 1e6)
		return -1;
	if (a == 0)
		return 0;
	/* n agents answer at most n/a of the calls: no fewer than target * a */
	start = (int)floor(target * a);
	eb_init(&b, a);
	eb_goto(&b, start < 1 ? 1 : start);
	for (int lim = search_bound(a); b.n <= lim; eb_step(&b))
		if (a_sl(&b, aht_s, patience_s, t_s) >= target)
			return b.n;
	return -1;
}

int erlang_a_staff(double a, double aht_s, double patience_s, double t_s, double target, int n,
                   double *sl)
{
	struct erlang_b b;
	bool have = true;
	int start, req = -1;
	if (bad_a(a, aht_s, patience_s, t_s) || n < 0)   /* as erlang_a_sl */
		*sl = 0.0;
	else if (a == 0)
		*sl = 1.0;
	else if (n == 0)
		*sl = 0.0;
	else
		have = false;
	if (bad_a(a, aht_s, patience_s, t_s) || !isfinite(target) || a > 1e6 || a == 0) {
		if (!have)
			*sl = erlang_a_sl(n, a, aht_s, patience_s, t_s);
		return erlang_a_required(a, aht_s, patience_s, t_s, target);
	}
	/* as erlang_a_required, the service level at n read on the way */
	start = (int)floor(target * a);
	start = start < 1 ? 1 : start;
	if (!have && n < start) {                   /* n before the search's start */
		*sl = erlang_a_sl(n, a, aht_s, patience_s, t_s);
		have = true;
	}
	eb_init(&b, a);
	eb_goto(&b, start);
	for (int lim = search_bound(a); b.n <= lim; eb_step(&b)) {
		double v = a_sl(&b, aht_s, patience_s, t_s);
		if (!have && b.n == n) {
			*sl = v;
			have = true;
		}
		if (v >= target) {
			req = b.n;
			break;
		}
	}
	if (!have) {
		eb_goto(&b, n);
		*sl = a_sl(&b, aht_s, patience_s, t_s);
	}
	return req;
}
