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
#include <event2/thread.h>

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
  struct event *timer; /* W4, or NULL */
  struct event *wake;  /* W5, or NULL */
  int woke;
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

/* W4's timer never fires in a run; if it does, nothing is to be done. */
static void libevent__timer_cb(evutil_socket_t fd, short what, void *arg) {
  (void)fd;
  (void)what;
  (void)arg;
}

void loop_set_timeout(loop_t *l, int ms) {
  struct timeval tv;
  if (ms < 0)
    return; /* W4's baseline: no timer */
  tv.tv_sec = ms / 1000;
  tv.tv_usec = ms % 1000 * 1000;
  /* A timer is an event on no descriptor; EV_PERSIST repeats it. */
  l->timer = event_new(l->base, -1, EV_PERSIST, libevent__timer_cb, NULL);
  if (l->timer == NULL || event_add(l->timer, &tv) != 0)
    bench_die("event_new/event_add (timer)", 0);
}

/* The pending timer bounds EVLOOP_ONCE's wait. */
int loop_iter_timed(loop_t *l) { return loop_iter(l, 1); }

/* Only W5 calls this: W1 to W3 measure libevent without its locks. */
void loop_threads_init(void) {
  if (evthread_use_pthreads() != 0)
    bench_die("evthread_use_pthreads", 0);
}

static void libevent__wake_cb(evutil_socket_t fd, short what, void *arg) {
  (void)fd;
  (void)what;
  ((loop_t *)arg)->woke = 1;
}

void loop_wake_init(loop_t *l) {
  /* An event on no descriptor that is never added: event_active() from
   * the other thread queues it and wakes the base (its notify channel,
   * made because the base was created with threads on). */
  l->wake = event_new(l->base, -1, 0, libevent__wake_cb, l);
  if (l->wake == NULL)
    bench_die("event_new (wake)", 0);
}

void loop_wake(loop_t *l) { event_active(l->wake, EV_READ, 0); }

int loop_iter_wake(loop_t *l) {
  l->woke = 0;
  /* With no event added the base would return at once:
   * EVLOOP_NO_EXIT_ON_EMPTY is libevent's flag for a loop that gets its
   * work from other threads. */
  if (event_base_loop(l->base, EVLOOP_ONCE | EVLOOP_NO_EXIT_ON_EMPTY) < 0)
    bench_die("event_base_loop", 0);
  return l->woke;
}

void loop_close(loop_t *l) {
  if (l->timer != NULL)
    event_free(l->timer);
  if (l->wake != NULL)
    event_free(l->wake);
  event_base_free(l->base);
  peer_loop_free(&l->b);
}
