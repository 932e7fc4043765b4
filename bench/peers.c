/* SPDX-License-Identifier: MIT */
/* The helpers of peers.h. */
#include "peers.h"
#include "bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void peer_table_put(peer_table_t *t, int fd, void *w) {
  if (fd < 0)
    bench_die("negative descriptor", 0);
  if (fd >= t->cap) {
    int cap = t->cap ? t->cap : 256;
    void **slot;
    while (cap <= fd)
      cap *= 2;
    slot = (void **)realloc(t->slot, (size_t)cap * sizeof *slot);
    if (slot == NULL)
      bench_die("out of memory", 0);
    memset(slot + t->cap, 0, (size_t)(cap - t->cap) * sizeof *slot);
    t->slot = slot;
    t->cap = cap;
  }
  t->slot[fd] = w;
}

void *peer_table_get(const peer_table_t *t, int fd) {
  if (fd < 0 || fd >= t->cap || t->slot[fd] == NULL)
    bench_die("descriptor not registered", 0);
  return t->slot[fd];
}

void *peer_table_take(peer_table_t *t, int fd) {
  void *w = peer_table_get(t, fd);
  t->slot[fd] = NULL;
  return w;
}

void peer_table_free(peer_table_t *t) {
  free(t->slot);
  t->slot = NULL;
  t->cap = 0;
}

void *peer_loop_new(size_t size, const char *impl, const char *mine,
                    int oneshot, loop_handler_fn fn, void *ctx) {
  peer_base_t *b;
  if (strcmp(impl, mine) != 0) {
    fprintf(stderr, "unknown impl %s; this build has:\n%s\n", impl, mine);
    exit(2);
  }
  b = (peer_base_t *)calloc(1, size);
  if (b == NULL)
    bench_die("out of memory", 0);
  b->oneshot = oneshot;
  b->fn = fn;
  b->ctx = ctx;
  return b;
}

/* A block of watchers; data is aligned as malloc() aligns. */
struct peer_slab {
  peer_slab_t *next;
  size_t used, size; /* watchers handed out, and the size of each */
  union {
    long double ld;
    void *p;
    long long ll;
  } data[1];
};

void *peer_watch_new(peer_base_t *b, size_t size) {
  peer_slab_t *s = b->slabs;
  size_t unit = sizeof s->data[0];
  size = (size + unit - 1) / unit * unit;
  if (s == NULL || s->used == PEER_SLAB_WATCHES || s->size != size) {
    s = (peer_slab_t *)calloc(1, sizeof *s + PEER_SLAB_WATCHES * size);
    if (s == NULL)
      bench_die("out of memory", 0);
    s->size = size;
    s->next = b->slabs;
    b->slabs = s;
  }
  return (char *)s->data + size * s->used++;
}

void peer_loop_free(peer_base_t *b) {
  while (b->slabs != NULL) {
    peer_slab_t *next = b->slabs->next;
    free(b->slabs);
    b->slabs = next;
  }
  peer_table_free(&b->watches);
  free(b);
}
