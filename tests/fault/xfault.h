/* SPDX-License-Identifier: MIT */
/* Fault injection for tests: makes the library's OS calls fail on demand.
 *
 * The test build of the library (xsock_testhooks) calls the OS through a
 * table of function pointers (src/posix/os_calls.h, src/win32/os_calls.h).
 * xf_install() points every entry at a fake in xfault.c that counts the
 * call and, when a plan says so, fails it with a chosen OS error instead
 * of making it, or lets a send move only part of its bytes. The same calls
 * work on POSIX and under Windows (MinGW, where the linker's --wrap cannot
 * reach into a DLL). Only a test linked with xsock_testhooks and xfault.c
 * may use this (XSOCK_FAULT_TESTS in tests/CMakeLists.txt). */
#ifndef XTEST_XFAULT_H
#define XTEST_XFAULT_H

#include <stddef.h>

#ifdef _WIN32
#include <winsock2.h>
#include <windows.h>
#define XF_EINTR WSAEINTR
#define XF_EMFILE WSAEMFILE
#define XF_ENOBUFS WSAENOBUFS
#define XF_ENOMEM ERROR_NOT_ENOUGH_MEMORY
#define XF_EWOULDBLOCK WSAEWOULDBLOCK
#define XF_ETIMEO WSAETIMEDOUT
#define XF_ESHUTDOWN WSAESHUTDOWN
#define XF_ECONNRESET WSAECONNRESET
#define XF_ETIMEDOUT WSAETIMEDOUT
#define XF_ECONNREFUSED WSAECONNREFUSED
#else
#include <errno.h>
#define XF_EINTR EINTR
#define XF_EMFILE EMFILE
#define XF_ENFILE ENFILE
#define XF_ENOBUFS ENOBUFS
#define XF_ENOMEM ENOMEM
#define XF_EWOULDBLOCK EAGAIN
#define XF_ETIMEO EAGAIN
#define XF_ESHUTDOWN ESHUTDOWN
#define XF_ECONNRESET ECONNRESET
#define XF_ETIMEDOUT ETIMEDOUT
#define XF_ECONNREFUSED ECONNREFUSED
#endif
/* XF_EWOULDBLOCK is what a non-blocking socket with nothing to do says;
 * XF_ETIMEO what a blocking call whose SO_RCVTIMEO / SO_SNDTIMEO ran out
 * says: the same EAGAIN on POSIX, so the socket must be blocking with the
 * timeout set for it to mean that; WSAETIMEDOUT on Windows.
 * XF_ESHUTDOWN is Winsock's refusal of a receive after shutdown(SD_RECEIVE)
 * (POSIX returns 0 there, and never fails a receive with ESHUTDOWN). */
/* For connect only: the fake makes the real call, then reports EINTR, as
 * when a signal arrives after the kernel started the handshake. */
#define XF_EINTR_LATE (-1)

/* The kinds of call a plan can target; each names every OS call of its
 * kind on both OSes. */
typedef enum xf_call {
  XF_SOCKET,  /* socket(), socketpair(); WSASocketW() */
  XF_ACCEPT,  /* accept(), accept4() */
  XF_CONNECT, /* connect() */
  XF_SEND,    /* send(), sendto(), sendmsg(); WSASend() */
  XF_RECV,    /* recv(), recvfrom(), recvmsg(); WSARecv() */
  XF_CTL,     /* a kernel registration: epoll_ctl(), a kevent() with
                 changes and no room for events (or receipts only) */
  XF_WAIT,    /* a readiness wait: epoll_wait(), kevent() collecting
                 events, poll(), select(), WSAPoll(),
                 GetQueuedCompletionStatusEx() */
  XF_ALLOC,   /* calloc(), realloc() made by the library */
  XF_KINDS
} xf_call_t;

/* Points the library's call table at the fakes and clears every plan and
 * count. The first call also prints, at exit, how many faults the process
 * injected in all ("xfault: N faults injected"). */
void xf_install(void);

/* Gives the library its real calls back. */
void xf_uninstall(void);

/* xf_install and xf_uninstall as a CMocka test's setup and teardown. */
int xf_setup(void **state);
int xf_teardown(void **state);

/* Clears every plan, the send cap and every count. */
void xf_reset(void);

/* Plans faults for one kind of call: the next `after` calls go through,
 * then `times` calls (-1: every one) fail with the OS error err (an
 * XF_E* code; ignored for XF_ALLOC, which returns NULL). */
void xf_fail(xf_call_t kind, long after, long times, int err);

/* Every send of any kind moves at most cap bytes (0: no cap). */
void xf_send_cap(size_t cap);

/* Calls of a kind made, and faults injected into it, since the last
 * xf_install/xf_reset. */
long xf_calls(xf_call_t kind);
long xf_injected(xf_call_t kind);
/* XF_WAIT calls made with a timeout of zero (looks that cannot sleep),
 * since the last xf_install/xf_reset. */
long xf_zero_wait_calls(void);

/* The largest block the library asked for (calloc's count * size, or
 * realloc's size), failed or not, since the last xf_install/xf_reset. */
size_t xf_alloc_largest(void);

/* Open handles of the process: descriptors on POSIX, kernel handles on
 * Windows; for leak checks (a count, compared before and after). */
long xf_open_handles(void);

#endif /* XTEST_XFAULT_H */
