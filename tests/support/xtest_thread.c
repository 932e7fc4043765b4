/* SPDX-License-Identifier: MIT */
#include "xtest_thread.h"

#include "xtest.h"

#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#endif

struct xt_thread {
  void (*fn)(void *arg);
  void *arg;
#ifdef _WIN32
  HANDLE handle;
#else
  pthread_t id;
#endif
};

#ifdef _WIN32
static DWORD WINAPI xt_thread__main(LPVOID p) {
  xt_thread_t *t = (xt_thread_t *)p;
  t->fn(t->arg);
  return 0;
}
#else
static void *xt_thread__main(void *p) {
  xt_thread_t *t = (xt_thread_t *)p;
  t->fn(t->arg);
  return NULL;
}
#endif

xt_thread_t *xt_thread_start(void (*fn)(void *arg), void *arg) {
  xt_thread_t *t = (xt_thread_t *)calloc(1, sizeof *t);
  assert_non_null(t);
  t->fn = fn;
  t->arg = arg;
#ifdef _WIN32
  t->handle = CreateThread(NULL, 0, xt_thread__main, t, 0, NULL);
  assert_non_null(t->handle);
#else
  assert_int_equal(pthread_create(&t->id, NULL, xt_thread__main, t), 0);
#endif
  return t;
}

void xt_thread_join(xt_thread_t *t) {
#ifdef _WIN32
  assert_int_equal(WaitForSingleObject(t->handle, INFINITE), WAIT_OBJECT_0);
  CloseHandle(t->handle);
#else
  assert_int_equal(pthread_join(t->id, NULL), 0);
#endif
  free(t);
}
