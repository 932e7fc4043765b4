/* SPDX-License-Identifier: MIT */
/* The lifecycle hooks of src/common/platform_api.c and the small platform
 * hooks of src/common/internal.h. */
#include "os.h"

#include <net/if.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

/* The lock of the front end's xsock_init() count: a static mutex needs
 * no creation step that could race. */
static pthread_mutex_t platform__lock = PTHREAD_MUTEX_INITIALIZER;

int xsock__os_lock(void) {
  int err = pthread_mutex_lock(&platform__lock);
  return err == 0 ? 0 : xsock__os_fail(err);
}

void xsock__os_unlock(void) { (void)pthread_mutex_unlock(&platform__lock); }

/* POSIX sockets need no start-up; the count exists so that forgetting
 * xsock_init() fails the same way as on Windows. */
int xsock__os_init(void) { return 0; }

void xsock__os_cleanup(void) {}

uint64_t xsock__now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t xsock__if_index(const char *name) {
  return (uint32_t)if_nametoindex(name);
}

int xsock__posix_check_pollable(int fd) {
  struct stat st;
  if (fd < 0)
    return xsock__fail(XSOCK_EBADF, 0);
  if (fstat(fd, &st) != 0)
    return xsock__errno_fail();
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
    return xsock__fail(XSOCK_ENOTSUP, 0);
  return 0;
}
