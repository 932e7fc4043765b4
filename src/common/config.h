/* SPDX-License-Identifier: MIT */
/* What this build of xsock targets: the feature-test macros the system
 * headers need, and which selector backends are compiled in.
 *
 * Everything is decided here from the compiler's own macros (_WIN32,
 * __linux__, __APPLE__, the BSDs' names, __has_include), so that the
 * sources build with a bare compiler command (every .c file of src/common
 * and of the platform's tree, with include/, src/common and the platform
 * tree on the include path) and the result has every backend of its OS. A build
 * system may override any decision by defining the macro first:
 * XSOCK_HAVE_<BACKEND> as 1 or 0 (for example a kqueue implementation on
 * Linux), or a feature-test macro.
 *
 * This header must come before any system header: the feature-test macros
 * only take effect there. Every source reaches it first through
 * internal.h; on glibc a late inclusion is caught below. */
#ifndef XSOCK_COMMON_CONFIG_H
#define XSOCK_COMMON_CONFIG_H

#if defined(_WIN32)

/* Windows 7 is the oldest target: WSAPoll, AFD poll and
 * WSA_FLAG_NO_HANDLE_INHERIT (7 SP1) all need at least that. */
#ifndef _WIN32_WINNT
#define _WIN32_WINNT 0x0601
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif

#ifndef XSOCK_HAVE_WSAPOLL
#define XSOCK_HAVE_WSAPOLL 1
#endif
#ifndef XSOCK_HAVE_SELECT
#define XSOCK_HAVE_SELECT 1
#endif
/* AFD poll with a completion port (src/win32/sel_afd.c): it finds what
 * it needs in ntdll at run time and fails to start cleanly where that is
 * missing, so it is always compiled in. */
#ifndef XSOCK_HAVE_AFD
#define XSOCK_HAVE_AFD 1
#endif
#define XSOCK_HAVE_EPOLL 0
#define XSOCK_HAVE_KQUEUE 0
#define XSOCK_HAVE_POLL 0
/* SOCKETs are opaque numbers: the selector finds a registration through
 * a hash map (src/win32/handle_map.c). */
#define XSOCK_HAVE_SMALL_HANDLES 0
/* The most bytes one send or receive takes: Winsock counts in int. The
 * I/O front end clamps to it (src/common/io_api.c). */
#define XSOCK__OS_IO_MAX ((size_t)0x7fffffff)
/* Windows has no privileged ports: bind's WSAEACCES (XSOCK_EACCES) can
 * only mean that another socket holds the address with
 * SO_EXCLUSIVEADDRUSE. The front end (listen_api.c) reads it so. */
#define XSOCK__OS_BIND_EACCES_IS_IN_USE 1
/* A receive on a socket whose connect failed says 0, end of stream (Wine;
 * Windows keeps the error pending), so the front end asks then whether a
 * connect failed (xsock__recv_end in internal.h). */
#define XSOCK__OS_EOF_HIDES_CONNECT_ERROR 1

#else /* POSIX */

#if defined(__GLIBC__) && !defined(_GNU_SOURCE)
/* glibc has already read its feature-test macros, without ours. */
#error "config.h must be included before any system header"
#endif
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#if defined(__linux__)
/* accept4, SOCK_CLOEXEC and the GNU strerror_r are extensions. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#elif defined(__APPLE__)
#ifndef _DARWIN_C_SOURCE
#define _DARWIN_C_SOURCE 1
#endif
#elif defined(__FreeBSD__) || defined(__DragonFly__)
/* _POSIX_C_SOURCE alone would hide the BSD socket extensions. */
#ifndef __BSD_VISIBLE
#define __BSD_VISIBLE 1
#endif
#elif defined(__NetBSD__)
#ifndef _NETBSD_SOURCE
#define _NETBSD_SOURCE 1
#endif
#elif defined(__OpenBSD__)
#ifndef _BSD_SOURCE
#define _BSD_SOURCE 1
#endif
#endif

#ifndef XSOCK_HAVE_EPOLL
#if defined(__linux__)
#define XSOCK_HAVE_EPOLL 1
#else
#define XSOCK_HAVE_EPOLL 0
#endif
#endif

/* kqueue: by its header where the compiler can look (__has_include),
 * otherwise by the names of the systems that have it. Never on Linux by
 * default: libkqueue's header is not a system kqueue, and a build that
 * wants it says so (CMake's XSOCK_KQUEUE_INCLUDE_DIR/XSOCK_KQUEUE_LIBRARY
 * define XSOCK_HAVE_KQUEUE=1). */
#ifndef XSOCK_HAVE_KQUEUE
#if defined(__linux__)
#define XSOCK_HAVE_KQUEUE 0
#elif defined(__has_include)
#if __has_include(<sys/event.h>)
#define XSOCK_HAVE_KQUEUE 1
#else
#define XSOCK_HAVE_KQUEUE 0
#endif
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__NetBSD__) ||     \
    defined(__OpenBSD__) || defined(__DragonFly__)
#define XSOCK_HAVE_KQUEUE 1
#else
#define XSOCK_HAVE_KQUEUE 0
#endif
#endif

/* The kqueue backend's wakeup: EVFILT_USER where kevent() is a system
 * call, and so async-signal-safe as xsock_selector_wakeup() must be. On
 * Linux the kqueue is libkqueue, whose kevent() takes locks: the generic
 * wakeup channel is used there unless a build forces this to 1 (to test
 * the EVFILT_USER path, without waking from signal handlers). */
#ifndef XSOCK_KQUEUE_USER_WAKEUP
#if defined(__linux__)
#define XSOCK_KQUEUE_USER_WAKEUP 0
#else
#define XSOCK_KQUEUE_USER_WAKEUP 1
#endif
#endif

#ifndef XSOCK_HAVE_POLL
#define XSOCK_HAVE_POLL 1
#endif
#ifndef XSOCK_HAVE_SELECT
#define XSOCK_HAVE_SELECT 1
#endif
#define XSOCK_HAVE_WSAPOLL 0
#define XSOCK_HAVE_AFD 0
/* Descriptors are the lowest free small integers: the selector's
 * registration table is indexed by the descriptor itself. */
#define XSOCK_HAVE_SMALL_HANDLES 1
/* The most bytes one send or receive takes: SSIZE_MAX, which is
 * PTRDIFF_MAX on every POSIX system (src/posix/iov.c checks that ssize_t
 * is as wide as ptrdiff_t), so the front end's clamp never cuts a length
 * it accepted. Expanded where stdint.h is included. */
#define XSOCK__OS_IO_MAX ((size_t)PTRDIFF_MAX)
/* bind's EACCES is a privileged port or a path it may not write: a
 * refusal of the caller, reported as it is. */
#define XSOCK__OS_BIND_EACCES_IS_IN_USE 0
/* A receive reports a failed connect's error itself (and clears it): an
 * end of stream is only that. */
#define XSOCK__OS_EOF_HIDES_CONNECT_ERROR 0

#endif /* POSIX */

#endif /* XSOCK_COMMON_CONFIG_H */
