/* cs_jitter_sim: N agents retrying against a configuration server that is down
 * for OUTAGE seconds, with the agent's own retry schedule (cs_backoff_ms from
 * provision/cs/cs_auth.c, base 1 s, cap 60 s). Prints requests per second: the
 * peak during the outage, the peak after the server comes back, and how long
 * until every agent got through — with full jitter (uniform random in
 * [0, ceiling], what the agent does) and without (always the ceiling: plain
 * exponential backoff, the baseline). Every agent's first attempt fails within
 * the first `spread` seconds (the moment the server went down, as its
 * heartbeats came due); attempts during the outage fail at once.
 *
 * The deadline ([cs] timeout) is honoured through cs_retry_delay_ms, as in
 * the agent: an agent whose next retry would pass it gives up (counted).
 *
 *   cs_jitter_sim [AGENTS [OUTAGE_S [SPREAD_S [DEADLINE_S [SEED]]]]]   (1000 300 1 3600 1) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cs_auth.h"

#define HORIZON_S 4000

static uint64_t rng_state;

/* xorshift64*: reproducible runs, the same numbers for both modes */
static uint32_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

struct stats {
    unsigned long total, peak_outage, peak_after, gave_up;
    double all_through_s;
    unsigned peak_after_at;
};

static void simulate(unsigned agents, double outage, double spread, double deadline, uint64_t seed, int jitter,
                     struct stats *st)
{
    static unsigned long bins[HORIZON_S];
    unsigned a, i;

    memset(bins, 0, sizeof(bins));
    memset(st, 0, sizeof(*st));
    rng_state = seed;
    for (a = 0; a < agents; a++) {
        double t0 = spread * (double)rng() / 4294967296.0, t = t0;
        unsigned attempt = 0;
        long delay;
        for (;;) {
            if (t >= HORIZON_S)
                break;
            bins[(unsigned)t]++;
            st->total++;
            if (t >= outage) { /* the server is back: this attempt gets through */
                if (t - outage > st->all_through_s)
                    st->all_through_s = t - outage;
                break;
            }
            /* the same pure function the agent calls; without jitter, the ceiling */
            delay = cs_retry_delay_ms(attempt, 1000UL, 60000UL, -1, (unsigned long)((t - t0) * 1000.0),
                                      (unsigned long)(deadline * 1000.0), jitter ? rng() : 0xffffffffu);
            if (delay < 0) {
                st->gave_up++;
                break;
            }
            t += (double)delay / 1000.0;
            attempt++;
        }
    }
    for (i = 0; i < HORIZON_S; i++) {
        if (i < (unsigned)outage) {
            if (bins[i] > st->peak_outage)
                st->peak_outage = bins[i];
        } else if (bins[i] > st->peak_after) {
            st->peak_after = bins[i];
            st->peak_after_at = i;
        }
    }
}

int main(int argc, char **argv)
{
    unsigned agents = argc > 1 ? (unsigned)atoi(argv[1]) : 1000;
    double outage = argc > 2 ? atof(argv[2]) : 300;
    double spread = argc > 3 ? atof(argv[3]) : 1;
    double deadline = argc > 4 ? atof(argv[4]) : 3600;
    uint64_t seed = argc > 5 ? strtoull(argv[5], NULL, 10) : 1;
    struct stats j, n;

    if (!agents || outage <= 0 || outage >= HORIZON_S - 200 || spread <= 0 || deadline <= 0 || !seed) {
        fprintf(stderr, "usage: cs_jitter_sim [AGENTS [OUTAGE_S [SPREAD_S [DEADLINE_S [SEED]]]]]\n");
        return 2;
    }
    simulate(agents, outage, spread, deadline, seed, 0, &n);
    simulate(agents, outage, spread, deadline, seed, 1, &j);
    printf("agents=%u outage=%.0fs first failures spread over %.0fs, deadline %.0fs, backoff base 1 s cap 60 s\n",
           agents, outage, spread, deadline);
    printf("  %-24s %9s %15s %16s %7s %9s %8s\n", "mode", "requests", "peak rps (down)", "peak rps (back)",
           "at t=", "all in", "gave up");
    printf("  %-24s %9lu %15lu %16lu %6us %8.1fs %8lu\n", "no jitter (baseline)", n.total, n.peak_outage,
           n.peak_after, n.peak_after_at, n.all_through_s, n.gave_up);
    printf("  %-24s %9lu %15lu %16lu %6us %8.1fs %8lu\n", "full jitter (mt-agent)", j.total, j.peak_outage,
           j.peak_after, j.peak_after_at, j.all_through_s, j.gave_up);
    printf("RESULT peak_after_nojitter=%lu peak_after_jitter=%lu ratio=%.1f\n", n.peak_after, j.peak_after,
           j.peak_after ? (double)n.peak_after / (double)j.peak_after : 0.0);
    return 0;
}
