/* SPDX-License-Identifier: MIT */
/* The impl `libevent` of loops.h: libevent's public API the way its users
 * write it. The base from event_base_new() (epoll on Linux, checked), one
 * event per descriptor from event_new(), and one iteration is
 * event_base_loop(base, EVLOOP_ONCE), or EVLOOP_NONBLOCK for the
 * non-blocking one. Persist mode makes the events EV_READ | EV_PERSIST;
 * rearm mode makes them EV_READ alone, so that libevent disarms each one
 * before its callback runs, and loop_rearm arms it again with event_add():
 * libevent's own one-shot idiom. Built only into the *_libevent binaries
 * (peers.h). */
#include "bench.h"
#include "loops.h"
#include "peers.h"

#include <event2/event.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An event, its loop and the user data it reports (the callback's arg). */
typedef struct libevent_watch {
  struct event *ev;
  loop_t *l;
  uintptr_t udata;
} libevent_watch_t;

struct loop {
  peer_base_t b; /* first: see peers.h */
  struct event_base *base;
};

const char *loop_peer_lib_name(const char *impl) {
  static char buf[48];
  if (strcmp(impl, "libevent") != 0)
    return NULL;
  snprintf(buf, sizeof buf, "libevent-%s", event_get_version());
  return buf;
}

void loop_list_impls(void) { puts("libevent"); }

int loop_impl_known(const char *impl) { return strcmp(impl, "libevent") == 0; }

loop_t *loop_open(const char *impl, int oneshot, loop_handler_fn fn,
                  void *ctx) {
  loop_t *l =
      (loop_t *)peer_loop_new(sizeof *l, impl, "libevent", oneshot, fn, ctx);
  l->base = event_base_new();
  if (l->base == NULL)
    bench_die("event_base_new", 0);
#ifdef __linux__
  /* The ratios are to raw epoll: the peer must be on epoll too. */
  if (strcmp(event_base_get_method(l->base), "epoll") != 0)
    bench_die("libevent did not choose its epoll backend", 0);
#endif
  return l;
}

static void libevent__cb(evutil_socket_t fd, short what, void *arg) {
  libevent_watch_t *w = (libevent_watch_t *)arg;
  loop_t *l = w->l;
  (void)fd;
  (void)what;
  l->b.calls++;
  /* The handler may unregister w (W2's server): w is not used after this
   * call. */
  l->b.fn(l->b.ctx, w->udata);
}

int loop_add(loop_t *l, xsock_t fd, uintptr_t udata) {
  libevent_watch_t *w = (libevent_watch_t *)peer_watch_new(&l->b, sizeof *w);
  short what = (short)(EV_READ | (l->b.oneshot ? 0 : EV_PERSIST));
  w->l = l;
  w->udata = udata;
  w->ev = event_new(l->base, fd, what, libevent__cb, w);
  if (w->ev == NULL || event_add(w->ev, NULL) != 0)
    bench_die("event_new/event_add", 0);
  peer_table_put(&l->b.watches, fd, w);
  return 0;
}

void loop_del(loop_t *l, xsock_t fd) {
  libevent_watch_t *w = (libevent_watch_t *)peer_table_take(&l->b.watches, fd);
  /* event_free deletes a pending event first; w itself goes with the
   * loop (peers.h). */
  event_free(w->ev);
}

void loop_rearm(loop_t *l, xsock_t fd, uintptr_t udata) {
  libevent_watch_t *w = (libevent_watch_t *)peer_table_get(&l->b.watches, fd);
  (void)udata; /* the event keeps its user data */
  if (event_add(w->ev, NULL) != 0)
    bench_die("event_add (rearm)", 0);
}

int loop_iter(loop_t *l, int block) {
  l->b.calls = 0;
  if (event_base_loop(l->base, block ? EVLOOP_ONCE : EVLOOP_NONBLOCK) < 0)
    bench_die("event_base_loop", 0);
  return l->b.calls;
}

void loop_close(loop_t *l) {
  event_base_free(l->base);
  peer_loop_free(&l->b);
}
