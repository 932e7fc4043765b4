/* SPDX-License-Identifier: MIT */
/* Lifecycle and the small platform hooks of src/common/internal.h. */
#include "os.h"

#include <net/if.h>
#include <sys/stat.h>
#include <time.h>

/* POSIX needs no start-up; init/cleanup exist so that one program text
 * works on Windows too. */
int xsock_init(void) { return 0; }

void xsock_cleanup(void) {}

uint64_t xsock__now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint32_t xsock__if_index(const char *name) { return (uint32_t)if_nametoindex(name); }

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
