/* SPDX-License-Identifier: MIT */
/* The portable xsock_addr_t <-> the OS's struct sockaddr, written once in
 * addr_bsd.c and compiled for each OS. The socket calls of both
 * platform trees use these two (their os.h includes this header). */
#ifndef XSOCK_COMMON_ADDR_BSD_H
#define XSOCK_COMMON_ADDR_BSD_H

#include "os_sockets.h"

/* Fills *ss and *len from addr. XSOCK_EINVAL for an empty address or an
 * AF_UNIX path that is empty, not terminated within its field, or too
 * long for the OS's sun_path; XSOCK_EAFNOSUPPORT for AF_UNIX on an OS
 * where xsock does not offer it. */
XSOCK__INTERNAL int xsock__addr_to_os(const xsock_addr_t *addr,
                                      struct sockaddr_storage *ss,
                                      xsock__socklen_t *len);

/* Fills *addr from the len bytes at sa. XSOCK_EAFNOSUPPORT for a family
 * xsock does not know, XSOCK_EINVAL for a length too short for its
 * family; *addr is zeroed on failure. */
XSOCK__INTERNAL int xsock__addr_from_os(xsock_addr_t *addr,
                                        const struct sockaddr *sa,
                                        xsock__socklen_t len);

#endif /* XSOCK_COMMON_ADDR_BSD_H */
