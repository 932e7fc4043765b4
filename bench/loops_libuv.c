/* SPDX-License-Identifier: MIT */
/* The impl `libuv` of loops.h: libuv's public API the way its users write
 * it for descriptors they own. One uv_poll_t per descriptor (uv_poll_init
 * + uv_poll_start with UV_READABLE), a loop from uv_loop_init, and one
 * iteration is uv_run(loop, UV_RUN_ONCE), or UV_RUN_NOWAIT for the
 * non-blocking one. Rearm mode stops the handle before the handler runs
 * (uv_poll_stop) and loop_rearm starts it again (uv_poll_start), which is
 * how a libuv user pauses and resumes interest. Unregistering closes the
 * handle (uv_close), which completes in libuv's next iteration, so
 * loop_close first runs the loop once more for the pending closes. Built
 * only into the *_libuv binaries (peers.h). */
#include "bench.h"
#include "loops.h"
#include "peers.h"

#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A poll handle (first: the callback casts the handle back to the
 * watch) and the user data it reports; h.data points at the loop. */
typedef struct libuv_watch {
  uv_poll_t h;
  uintptr_t udata;
} libuv_watch_t;

struct loop {
  peer_base_t b; /* first: see peers.h */
  uv_loop_t uv;
  uv_timer_t timer; /* W4, when has_timer */
  uv_async_t wake;  /* W5, when has_wake */
  int has_timer, has_wake, woke;
};

const char *loop_peer_lib_name(const char *impl) {
  static char buf[48];
  if (strcmp(impl, "libuv") != 0)
    return NULL;
  snprintf(buf, sizeof buf, "libuv-%s", uv_version_string());
  return buf;
}

void loop_list_impls(void) { puts("libuv"); }

int loop_impl_known(const char *impl) { return strcmp(impl, "libuv") == 0; }

static void libuv__check(int rc, const char *what) {
  if (rc < 0) {
    fprintf(stderr, "bench: %s: %s\n", what, uv_strerror(rc));
    exit(1);
  }
}

loop_t *loop_open(const char *impl, int oneshot, loop_handler_fn fn,
                  void *ctx) {
  loop_t *l =
      (loop_t *)peer_loop_new(sizeof *l, impl, "libuv", oneshot, fn, ctx);
  libuv__check(uv_loop_init(&l->uv), "uv_loop_init");
  return l;
}

static void libuv__cb(uv_poll_t *h, int status, int events) {
  libuv_watch_t *w = (libuv_watch_t *)h;
  loop_t *l = (loop_t *)h->data;
  (void)events;
  /* A negative status is an error or hangup that libuv reports as
   * UV_EBADF, having stopped the handle: the handler's read sees what it
   * is (W2's server: the client's reset) and acts on it. */
  if (l->b.oneshot && status == 0)
    libuv__check(uv_poll_stop(h), "uv_poll_stop");
  l->b.calls++;
  /* The handler may unregister w (W2's server): w is not used after this
   * call. */
  l->b.fn(l->b.ctx, w->udata);
}

int loop_add(loop_t *l, xsock_t fd, uintptr_t udata) {
  libuv_watch_t *w = (libuv_watch_t *)peer_watch_new(&l->b, sizeof *w);
  libuv__check(uv_poll_init(&l->uv, &w->h, fd), "uv_poll_init");
  w->h.data = l;
  w->udata = udata;
  libuv__check(uv_poll_start(&w->h, UV_READABLE, libuv__cb), "uv_poll_start");
  peer_table_put(&l->b.watches, fd, w);
  return 0;
}

void loop_del(loop_t *l, xsock_t fd) {
  libuv_watch_t *w = (libuv_watch_t *)peer_table_take(&l->b.watches, fd);
  /* libuv is done with the handle once its close has run, in the next
   * iteration or in loop_close; w itself goes with the loop (peers.h). */
  uv_close((uv_handle_t *)&w->h, NULL);
}

void loop_rearm(loop_t *l, xsock_t fd, uintptr_t udata) {
  libuv_watch_t *w = (libuv_watch_t *)peer_table_get(&l->b.watches, fd);
  (void)udata; /* the handle keeps its user data */
  libuv__check(uv_poll_start(&w->h, UV_READABLE, libuv__cb), "uv_poll_start");
}

int loop_iter(loop_t *l, int block) {
  l->b.calls = 0;
  uv_run(&l->uv, block ? UV_RUN_ONCE : UV_RUN_NOWAIT);
  return l->b.calls;
}

/* W4's timer never fires in a run; if it does, nothing is to be done. */
static void libuv__timer_cb(uv_timer_t *t) { (void)t; }

void loop_set_timeout(loop_t *l, int ms) {
  if (ms < 0)
    return; /* W4's baseline: no timer */
  libuv__check(uv_timer_init(&l->uv, &l->timer), "uv_timer_init");
  libuv__check(
      uv_timer_start(&l->timer, libuv__timer_cb, (uint64_t)ms, (uint64_t)ms),
      "uv_timer_start");
  l->has_timer = 1;
}

/* The running timer bounds UV_RUN_ONCE's wait. */
int loop_iter_timed(loop_t *l) { return loop_iter(l, 1); }

void loop_threads_init(void) {}

static void libuv__wake_cb(uv_async_t *a) { ((loop_t *)a->data)->woke = 1; }

void loop_wake_init(loop_t *l) {
  libuv__check(uv_async_init(&l->uv, &l->wake, libuv__wake_cb),
               "uv_async_init");
  l->wake.data = l;
  l->has_wake = 1;
}

void loop_wake(loop_t *l) {
  libuv__check(uv_async_send(&l->wake), "uv_async_send");
}

int loop_iter_wake(loop_t *l) {
  l->woke = 0;
  uv_run(&l->uv, UV_RUN_ONCE);
  return l->woke;
}

void loop_close(loop_t *l) {
  if (l->has_timer)
    uv_close((uv_handle_t *)&l->timer, NULL);
  if (l->has_wake)
    uv_close((uv_handle_t *)&l->wake, NULL);
  /* The closes that loop_del started complete in this iteration. */
  uv_run(&l->uv, UV_RUN_NOWAIT);
  libuv__check(uv_loop_close(&l->uv), "uv_loop_close");
  peer_loop_free(&l->b);
}
