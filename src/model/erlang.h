/* erlang.h - Erlang C (M/M/N) and Erlang A (M/M/N+M, callers who hang up)
 * service level and required agents. Pure; every result is finite.
 *
 * Traffic a is in Erlangs (calls per second x AHT). The service level is the
 * share of offered calls answered within the threshold T, 0..1:
 *   Erlang C: SL(N) = 1 - C(N, a) e^(-(N - a) T / AHT) for N > a, else 0;
 *   Erlang A: patience is exponential with mean patience_s; a caller is
 *   answered within T when the wait an endlessly patient caller would have
 *   is at most T and the caller's patience outlasts it (an abandon is a
 *   miss, as sl_formula = offered counts it).
 * Both are computed in log space (the Erlang B recurrence on 1/B, scaled
 * incomplete gamma sums), so 1,000 agents and 900 Erlangs stay finite. */
#ifndef CCBOARD_ERLANG_H
#define CCBOARD_ERLANG_H

/* Returns the Erlang C probability that a call waits, 0..1 (1 when n <= a).
 * Bad input (a negative or not finite, n < 0) gives 1. */
double erlang_c_wait(int n, double a);

/* Returns the Erlang C service level, 0..1, with n agents, traffic a and
 * threshold t_s, handle time aht_s. a = 0 gives 1; n <= a or bad input, 0. */
double erlang_c_sl(int n, double a, double aht_s, double t_s);

/* Returns the smallest n > a whose Erlang C service level is at least target
 * (0..1): 0 when a = 0, -1 on bad input or when no n up to a + 100 + 20 sqrt(a)
 * reaches it (a target of 1 with T = 0). */
int erlang_c_required(double a, double aht_s, double t_s, double target);

/* Returns the Erlang A service level, 0..1, with n agents (n <= a allowed:
 * callers who give up keep the queue finite) and mean patience patience_s > 0.
 * a = 0 gives 1; n = 0 or bad input, 0. */
double erlang_a_sl(int n, double a, double aht_s, double patience_s, double t_s);

/* Returns the smallest n >= 1 whose Erlang A service level is at least
 * target: 0 when a = 0, -1 on bad input or when none up to the bound of
 * erlang_c_required reaches it. */
int erlang_a_required(double a, double aht_s, double patience_s, double t_s, double target);

/* erlang_c_required(a, aht_s, t_s, target), and *sl set to erlang_c_sl(n,
 * a, aht_s, t_s): the same values, from one walk of the Erlang B recurrence
 * (what a staffing interval asks). erlang_a_staff: the same for Erlang A. */
int erlang_c_staff(double a, double aht_s, double t_s, double target, int n, double *sl);
int erlang_a_staff(double a, double aht_s, double patience_s, double t_s, double target, int n,
                   double *sl);

#endif
