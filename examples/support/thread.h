/* SPDX-License-Identifier: MIT */
/* The one small thread helper the examples share (xsock itself has no
 * threading API): start a thread, wait for it or let it go, and a flag
 * one thread raises and another reads. pthreads on POSIX, CreateThread
 * on Windows. Header-only, so an example needs no extra file. */
#ifndef EXAMPLES_THREAD_H
#define EXAMPLES_THREAD_H

#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
typedef struct ex_thread {
  HANDLE handle;
} ex_thread_t;
#else
#include <pthread.h>
typedef struct ex_thread {
  pthread_t id;
} ex_thread_t;
#endif

/* What the new thread runs, handed over on the heap so that the starting
 * thread may return (or detach) before the new one has read it. */
typedef struct ex_thread_start_box {
  void (*fn)(void *arg);
  void *arg;
} ex_thread_start_box_t;

#ifdef _WIN32
static inline DWORD WINAPI ex_thread_trampoline(LPVOID p) {
#else
static inline void *ex_thread_trampoline(void *p) {
#endif
  ex_thread_start_box_t box = *(ex_thread_start_box_t *)p;
  free(p);
  box.fn(box.arg);
  return 0;
}

/* Starts fn(arg) on a new thread. Returns 0, or -1 if it could not. */
static inline int ex_thread_start(ex_thread_t *t, void (*fn)(void *),
                                  void *arg) {
  ex_thread_start_box_t *box = (ex_thread_start_box_t *)malloc(sizeof *box);
  if (box == NULL)
    return -1;
  box->fn = fn;
  box->arg = arg;
#ifdef _WIN32
  t->handle = CreateThread(NULL, 0, ex_thread_trampoline, box, 0, NULL);
  if (t->handle != NULL)
    return 0;
#else
  if (pthread_create(&t->id, NULL, ex_thread_trampoline, box) == 0)
    return 0;
#endif
  free(box);
  return -1;
}

/* Waits until the thread has finished. */
static inline void ex_thread_join(ex_thread_t *t) {
#ifdef _WIN32
  WaitForSingleObject(t->handle, INFINITE);
  CloseHandle(t->handle);
#else
  pthread_join(t->id, NULL);
#endif
}

/* Lets the thread run on its own: nobody will join it. */
static inline void ex_thread_detach(ex_thread_t *t) {
#ifdef _WIN32
  CloseHandle(t->handle);
#else
  pthread_detach(t->id);
#endif
}

/* A flag raised by one thread and polled by another. A plain int would be
 * a data race (C99 has no atomics), so the compiler's atomic operations
 * are used: Interlocked* on Windows, GCC/Clang's __atomic builtins
 * elsewhere. */
typedef struct ex_flag {
  volatile long value;
} ex_flag_t;

static inline void ex_flag_raise(ex_flag_t *f) {
#ifdef _WIN32
  InterlockedExchange(&f->value, 1);
#else
  __atomic_store_n(&f->value, 1, __ATOMIC_SEQ_CST);
#endif
}

static inline int ex_flag_is_raised(ex_flag_t *f) {
#ifdef _WIN32
  return InterlockedCompareExchange(&f->value, 0, 0) != 0;
#else
  return __atomic_load_n(&f->value, __ATOMIC_SEQ_CST) != 0;
#endif
}

#endif /* EXAMPLES_THREAD_H */
