/* SPDX-License-Identifier: MIT */
/** @file
 * Platform types of xsock on POSIX systems. Included by <xsock.h>; do not
 * include directly. */
#ifndef XSOCK_POSIX_H
#define XSOCK_POSIX_H

/** On POSIX a socket is a file descriptor, and so is anything else the
 * selector can watch (pipes, eventfd, a tty). */
typedef int xsock_t;

/** The value that marks "no handle". */
#define XSOCK_INVALID (-1)

#endif /* XSOCK_POSIX_H */
