/* SPDX-License-Identifier: MIT */
/* What the peer loops (loops_libev.c, loops_libevent.c, loops_libuv.c)
 * share: each is one more implementation of loops.h, built into its own
 * set of binaries (bench_sockpairs_libev, ...) because libev and libevent
 * export clashing symbols and cannot be linked into one program.
 *
 * A peer loop keeps one watcher per registered descriptor, allocated on
 * its own (the libraries hold pointers to their watchers, so the watchers
 * must not move), and finds it again by descriptor for loop_del and
 * loop_rearm through the table below: the same fd-indexed lookup that the
 * raw poll loop does in loops.c. */
#ifndef XSOCK_BENCH_PEERS_H
#define XSOCK_BENCH_PEERS_H

#include <stddef.h>

#include "loops.h"

/* The lib= field of the RESULT line for a peer impl ("libev-4.33"), from
 * the library the program runs with; NULL when impl is no peer. Defined
 * by each peer loop; bench.c calls it when built with BENCH_PEER_LIBS. */
const char *loop_peer_lib_name(const char *impl);

/* Watchers indexed by descriptor. */
typedef struct peer_table {
  void **slot;
  int cap;
} peer_table_t;

/* Stores w for fd, growing the table as needed (exits when out of
 * memory). */
void peer_table_put(peer_table_t *t, int fd, void *w);

/* The watcher stored for fd; exits when there is none. */
void *peer_table_get(const peer_table_t *t, int fd);

/* Forgets fd's watcher and returns it (the caller frees it). */
void *peer_table_take(peer_table_t *t, int fd);

/* Frees the table itself (not the watchers). */
void peer_table_free(peer_table_t *t);

/* Watchers come from blocks of PEER_SLAB_WATCHES, never moved and freed
 * only with the loop, so that registering measures the library and not
 * one malloc() per descriptor (raw epoll allocates nothing either). */
#define PEER_SLAB_WATCHES 256
typedef struct peer_slab peer_slab_t;

/* What every peer loop holds: each one's struct loop starts with it. */
typedef struct peer_base {
  int oneshot;
  int calls; /* handler calls of the current iteration */
  loop_handler_fn fn;
  void *ctx;
  peer_table_t watches;
  peer_slab_t *slabs; /* the newest first */
} peer_base_t;

/* A zeroed watcher of size bytes, valid until peer_loop_free (exits when
 * out of memory). loop_del forgets a watcher and never frees it: W1
 * unregisters only to tear down, and W2 only as connections close. */
void *peer_watch_new(peer_base_t *b, size_t size);

/* Allocates a zeroed loop of size bytes and fills its peer_base_t; when
 * impl is not mine, prints the one impl of this binary and exits 2. */
void *peer_loop_new(size_t size, const char *impl, const char *mine,
                    int oneshot, loop_handler_fn fn, void *ctx);

/* Frees the watchers, their table and the loop itself. */
void peer_loop_free(peer_base_t *b);

#endif /* XSOCK_BENCH_PEERS_H */
