/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by every source file of the library.
 *
 * Names: functions that cross files are prefixed xsock__; static helpers are
 * prefixed with their module (addr__parse_v4) so that every source can be
 * glued into one amalgamated file without clashes.
 *
 * The "platform hooks" below are the few OS services that common code needs.
 * Each is implemented once in src/posix and once in src/win32, so that
 * common code never contains an #ifdef _WIN32. */
#ifndef XSOCK_COMMON_INTERNAL_H
#define XSOCK_COMMON_INTERNAL_H

/* First of all: the feature-test macros must precede every system header. */
#include "config.h"

#include "xsock.h"

#include <stdint.h>

/* Thread-local storage. Keyed on the compiler, not the OS: MinGW's gcc
 * understands __thread, only MSVC needs its own spelling. */
#if defined(_MSC_VER)
#define XSOCK__TLS __declspec(thread)
#else
#define XSOCK__TLS __thread
#endif

/* XSOCK__ALWAYS_INLINE goes on a small static function of a hot path
 * that compilers might otherwise leave out of line (epoll's plain add). */
#if defined(__GNUC__)
#define XSOCK__LIKELY(x) __builtin_expect(!!(x), 1)
#define XSOCK__UNLIKELY(x) __builtin_expect(!!(x), 0)
#define XSOCK__NOINLINE __attribute__((noinline))
#define XSOCK__ALWAYS_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define XSOCK__LIKELY(x) (x)
#define XSOCK__UNLIKELY(x) (x)
#define XSOCK__NOINLINE __declspec(noinline)
#define XSOCK__ALWAYS_INLINE __forceinline
#else
#define XSOCK__LIKELY(x) (x)
#define XSOCK__UNLIKELY(x) (x)
#define XSOCK__NOINLINE
#define XSOCK__ALWAYS_INLINE inline
#endif

/* The linkage of every name that several files of the library share but
 * that is not public API (the xsock__ functions and backend tables). In the
 * ordinary build they are extern, and the shared library hides them with
 * its visibility preset. The two-file drop-in (cmake/amalgamate.cmake)
 * defines both macros as static first, so that a program compiling its
 * xsock.c exports no name but the xsock_* API. A function definition needs
 * no marker: it takes the internal linkage of its earlier declaration. An
 * object definition does, hence XSOCK__INTERNAL on the backend tables. */
#ifndef XSOCK__INTERNAL
#define XSOCK__INTERNAL
#endif
#ifndef XSOCK__INTERNAL_DATA
#define XSOCK__INTERNAL_DATA extern
#endif

/* The OS calls that tests can make fail (os_calls.h in each platform
 * tree): the call itself in the shipped library, an entry of a table of
 * function pointers in the test build. */
#ifdef XSOCK_TEST_HOOKS
/* The last entries of both OS tables: every allocation the library makes
 * (the selector and its arrays). */
#define XSOCK__OS_CALLS_ALLOC                                                  \
  void *(*calloc)(size_t count, size_t size);                                  \
  void *(*realloc)(void *p, size_t size);
#include "os_calls.h"
/* The table the test build calls through; tests may change any entry.
 * Plain extern, never XSOCK__INTERNAL: a test must reach it in the
 * drop-in too, whose internal names are static. */
extern xsock__os_calls_t xsock__os_calls;
/* The wrappers of the real calls the table starts with, so that a fake
 * can pass a call on. */
extern const xsock__os_calls_t xsock__os_calls_real;
#define XSOCK__OS(name) (xsock__os_calls.name)
/* The real allocator, the table's first calloc and realloc entries
 * (src/common/grow.c). */
XSOCK__INTERNAL void *xsock__real_calloc(size_t count, size_t size);
XSOCK__INTERNAL void *xsock__real_realloc(void *p, size_t size);
#else
#define XSOCK__OS(name) name
#endif

/* ---- errors (src/common/error_api.c; each OS's table of codes in its
 * tree's error.c) ---- */

/* Records os_error as the calling thread's last OS error and returns its
 * XSOCK_E* mapping. Every failing OS call goes through here. */
XSOCK__INTERNAL int xsock__os_fail(int os_error);

/* Records os_error (0 for errors xsock detects itself) and returns err
 * unchanged: for failures whose code the caller already knows. */
XSOCK__INTERNAL int xsock__fail(int err, int os_error);

/* The calling thread's last raw OS error, as xsock_last_os_error() gives
 * it: for the OS trees, which never call the public API. */
XSOCK__INTERNAL int xsock__last_os_error(void);

/* ---- addresses (src/common/addr.c) ---- */

/* What xsock_addr_loopback(), xsock_addr_any() and xsock_addr_equal() do,
 * under the names the OS trees call (they never call the public API). */
XSOCK__INTERNAL int xsock__addr_loopback(xsock_addr_t *addr, int family,
                                         int port);
XSOCK__INTERNAL int xsock__addr_any(xsock_addr_t *addr, int family, int port);
XSOCK__INTERNAL int xsock__addr_equal(const xsock_addr_t *a,
                                      const xsock_addr_t *b);

/* ---- platform hooks (src/posix, src/win32) ---- */

/* Maps a raw OS error code to XSOCK_E*; XSOCK_EUNKNOWN when unmapped. */
XSOCK__INTERNAL int xsock__map_os_error(int os_error);

/* The OS's message for a raw error code (used by xsock_os_strerror). */
XSOCK__INTERNAL int xsock__os_message(int os_error, char *buf, size_t len);

/* A monotonic clock in nanoseconds. */
XSOCK__INTERNAL uint64_t xsock__now_ns(void);

/* The lookup behind xsock_resolve (src/common/resolve_bsd.c, compiled for
 * each OS): getaddrinfo(host, service) for stream
 * sockets of family (XSOCK_AF_UNSPEC, _INET or _INET6; host NULL means the
 * passive any-address), storing at most max converted addresses in out and
 * skipping entries xsock cannot hold. Returns the count (possibly 0) or a
 * mapped XSOCK_EAI_* / XSOCK_E* failure. Arguments are checked already. */
XSOCK__INTERNAL int xsock__os_resolve(const char *host, const char *service,
                                      int family, xsock_addr_t *out,
                                      size_t max);

/* The kind of socket s is: *family an XSOCK_AF_* (XSOCK_AF_UNSPEC for one
 * xsock does not know) and *type XSOCK_STREAM, XSOCK_DGRAM or 0 for
 * another. XSOCK_EBADF for an invalid or closed handle (src/posix and
 * src/win32 sock_kind.c). */
XSOCK__INTERNAL int xsock__socket_kind(xsock_t s, int *family, int *type);

/* Sets / gets an option (not XSOCK_OPT_TYPE) through the OS
 * (src/common/options_bsd.c, compiled for each OS). src/common/
 * options_api.c has checked the option, the value and the socket's kind; the
 * getter returns the OS's raw value (booleans are normalised by the
 * caller). */
XSOCK__INTERNAL int xsock__os_set_option(xsock_t s, int option, int value);
XSOCK__INTERNAL int xsock__os_get_option(xsock_t s, int option, int *value);

/* The value a platform tree's os_sockets.h gives an option name that its
 * OS does not have (no OS numbers an option -1): options_bsd.c then
 * reports XSOCK_ENOTSUP. */
#define XSOCK__SO_NONE (-1)

/* Looks up an interface name for an IPv6 zone ("lo", "eth0"); 0 when it is
 * unknown. */
XSOCK__INTERNAL uint32_t xsock__if_index(const char *name);

/* A fact, not a failure, that an OS half reports (a positive result):
 * the socket is not bound. */
#define XSOCK__UNBOUND 1

/* ---- socket front ends -> per-OS calls (src/common/X_api.c ->
 * src/posix/X.c, src/win32/X.c) ----
 *
 * The public socket, I/O, name and lifecycle calls check their arguments
 * once in src/common (arguments first, then the handle; out-parameters set
 * there on failure) and then call exactly one of these. They receive only
 * what the front end accepted: a handle that is not XSOCK_INVALID, non-NULL
 * pointers (except where a NULL is named below), a family of
 * XSOCK_AF_INET/_INET6/_UNIX, a type of XSOCK_STREAM/_DGRAM, a length at
 * most PTRDIFF_MAX, a how of XSOCK_SHUT_*. They report failure with an
 * XSOCK_E* code recorded through xsock__fail / xsock__os_fail. */

/* 0 after a successful xsock_init() not yet balanced by xsock_cleanup(),
 * else XSOCK_ENOTINIT (recorded). Every call that creates a handle (socket,
 * socketpair, selector open, resolve) asks it first; the I/O path never. */
XSOCK__INTERNAL int xsock__check_init(void);

/* Front-end helpers in socket_api.c: the address check
 * of bind, connect and sendto (non-NULL, family INET, INET6 or UNIX, else
 * XSOCK_EINVAL), and the code of their failure rc, which becomes
 * XSOCK_EAFNOSUPPORT when addr's family is not the socket's. */
XSOCK__INTERNAL int xsock__sock_check_addr(const xsock_addr_t *addr);
XSOCK__INTERNAL int xsock__sock_addr_fail(xsock_t s, const xsock_addr_t *addr,
                                          int rc);
/* What a send (xsock_send, xsock_sendv) reports when the OS refused it
 * with rc (src/common/io_api.c): rc, except on a socket whose connect
 * failed with an error still pending, where it is that error, as POSIX's
 * send gives it. Called on the failure path only. */
XSOCK__INTERNAL xsock_ssize_t xsock__send_fail(xsock_t s, xsock_ssize_t rc);
/* The same for a receive (recv, peek, recvfrom, recvv) that gave n <= 0:
 * n, except on a socket whose failed connect's error is still pending,
 * where it is that error. Called when xsock__recv_end() says so. */
XSOCK__INTERNAL xsock_ssize_t xsock__recv_fail(xsock_t s, xsock_ssize_t n);
/* What a receive that gave n returns: n, or on a failure (and, where the
 * OS reads a failed connect as end of stream, on an end of stream:
 * XSOCK__OS_EOF_HIDES_CONNECT_ERROR) what xsock__recv_fail makes of it.
 * A receive that got bytes pays one comparison. */
static inline xsock_ssize_t xsock__recv_end(xsock_t s, xsock_ssize_t n) {
  if (XSOCK__UNLIKELY(n < 0 || (n == 0 && XSOCK__OS_EOF_HIDES_CONNECT_ERROR)))
    return xsock__recv_fail(s, n);
  return n;
}

/* xsock_connect_addrs() with the deadline counted from start_ms
 * (src/common/connect_race.c): xsock_create_connection() starts it before
 * the resolver runs. */
XSOCK__INTERNAL int xsock__connect_addrs(xsock_t *out,
                                         const xsock_addr_t *addrs, int n,
                                         int timeout_ms, int attempt_delay_ms,
                                         int64_t start_ms, int flags);
#ifdef XSOCK_TEST_HOOKS
/* The backend of the race's selector, which a test sets (connect_race.c). */
extern int xsock__race_backend;
#endif

/* The lock that guards the front end's reference count of xsock_init() (a
 * static mutex on POSIX, a critical section created once on Windows), and
 * the OS start-up run when that count leaves / returns to 0 (WSAStartup /
 * WSACleanup on Windows, nothing on POSIX). */
XSOCK__INTERNAL int xsock__os_lock(void);
XSOCK__INTERNAL void xsock__os_unlock(void);
XSOCK__INTERNAL int xsock__os_init(void);
XSOCK__INTERNAL void xsock__os_cleanup(void);

/* nonblock is 0 or 1. */
XSOCK__INTERNAL int xsock__os_socket(xsock_t *out, int family, int type,
                                     int nonblock);
XSOCK__INTERNAL int xsock__os_socketpair(int type, xsock_t pair[2]);
XSOCK__INTERNAL int xsock__os_close(xsock_t s);
XSOCK__INTERNAL int xsock__os_set_nonblocking(xsock_t s, int on);
XSOCK__INTERNAL int xsock__os_bind(xsock_t s, const xsock_addr_t *addr);
/* backlog <= 0 asks for the OS maximum. */
/* XSOCK__UNBOUND when the OS refuses to listen on a socket that is not
 * bound (Windows; POSIX binds it itself), which the front end then binds
 * as POSIX would and listens again. */
XSOCK__INTERNAL int xsock__os_listen(xsock_t s, int backlog);
/* peer may be NULL. */
XSOCK__INTERNAL int xsock__os_accept(xsock_t listener, xsock_t *out,
                                     xsock_addr_t *peer, int nonblock);
XSOCK__INTERNAL int xsock__os_shutdown(xsock_t s, int how);
/* *addr arrives zeroed; an unnamed socket may leave it so. */
/* XSOCK__UNBOUND, *addr untouched, when the OS has no name for a socket
 * that is not bound (Windows; POSIX gives the any-address itself). */
XSOCK__INTERNAL int xsock__os_getsockname(xsock_t s, xsock_addr_t *addr);
XSOCK__INTERNAL int xsock__os_getpeername(xsock_t s, xsock_addr_t *addr);
XSOCK__INTERNAL int xsock__os_connect(xsock_t s, const xsock_addr_t *addr);
/* What the OS says about s's connection, for xsock_connect_result() and
 * for a send that meets a failed connect (connect_api.c and io_api.c of
 * src/common decide what each caller reports from it). Returns one of
 * XSOCK__CONN_* or a recorded failure (XSOCK_EBADF for a closed handle).
 * *os_error is the raw pending error (SO_ERROR) with XSOCK__CONN_FAILED, else
 * 0. POSIX clears that error when it is read, here or by a send or recv;
 * Windows keeps a failed connect's error until the socket is closed. */
enum {
  XSOCK__CONN_UP = 0,      /* connected: the socket has a peer */
  XSOCK__CONN_PENDING = 1, /* a connect is in progress */
  XSOCK__CONN_FAILED = 2,  /* an error is pending: a failed connect (or,
                              on POSIX, a reset not yet read) */
  XSOCK__CONN_NONE = 3     /* no connection and none in progress: never
                              connected, or (POSIX, which forgets it) a
                              failed connect whose error was read */
};
XSOCK__INTERNAL int xsock__os_connect_state(xsock_t s, int *os_error);

/* ---- I/O front ends -> raw per-OS calls (src/common/io_api.c, iov_api.c
 * -> src/posix and src/win32 io.c, iov.c) ----
 *
 * Every rule that makes an I/O result the same on every OS is applied
 * once, in the front end (io_api.c says which and why): the argument
 * checks, the clamp of a length to XSOCK__OS_IO_MAX, the retry of an
 * interrupted call, the call of 0 bytes, and what a failure means (a
 * timeout that ran out, a receive after shutdown, a datagram's reset).
 * The calls below make exactly one OS call each and report what it said,
 * without retrying, recording or reinterpreting it: the count (>= 0), or
 * the OS's raw error code in *err and its XSOCK_E* mapping
 * (xsock__map_os_error) as the result. They receive a handle that is not
 * XSOCK_INVALID, non-NULL buffers, and at most XSOCK__OS_IO_MAX bytes in
 * all. */
XSOCK__INTERNAL xsock_ssize_t xsock__os_send(xsock_t s, const void *buf,
                                             size_t len, int *err);
XSOCK__INTERNAL xsock_ssize_t xsock__os_recv(xsock_t s, void *buf, size_t len,
                                             int *err);
/* A recv that leaves the bytes queued (MSG_PEEK). */
XSOCK__INTERNAL xsock_ssize_t xsock__os_peek(xsock_t s, void *buf, size_t len,
                                             int *err);
/* An address to that the OS cannot take (an AF_UNIX path too long for
 * its sun_path, AF_UNIX on Windows) gives its XSOCK_E* code, recorded,
 * with *err 0. */
XSOCK__INTERNAL xsock_ssize_t xsock__os_sendto(xsock_t s, const void *buf,
                                               size_t len,
                                               const xsock_addr_t *to,
                                               int *err);
/* from may be NULL; when not, it arrives zeroed and stays so for a sender
 * xsock cannot express. */
XSOCK__INTERNAL xsock_ssize_t xsock__os_recvfrom(xsock_t s, void *buf,
                                                 size_t len, xsock_addr_t *from,
                                                 int *err);
/* 0 <= iovcnt <= XSOCK_IOV_MAX, every base is not NULL. */
XSOCK__INTERNAL xsock_ssize_t xsock__os_sendv(xsock_t s,
                                              const xsock_iovec_t *iov,
                                              int iovcnt, int *err);
XSOCK__INTERNAL xsock_ssize_t xsock__os_recvv(xsock_t s,
                                              const xsock_iovec_t *iov,
                                              int iovcnt, int *err);

/* Whether a call on s that failed with XSOCK_EAGAIN did so because the
 * socket is blocking and its receive (receiving 1: SO_RCVTIMEO) or send
 * (receiving 0: SO_SNDTIMEO) timeout ran out: 1 or 0, nothing recorded.
 * Asked by the front end after an XSOCK_EAGAIN only, never on the path of
 * a call that succeeds (src/posix/io.c, src/win32/io.c). */
XSOCK__INTERNAL int xsock__os_eagain_timed_out(xsock_t s, int receiving);

/* The front end's own helpers, shared by io_api.c, iov_api.c and
 * stream.c (src/common/io_api.c): the checks of one buffer (buf not NULL,
 * len at most PTRDIFF_MAX, else XSOCK_EINVAL; then the handle,
 * XSOCK_EBADF for XSOCK_INVALID), and the result of a call whose raw OS
 * call failed with code and the raw err: the one place that decides what
 * a failure means for every I/O call. It returns XSOCK_EINTR (not
 * recorded) when the call is to be made again, else the call's result,
 * recorded. */
XSOCK__INTERNAL int xsock__io_check(xsock_t s, const void *buf, size_t len);
XSOCK__INTERNAL xsock_ssize_t xsock__io_fail(xsock_t s, xsock_ssize_t code,
                                             int err, int receiving);
/* What a call of 0 bytes on s does (io_api.c): 0, its result, at once;
 * 1 for a send on a datagram socket, which the OS must make (an empty
 * datagram); or the failure of the check of the handle (XSOCK_EBADF for
 * a closed one). */
XSOCK__INTERNAL xsock_ssize_t xsock__io_nothing(xsock_t s, int receiving);

/* The length one OS call is given: len clamped to XSOCK__OS_IO_MAX
 * (config.h), so that the call moves fewer bytes and reports the count. */
static inline size_t xsock__io_clamp(size_t len) {
  return len > XSOCK__OS_IO_MAX ? XSOCK__OS_IO_MAX : len;
}

/* One wait of xsock_wait (src/posix/wait.c, src/win32/wait.c): events is
 * a nonzero subset of XSOCK_READ|XSOCK_WRITE, timeout_ms < 0 forever.
 * Returns what the OS reported in XSOCK_* bits before
 * xsock__ready_events() (0 when the time ran out), XSOCK_EINTR (not
 * recorded) when a signal ended the wait, XSOCK_EBADF for a closed
 * handle, or another recorded failure. */
XSOCK__INTERNAL int xsock__os_wait(xsock_t s, unsigned events, int timeout_ms);

#endif /* XSOCK_COMMON_INTERNAL_H */
