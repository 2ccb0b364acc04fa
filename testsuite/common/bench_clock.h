/*
 * OpenChange benchmarks: the clock and the server memory reading the RPC
 * benchmarks share.
 *
 * Copyright (C) OpenChange developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#ifndef TESTSUITE_BENCH_CLOCK_H
#define TESTSUITE_BENCH_CLOCK_H

/* seconds on the monotonic clock */
double bench_now(void);

/* resident memory of process PID in kB, from /proc; -1 when unreadable */
long bench_vm_rss_kb(long pid);

#endif
