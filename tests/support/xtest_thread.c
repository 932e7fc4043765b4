/* SPDX-License-Identifier: MIT */
#include "xtest_thread.h"

#include "xtest.h"

#include <stdlib.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <pthread.h>
#include <signal.h>
#endif
#if defined(__linux__) && defined(__i386__)
#include <asm/ldt.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

struct xt_thread {
  void (*fn)(void *arg);
  void *arg;
#ifdef _WIN32
  HANDLE handle;
#else
  pthread_t id;
  sigset_t mask; /* the starting thread's signal mask, the new one's too */
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
  /* Created with every signal blocked (see xt_thread_start). */
  assert_int_equal(pthread_sigmask(SIG_SETMASK, &t->mask, NULL), 0);
  t->fn(t->arg);
  return NULL;
}
#endif

#if defined(__linux__) && defined(__i386__)
/* qemu-i386 (7.2, the i386 leg's emulator) keeps one descriptor table for
 * all threads, so the TLS entry that glibc sets for each new thread
 * (clone with CLONE_SETTLS) overwrites the calling thread's. A thread
 * keeps its segment base until it reloads %gs, which qemu does when a
 * signal handler returns: the thread then runs on the newest thread's
 * TLS (pthread_self() names that thread, and joining it fails with
 * EDEADLK). The tests that interrupt a thread with a signal meet this.
 * So the starting thread writes its own entry back, before a signal can
 * reach it: on i386 the thread pointer is the thread's descriptor, and
 * glibc's TLS entry is a flat 4 GiB data segment based there. On a real
 * kernel, where each thread has its own entries, this writes what the
 * entry already holds. */
static void xt_thread__keep_tls(void) {
  struct user_desc d;
  unsigned short gs;
  __asm__ volatile("movw %%gs, %0" : "=r"(gs));
  memset(&d, 0, sizeof d);
  d.entry_number = gs >> 3;
  d.base_addr = (unsigned int)(uintptr_t)pthread_self();
  d.limit = 0xfffff;
  d.seg_32bit = 1;
  d.limit_in_pages = 1;
  d.useable = 1;
  assert_int_equal(syscall(SYS_set_thread_area, &d), 0);
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
  {
    /* Every signal blocked from before the thread exists until this one
     * has its TLS entry back (i386, above); the new thread restores the
     * mask first thing, so each thread keeps the mask it would have. */
    sigset_t all;
    assert_int_equal(sigfillset(&all), 0);
    assert_int_equal(pthread_sigmask(SIG_SETMASK, &all, &t->mask), 0);
    assert_int_equal(pthread_create(&t->id, NULL, xt_thread__main, t), 0);
#if defined(__linux__) && defined(__i386__)
    xt_thread__keep_tls();
#endif
    assert_int_equal(pthread_sigmask(SIG_SETMASK, &t->mask, NULL), 0);
  }
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
