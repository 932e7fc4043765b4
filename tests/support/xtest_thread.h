/* SPDX-License-Identifier: MIT */
/* A minimal thread for tests that need a second party running at the same
 * time (a reader draining a big transfer, a writer sending in pieces):
 * pthreads on POSIX, CreateThread on Windows. */
#ifndef XTEST_THREAD_H
#define XTEST_THREAD_H

typedef struct xt_thread xt_thread_t;

/* Starts fn(arg) on a new thread; fails the test if it cannot. */
xt_thread_t *xt_thread_start(void (*fn)(void *arg), void *arg);

/* Waits for the thread to finish and frees it. */
void xt_thread_join(xt_thread_t *t);

#endif /* XTEST_THREAD_H */
