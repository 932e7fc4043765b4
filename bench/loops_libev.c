/* SPDX-License-Identifier: MIT */
/* The impl `libev` of loops.h: libev's public API the way its users write
 * it. One ev_io watcher per descriptor (ev_io_init + ev_io_start), the
 * loop from ev_loop_new(EVFLAG_AUTO) (epoll on Linux, checked), and one
 * iteration is ev_run(loop, EVRUN_ONCE), or EVRUN_NOWAIT for the
 * non-blocking one. Rearm mode stops the watcher before the handler runs
 * (ev_io_stop) and loop_rearm starts it again (ev_io_start): libev's own
 * way to stop and resume interest, which it folds into one kernel update
 * at the next iteration. Built only into the *_libev binaries (peers.h). */
#include "bench.h"
#include "loops.h"
#include "peers.h"

#include <ev.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A watcher and the user data it reports; io.data points at the loop. */
typedef struct libev_watch {
  ev_io io;
  uintptr_t udata;
} libev_watch_t;

struct loop {
  peer_base_t b; /* first: see peers.h */
  struct ev_loop *ev;
  ev_timer timer; /* W4: active once loop_set_timeout started it */
  ev_async wake;  /* W5: active once loop_wake_init started it */
  int woke;
};

const char *loop_peer_lib_name(const char *impl) {
  static char buf[32];
  if (strcmp(impl, "libev") != 0)
    return NULL;
  snprintf(buf, sizeof buf, "libev-%d.%d", ev_version_major(),
           ev_version_minor());
  return buf;
}

void loop_list_impls(void) { puts("libev"); }

int loop_impl_known(const char *impl) { return strcmp(impl, "libev") == 0; }

loop_t *loop_open(const char *impl, int oneshot, loop_handler_fn fn,
                  void *ctx) {
  loop_t *l =
      (loop_t *)peer_loop_new(sizeof *l, impl, "libev", oneshot, fn, ctx);
  /* EVFLAG_NOENV: LIBEV_FLAGS in the environment must not change what is
   * measured. */
  l->ev = ev_loop_new(EVFLAG_AUTO | EVFLAG_NOENV);
  if (l->ev == NULL)
    bench_die("ev_loop_new", 0);
#ifdef __linux__
  /* The ratios are to raw epoll: the peer must be on epoll too. */
  if (ev_backend(l->ev) != EVBACKEND_EPOLL)
    bench_die("libev did not choose its epoll backend", 0);
#endif
  return l;
}

static void libev__cb(struct ev_loop *ev, ev_io *io, int revents) {
  libev_watch_t *w = (libev_watch_t *)io;
  loop_t *l = (loop_t *)io->data;
  if (revents & EV_ERROR)
    bench_die("libev reported EV_ERROR", 0);
  if (l->b.oneshot)
    ev_io_stop(ev, io);
  l->b.calls++;
  /* The handler may unregister w (W2's server): w is not used after this
   * call. */
  l->b.fn(l->b.ctx, w->udata);
}

int loop_add(loop_t *l, xsock_t fd, uintptr_t udata) {
  libev_watch_t *w = (libev_watch_t *)peer_watch_new(&l->b, sizeof *w);
  ev_io_init(&w->io, libev__cb, fd, EV_READ);
  w->io.data = l;
  w->udata = udata;
  peer_table_put(&l->b.watches, fd, w);
  ev_io_start(l->ev, &w->io);
  return 0;
}

void loop_del(loop_t *l, xsock_t fd) {
  libev_watch_t *w = (libev_watch_t *)peer_table_take(&l->b.watches, fd);
  ev_io_stop(l->ev, &w->io); /* w itself goes with the loop (peers.h) */
}

void loop_rearm(loop_t *l, xsock_t fd, uintptr_t udata) {
  libev_watch_t *w = (libev_watch_t *)peer_table_get(&l->b.watches, fd);
  (void)udata; /* the watcher keeps its user data */
  ev_io_start(l->ev, &w->io);
}

int loop_iter(loop_t *l, int block) {
  l->b.calls = 0;
  ev_run(l->ev, block ? EVRUN_ONCE : EVRUN_NOWAIT);
  return l->b.calls;
}

/* W4's timer never fires in a run; if it does, nothing is to be done. */
static void libev__timer_cb(struct ev_loop *ev, ev_timer *t, int revents) {
  (void)ev;
  (void)t;
  (void)revents;
}

void loop_set_timeout(loop_t *l, int ms) {
  if (ms < 0)
    return; /* W4's baseline: no timer */
  ev_timer_init(&l->timer, libev__timer_cb, ms / 1000.0, ms / 1000.0);
  ev_timer_start(l->ev, &l->timer);
}

/* The running timer bounds EVRUN_ONCE's wait. */
int loop_iter_timed(loop_t *l) { return loop_iter(l, 1); }

void loop_threads_init(void) {}

static void libev__wake_cb(struct ev_loop *ev, ev_async *w, int revents) {
  (void)ev;
  (void)revents;
  ((loop_t *)w->data)->woke = 1;
}

void loop_wake_init(loop_t *l) {
  ev_async_init(&l->wake, libev__wake_cb);
  l->wake.data = l;
  ev_async_start(l->ev, &l->wake);
}

void loop_wake(loop_t *l) { ev_async_send(l->ev, &l->wake); }

int loop_iter_wake(loop_t *l) {
  l->woke = 0;
  ev_run(l->ev, EVRUN_ONCE);
  return l->woke;
}

void loop_close(loop_t *l) {
  if (ev_is_active(&l->timer))
    ev_timer_stop(l->ev, &l->timer);
  if (ev_is_active(&l->wake))
    ev_async_stop(l->ev, &l->wake);
  ev_loop_destroy(l->ev);
  peer_loop_free(&l->b);
}
