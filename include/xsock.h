/* SPDX-License-Identifier: MIT */
/**
 * @file
 * xsock — portable sockets and a readiness selector for POSIX and Windows.
 *
 * This header is the whole public API and its documentation.
 *
 * Conventions that hold for every call below:
 *  - A call returns 0 (or a count) on success and a negative XSOCK_E* code
 *    on failure. The codes have the same numeric values on every OS.
 *    Nothing returns -1 with errno set, nothing aborts, nothing prints.
 *  - The raw OS code of the calling thread's last failure is kept for
 *    diagnostics: xsock_last_os_error().
 *  - On failure a handle out-parameter is set to XSOCK_INVALID; the socket
 *    calls also zero their address out-parameters (see "Sockets"); other
 *    out-parameters (option values, ...) hold nothing meaningful.
 *  - EINTR is retried inside every call except xsock_close() (retrying
 *    close is unsafe: the descriptor may already be reused) and except
 *    xsock_selector_wait(), which retries with the time left.
 *  - Safe defaults: every socket created or accepted is not inherited by
 *    child processes (close-on-exec; non-inheritable on Windows), set
 *    atomically where the OS allows (SOCK_CLOEXEC, accept4,
 *    WSA_FLAG_NO_HANDLE_INHERIT) and right after creation elsewhere (macOS,
 *    and sockets accepted on Windows); writing to
 *    a socket whose peer is gone returns XSOCK_EPIPE or XSOCK_ECONNRESET and
 *    never raises SIGPIPE; the library never changes signal dispositions;
 *    every IPv6 socket is created IPv6-only (dual stack is explicit, see
 *    XSOCK_OPT_V6ONLY); Windows listeners use exclusive address use.
 *  - Call xsock_init() once before anything else (it starts Winsock on
 *    Windows and is cheap everywhere); xsock_cleanup() balances it. The
 *    calls that create a handle (xsock_socket, xsock_socketpair,
 *    xsock_selector_open, xsock_resolve, xsock_create_connection,
 *    xsock_create_server) give XSOCK_ENOTINIT before it, on every OS.
 *
 * ABI: the layouts a caller depends on, in bytes (size/alignment), on
 * every target; tests/test_sizes.c asserts them, at compile time too.
 * Only the pointer size and the OS change them: no public struct holds a
 * 64-bit integer, whose alignment differs between 32-bit ABIs.
 *
 * | type                  | POSIX 64 | POSIX 32 | Windows 64 | Windows 32 |
 * |-----------------------|----------|----------|------------|------------|
 * | xsock_t               | 4/4      | 4/4      | 8/8        | 4/4        |
 * | xsock_ssize_t         | 8        | 4        | 8          | 4          |
 * | xsock_event_t         | 16/8     | 12/4     | 24/8       | 12/4       |
 * | xsock_addr_t          | 120/4    | 120/4    | 120/4      | 120/4      |
 * | xsock_iovec_t         | 16/8     | 8/4      | 16/8       | 8/4        |
 * | xsock_frame_decoder_t | 88/8     | 52/4     | 88/8       | 52/4       |
 * | xsock_frame_encoder_t | 56/8     | 32/4     | 56/8       | 32/4       |
 * | xsock_wqueue_t        | 72/8     | 40/4     | 72/8       | 40/4       |
 *
 * POSIX 64 is Linux on x86_64, aarch64 and s390x (glibc or musl), macOS
 * and the BSDs; POSIX 32 is Linux on armhf, i386 and powerpc; Windows is
 * MinGW-w64 (gcc or clang) and MSVC. The fields of each struct come in the
 * order declared, with no padding but at the end (and, in xsock_event_t
 * on Windows 64, before udata).
 */
#ifndef XSOCK_H
#define XSOCK_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#include "xsock/win32.h"
#else
#include "xsock/posix.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Shared-library export marker. Static builds (the default) need nothing;
 * a DLL build defines XSOCK_SHARED when building and using the library. */
#if defined(_WIN32) && defined(XSOCK_SHARED)
#ifdef XSOCK_BUILDING
#define XSOCK_API __declspec(dllexport)
#else
#define XSOCK_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && defined(XSOCK_SHARED)
#define XSOCK_API __attribute__((visibility("default")))
#else
#define XSOCK_API
#endif

/* ---------------------------------------------------------------------- */
/* Version and lifecycle                                                    */

/* The project's one record of its version: CMakeLists.txt reads these
 * lines for project(VERSION), the SONAME, the CMake package and xsock.pc. */
#define XSOCK_VERSION_MAJOR 0
#define XSOCK_VERSION_MINOR 2
#define XSOCK_VERSION_PATCH 0
#define XSOCK_VERSION_STRING "0.2.0"

/** The library's version as "MAJOR.MINOR.PATCH" (static storage). */
XSOCK_API const char *xsock_version(void);

/** Initialises the library: WSAStartup(2.2) on Windows, nothing more on
 * POSIX. Reference-counted and thread-safe: every successful xsock_init()
 * must be balanced by one xsock_cleanup(). Until it has succeeded, the
 * calls that create a handle (xsock_socket, xsock_socketpair,
 * xsock_selector_open, xsock_resolve, xsock_create_connection,
 * xsock_create_server) give XSOCK_ENOTINIT on every OS. */
XSOCK_API int xsock_init(void);

/** Releases one xsock_init() reference; the last one calls WSACleanup,
 * which on Windows destroys every socket still open, so close them first.
 * A cleanup without a matching successful xsock_init() is ignored. */
XSOCK_API void xsock_cleanup(void);

/** @def XSOCK_VERSION_MAJOR
 * The major version of this header; xsock_version() gives the library's. */
/** @def XSOCK_VERSION_MINOR
 * The minor version of this header. */
/** @def XSOCK_VERSION_PATCH
 * The patch version of this header. */
/** @def XSOCK_VERSION_STRING
 * This header's version as "MAJOR.MINOR.PATCH". */

/* ---------------------------------------------------------------------- */
/* Errors                                                                   */

/** The error vocabulary: XX(NAME, value, message). One list generates the
 * enum, xsock_err_name() and xsock_strerror(). The values are part of the
 * ABI and never change; new codes get new values. */
#define XSOCK_ERRNO_MAP(XX)                                                    \
  XX(EAGAIN, -1, "resource temporarily unavailable (operation would block)")   \
  XX(EINPROGRESS, -2, "operation in progress")                                 \
  XX(ECONNREFUSED, -3, "connection refused")                                   \
  XX(ECONNRESET, -4, "connection reset by peer")                               \
  XX(ECONNABORTED, -5, "connection aborted")                                   \
  XX(EPIPE, -6, "broken pipe (peer closed or socket shut down for writing)")   \
  XX(ETIMEDOUT, -7, "connection timed out")                                    \
  XX(EADDRINUSE, -8, "address already in use")                                 \
  XX(EADDRNOTAVAIL, -9, "address not available")                               \
  XX(EAFNOSUPPORT, -10, "address family not supported")                        \
  XX(EINVAL, -11, "invalid argument")                                          \
  XX(EBADF, -12, "bad or closed handle")                                       \
  XX(EEXIST, -13, "already exists (handle already registered)")                \
  XX(ENOENT, -14, "not found (handle not registered)")                         \
  XX(ERANGE, -15, "value out of range")                                        \
  XX(ENOMEM, -16, "out of memory")                                             \
  XX(EMFILE, -17, "too many open handles")                                     \
  XX(ENOTSUP, -18, "operation not supported")                                  \
  XX(ENOSPC, -19, "buffer too small")                                          \
  XX(EINTR, -20, "interrupted")                                                \
  XX(ENOTCONN, -21, "socket is not connected")                                 \
  XX(EHOSTUNREACH, -22, "host is unreachable")                                 \
  XX(ENETUNREACH, -23, "network is unreachable")                               \
  XX(EMSGSIZE, -24, "message too long")                                        \
  XX(EISCONN, -25, "socket is already connected")                              \
  XX(EALREADY, -26, "operation already in progress")                           \
  XX(ENOTSOCK, -27, "handle is not a socket")                                  \
  XX(EACCES, -28, "permission denied")                                         \
  XX(ENOBUFS, -29, "no buffer space available")                                \
  XX(ENETDOWN, -30, "network is down")                                         \
  XX(EPROTONOSUPPORT, -31, "protocol not supported")                           \
  XX(EAI_NONAME, -32, "host or service not known")                             \
  XX(EAI_AGAIN, -33, "temporary failure in name resolution")                   \
  XX(EAI_FAIL, -34, "non-recoverable failure in name resolution")              \
  XX(ENOTINIT, -35, "xsock_init() has not been called")                        \
  XX(EPROTO, -36, "protocol error (a malformed or truncated message)")         \
  XX(EFULL, -37, "queue full, flush first (wait for XSOCK_WRITE)")             \
  XX(EUNKNOWN, -100, "unknown error")

/** The error codes: XSOCK_<NAME> = value for each entry of
 * XSOCK_ERRNO_MAP (XSOCK_EAGAIN = -1, ...). */
typedef enum xsock_errno {
#define XSOCK__ERR_ENUM(name, value, msg) XSOCK_##name = (value),
  XSOCK_ERRNO_MAP(XSOCK__ERR_ENUM)
#undef XSOCK__ERR_ENUM
} xsock_errno_t;

/** A message for an XSOCK_E* code (static storage). Unknown values give
 * "unknown error"; 0 gives "success". */
XSOCK_API const char *xsock_strerror(int err);

/** The code's name without the prefix, e.g. "ECONNREFUSED" (static
 * storage); unknown values give "EUNKNOWN", 0 gives "OK". */
XSOCK_API const char *xsock_err_name(int err);

/** The raw OS error (errno, or WSAGetLastError()/GetLastError() on Windows)
 * behind the calling thread's most recent failing xsock call, 0 if none.
 * Mapped codes keep it too, so XSOCK_EUNKNOWN can be diagnosed. Errors that
 * xsock detects itself (bad arguments) leave 0. After a failed
 * xsock_resolve it is the resolver's EAI_* code (a Winsock code on
 * Windows; negative on glibc, where xsock_os_strerror describes it). */
XSOCK_API int xsock_last_os_error(void);

/** Writes the OS's own message for a raw OS error code (strerror_r, or
 * FormatMessage on Windows) into buf, always NUL-terminated and truncated
 * to fit. Returns the length written, or XSOCK_EINVAL for a NULL/empty
 * buffer. */
XSOCK_API int xsock_os_strerror(int os_error, char *buf, size_t len);

/* ---------------------------------------------------------------------- */
/* Addresses                                                                */

/** Address families and socket types, with the same values on every OS (they
 * are not the OS's AF_* / SOCK_* numbers). */
enum {
  XSOCK_AF_UNSPEC = 0,
  XSOCK_AF_INET = 4,
  XSOCK_AF_INET6 = 6,
  XSOCK_AF_UNIX = 1 /**< POSIX only: XSOCK_EAFNOSUPPORT on Windows */
};
enum { XSOCK_STREAM = 1, XSOCK_DGRAM = 2 };

/** Longest path an AF_UNIX address holds, without the terminating NUL.
 * Some systems (macOS, BSD: 103) hold fewer; a path too long for the OS
 * gives XSOCK_EINVAL when it is used. */
#define XSOCK_UNIX_PATH_MAX 107

/** Buffer size that always holds xsock_addr_format()'s output. */
#define XSOCK_ADDRSTRLEN 128

/** A socket address in a portable form: the library converts it to and from
 * the OS's sockaddr inside each call. Treat the fields as read-only and use
 * the functions below to make one; an all-zero value is "no address". */
typedef struct xsock_addr {
  uint16_t family;   /**< XSOCK_AF_*; XSOCK_AF_UNSPEC when empty */
  uint16_t port;     /**< host byte order (IPv4, IPv6) */
  uint32_t scope_id; /**< IPv6 zone index (0 = none) */
  uint32_t flowinfo; /**< IPv6 flow information as the OS gave it */
  union {
    uint8_t ip[16];                     /**< IPv4 in ip[0..3], network order */
    char path[XSOCK_UNIX_PATH_MAX + 1]; /**< AF_UNIX, NUL-terminated */
  } u; /**< the address: ip for IPv4 and IPv6, path for AF_UNIX */
} xsock_addr_t;

/** Parses a numeric address with a port, without any name lookup:
 *   "127.0.0.1:8080"   IPv4 dotted quad (exactly four decimal parts)
 *   "[::1]:80"         IPv6 in brackets
 *   "[fe80::1%2]:80"   IPv6 with a numeric zone index
 *   "[fe80::1%lo]:80"  IPv6 with an interface name (looked up in the OS)
 *   "unix:/tmp/sock"   AF_UNIX path (POSIX only)
 * The port is decimal 0..65535. Anything else (a missing port, missing
 * brackets, a bad IPv4 or IPv6 form, an unknown interface, trailing text,
 * whitespace, leading zeros that some parsers read as octal ("01.2.3.4",
 * port "080"), a text of XSOCK_ADDRSTRLEN bytes or more) gives XSOCK_EINVAL
 * and leaves *addr zeroed. */
XSOCK_API int xsock_addr_parse(xsock_addr_t *addr, const char *text);

/** Formats addr as text that xsock_addr_parse() reads back to the same
 * value ("1.2.3.4:80", "[::1]:80", "[fe80::1%2]:80", "unix:/path"). IPv6 is
 * written in its canonical RFC 5952 form. Returns the text's length (not
 * counting the NUL), XSOCK_ENOSPC if buf cannot hold text and NUL (buf then
 * holds an empty string when len > 0; nothing is written past len), or
 * XSOCK_EINVAL for a NULL or empty address. */
XSOCK_API int xsock_addr_format(const xsock_addr_t *addr, char *buf,
                                size_t len);

/** @{ */
/** Fills addr with the loopback (127.0.0.1 or ::1) or any-address (0.0.0.0
 * or ::) of family XSOCK_AF_INET or XSOCK_AF_INET6 and the given port.
 * XSOCK_EINVAL for another family, XSOCK_ERANGE for a port outside
 * 0..65535; *addr is zeroed on failure. */
XSOCK_API int xsock_addr_loopback(xsock_addr_t *addr, int family, int port);
XSOCK_API int xsock_addr_any(xsock_addr_t *addr, int family, int port);
/** @} */

/** Fills addr with an AF_UNIX path; XSOCK_EINVAL if it is empty or longer
 * than XSOCK_UNIX_PATH_MAX. */
XSOCK_API int xsock_addr_unix(xsock_addr_t *addr, const char *path);

/** The port of an IPv4/IPv6 address (0..65535); XSOCK_EINVAL otherwise. */
XSOCK_API int xsock_addr_port(const xsock_addr_t *addr);

/** Sets the port of an IPv4/IPv6 address; XSOCK_EINVAL for another family,
 * XSOCK_ERANGE for a port outside 0..65535. */
XSOCK_API int xsock_addr_set_port(xsock_addr_t *addr, int port);

/** The family of addr (XSOCK_AF_*), XSOCK_AF_UNSPEC for NULL or empty. */
XSOCK_API int xsock_addr_family(const xsock_addr_t *addr);

/** 1 if a and b hold the same address (family, ip, port, scope / path;
 * flowinfo is not compared; two empty addresses are equal), else 0. An
 * AF_UNIX address whose path has no NUL within its field is not a valid
 * address and equals nothing (0, even compared with itself). */
XSOCK_API int xsock_addr_equal(const xsock_addr_t *a, const xsock_addr_t *b);

/** @{ */
/** Conversions to and from the OS's struct sockaddr, for code that mixes
 * xsock with raw socket calls. to_sockaddr writes at most *len bytes into
 * sa and sets *len to the size used (XSOCK_ENOSPC if too small; on any
 * failure neither sa nor *len is written);
 * from_sockaddr reads len bytes (XSOCK_EAFNOSUPPORT for a family xsock does
 * not know, XSOCK_EINVAL for a short length; *addr is zeroed on failure).
 * An AF_UNIX address whose path is empty or has no NUL within its field
 * gives XSOCK_EINVAL here and in every call that takes an address (bind,
 * connect, sendto; XSOCK_EAFNOSUPPORT on Windows, which has no AF_UNIX in
 * xsock); its path is never read past the field. */
XSOCK_API int xsock_addr_to_sockaddr(const xsock_addr_t *addr, void *sa,
                                     size_t *len);
XSOCK_API int xsock_addr_from_sockaddr(xsock_addr_t *addr, const void *sa,
                                       size_t len);
/** @} */

/** Resolves host (a name or a numeric address; NULL means the any-address,
 * for binding) and port through the OS resolver (getaddrinfo) into at most
 * max addresses of family XSOCK_AF_INET, XSOCK_AF_INET6 or
 * XSOCK_AF_UNSPEC (both), for stream sockets, in the resolver's order. An
 * empty host name gives XSOCK_EAI_NONAME on every OS (Windows' resolver
 * would answer with the local addresses).
 * Returns the number stored (>= 1), or XSOCK_EAI_NONAME, XSOCK_EAI_AGAIN,
 * XSOCK_EAI_FAIL, XSOCK_EAFNOSUPPORT, XSOCK_ENOMEM, XSOCK_EINVAL. Blocks.
 * On failure out[0] (when out is not NULL and max > 0) is the empty
 * address; no entry past the count returned holds an address. */
XSOCK_API int xsock_resolve(const char *host, int port, int family,
                            xsock_addr_t *out, size_t max);

/* ---------------------------------------------------------------------- */
/* Sockets                                                                  */

/* Every call below checks its arguments in one order, the same on every
 * OS, before the OS sees them:
 *  1. an out-parameter pointer that is NULL gives XSOCK_EINVAL; otherwise
 *     the out-parameter is reset, and it stays reset on any failure
 *     (handles XSOCK_INVALID, addresses zeroed: XSOCK_AF_UNSPEC);
 *  2. any other bad argument (a NULL buffer or address, an empty address
 *     or one of an unknown family, an unknown family, type, flag or how,
 *     a length above PTRDIFF_MAX) gives XSOCK_EINVAL;
 *  3. XSOCK_INVALID as the handle gives XSOCK_EBADF (so does a closed
 *     handle, found by the OS);
 *  4. a call that creates a handle gives XSOCK_ENOTINIT before
 *     xsock_init().
 * So xsock_shutdown(XSOCK_INVALID, 7) is XSOCK_EINVAL everywhere. */

/** A signed byte count: >= 0 bytes, or a negative XSOCK_E* code. */
typedef ptrdiff_t xsock_ssize_t;

/** Flags for xsock_socket() and xsock_accept(). */
#define XSOCK_NONBLOCK 1

/** How for xsock_shutdown(). */
enum { XSOCK_SHUT_RD = 0, XSOCK_SHUT_WR = 1, XSOCK_SHUT_RDWR = 2 };

/** Creates a socket of family XSOCK_AF_INET, XSOCK_AF_INET6 or XSOCK_AF_UNIX
 * and type XSOCK_STREAM (TCP) or XSOCK_DGRAM (UDP). flags: 0 or
 * XSOCK_NONBLOCK. The socket is close-on-exec / non-inheritable, never
 * raises SIGPIPE, and an IPv6 socket is IPv6-only. *out is XSOCK_INVALID on
 * failure; XSOCK_ENOTINIT before xsock_init(). */
XSOCK_API int xsock_socket(xsock_t *out, int family, int type, int flags);

/** Binds to addr. XSOCK_EADDRINUSE when the address is taken.
 * XSOCK_EAFNOSUPPORT for an address whose family is not the socket's (an
 * IPv6 address for an IPv4 socket, and the other way round); the same
 * holds for xsock_connect and xsock_sendto. */
XSOCK_API int xsock_bind(xsock_t s, const xsock_addr_t *addr);

/** Starts listening; backlog <= 0 means the OS maximum. A stream socket
 * that was never bound is first bound to the any-address of its family
 * and an ephemeral port (POSIX does this itself, xsock does it on
 * Windows); xsock_getsockname() then tells the port. */
XSOCK_API int xsock_listen(xsock_t s, int backlog);

/** Accepts one connection into *out (close-on-exec, XSOCK_NONBLOCK in flags
 * makes it non-blocking) and, when peer is not NULL, stores its address.
 * A non-blocking listener with nothing pending gives XSOCK_EAGAIN. On
 * failure *out is XSOCK_INVALID and *peer is zeroed. */
XSOCK_API int xsock_accept(xsock_t listener, xsock_t *out, xsock_addr_t *peer,
                           int flags);

/** A handle held in reserve for the day the process runs out of them.
 *
 * When every descriptor is in use, xsock_accept() fails with XSOCK_EMFILE
 * (the process's limit or, on POSIX, the system's: ENFILE maps to it
 * too) and the connection stays pending: the listener stays readable, so
 * a level-triggered selector loop would wake at once, again and again,
 * and spin at full CPU without serving anyone. A server keeps one
 * xsock_reserve_t and, on that error, calls xsock_accept_shed(): the
 * reserve is released, the pending connection is accepted and closed at
 * once (its client sees the connection closed), and the reserve is taken
 * again. The backlog drains, the listener goes quiet, and the server goes
 * on serving the clients it has. The reserve is one socket (an IPv4 UDP
 * socket: every OS has it), so it is counted where socket handles are
 * counted. */
typedef struct xsock_reserve {
  xsock_t handle; /**< the reserved handle, or XSOCK_INVALID */
} xsock_reserve_t;

/** Opens the reserve r: 0, or the error of xsock_socket() (XSOCK_ENOTINIT
 * before xsock_init(), XSOCK_EMFILE, ...); r->handle is XSOCK_INVALID on
 * failure. XSOCK_EINVAL for a NULL r. */
XSOCK_API int xsock_reserve_open(xsock_reserve_t *r);

/** Closes the reserve (nothing for NULL or an empty one). */
XSOCK_API void xsock_reserve_close(xsock_reserve_t *r);

/** Sheds one pending connection of listener using the reserve r, as
 * described above: returns 1 when one was accepted and closed, 0 when
 * none was pending (a non-blocking listener; a blocking one waits for
 * one), or a negative code: XSOCK_EMFILE when even the
 * reserve's handle was not enough (another thread took it), or the
 * error of xsock_accept(). The reserve is taken again before it returns;
 * if that fails (another thread took the handle) r->handle is
 * XSOCK_INVALID, and each later call tries again. Call it in the accept
 * loop until it returns 0, or until xsock_accept() works again.
 * XSOCK_EINVAL for a NULL r, XSOCK_EBADF for an XSOCK_INVALID listener. */
XSOCK_API int xsock_accept_shed(xsock_t listener, xsock_reserve_t *r);

/** Connects. A blocking socket returns 0 or the failure (XSOCK_ECONNREFUSED,
 * XSOCK_ETIMEDOUT, ...). A non-blocking socket returns 0 if the connection
 * completed at once, otherwise XSOCK_EINPROGRESS: wait until the selector
 * reports it writable, then call xsock_connect_result(). */
XSOCK_API int xsock_connect(xsock_t s, const xsock_addr_t *addr);

/** The outcome of a non-blocking connect: 0 when connected,
 * XSOCK_EINPROGRESS while still pending, or the failure
 * (XSOCK_ECONNREFUSED, XSOCK_ETIMEDOUT, XSOCK_EHOSTUNREACH, ...). The first
 * call that meets a failure reports it on every OS (this one, a send or
 * a receive). After that POSIX systems have cleared it and a repeated
 * call gives XSOCK_ENOTCONN, while Windows keeps a failed connect until
 * the socket is closed and gives the failure again (docs/semantics.md,
 * "After a failed connect"): close a socket whose connect failed. Call it
 * when the connect's socket turns writable: on a connection that was up
 * and then reset by its peer, POSIX gives XSOCK_ECONNRESET here (and a
 * receive then reads end of stream) while Windows gives 0 (and the
 * receive reports the reset). For a socket on
 * which connect was never called it gives XSOCK_ENOTCONN, except for a
 * bound one on Windows, where Winsock cannot tell it from a pending
 * connect (XSOCK_EINPROGRESS). */
XSOCK_API int xsock_connect_result(xsock_t s);

/** Sends up to len bytes; returns how many were queued (may be fewer than
 * len), or XSOCK_EAGAIN (non-blocking and the send buffer is full),
 * XSOCK_ETIMEDOUT (blocking, and XSOCK_OPT_SNDTIMEO ran out),
 * XSOCK_EPIPE or XSOCK_ECONNRESET (peer gone, or shut down for writing; no
 * SIGPIPE), XSOCK_ENOTCONN or XSOCK_EPIPE (a stream socket never connected:
 * which one depends on the OS), the failure of a non-blocking connect
 * that no call has reported yet (XSOCK_ECONNREFUSED, ...: on every OS;
 * once reported, XSOCK_EPIPE on POSIX and the failure again on Windows,
 * as xsock_connect_result() says), ...
 * For every I/O call below, the same on every OS:
 *  - A NULL buffer gives XSOCK_EINVAL even when len is 0, and a len above
 *    PTRDIFF_MAX gives XSOCK_EINVAL (the result could not represent it;
 *    such a length is a caller's bug, never clamped). A valid len may
 *    still move fewer bytes in one call (Windows takes at most INT_MAX
 *    per call).
 *  - A blocking call whose timeout (XSOCK_OPT_RCVTIMEO for the receives,
 *    XSOCK_OPT_SNDTIMEO for the sends) runs out gives XSOCK_ETIMEDOUT; a
 *    non-blocking call that would have to wait gives XSOCK_EAGAIN,
 *    whatever timeout is set.
 *  - A call of 0 bytes never waits. A receive of 0 bytes (len 0, or
 *    xsock_recvv() with iovcnt 0 or only empty buffers) returns 0 at once
 *    and takes nothing, not even a datagram; a send of 0 bytes returns 0
 *    at once on a stream socket and sends an empty datagram on a datagram
 *    socket. Only the handle is checked (XSOCK_EBADF for a closed one).
 *  - An interrupted system call is made again: XSOCK_EINTR never comes
 *    out. */
XSOCK_API xsock_ssize_t xsock_send(xsock_t s, const void *buf, size_t len);

/** Receives up to len bytes; returns how many arrived, 0 at end of stream
 * (the peer closed gracefully, or this side shut down for reading) or for
 * len 0, XSOCK_EAGAIN (non-blocking, nothing there), XSOCK_ETIMEDOUT
 * (blocking, and XSOCK_OPT_RCVTIMEO ran out), XSOCK_ECONNRESET (the peer
 * reset the connection), the failure of a non-blocking connect that no
 * call has reported yet (XSOCK_ECONNREFUSED, ...: on every OS; once
 * reported, 0 on POSIX and the failure again on Windows, as
 * xsock_connect_result() says), ... */
XSOCK_API xsock_ssize_t xsock_recv(xsock_t s, void *buf, size_t len);

/** Sends all len bytes, looping over partial sends. Returns len on success.
 * On a non-blocking socket whose buffer fills up it returns the number of
 * bytes sent so far (less than len; send the rest when the selector says
 * writable), or XSOCK_EAGAIN if nothing could be sent. On an error
 * (XSOCK_ETIMEDOUT included) it returns the error code; the connection is
 * then broken and how much of the data reached the peer is unknown. */
XSOCK_API xsock_ssize_t xsock_sendall(xsock_t s, const void *buf, size_t len);

/** Receives exactly len bytes, looping over partial receives (a stream has
 * no message boundaries: this is how a fixed-size record is read). Returns
 * len on success; fewer than len (possibly 0) when the peer closed first;
 * on a non-blocking socket the bytes received before it would block (or
 * XSOCK_EAGAIN if none); on an error the error code (XSOCK_ETIMEDOUT too,
 * even after some bytes: see XSOCK_OPT_RCVTIMEO). */
XSOCK_API xsock_ssize_t xsock_recv_exact(xsock_t s, void *buf, size_t len);

/** Datagram send to addr; returns the bytes sent or XSOCK_EMSGSIZE, ... */
XSOCK_API xsock_ssize_t xsock_sendto(xsock_t s, const void *buf, size_t len,
                                     const xsock_addr_t *to);

/** Datagram receive; stores the sender in *from when it is not NULL (left
 * empty, XSOCK_AF_UNSPEC, for a sender of a family xsock does not know, a
 * stream socket, or a failure). A
 * datagram longer than len is truncated to len bytes (the rest is lost) on
 * POSIX, and gives XSOCK_EMSGSIZE on Windows. */
XSOCK_API xsock_ssize_t xsock_recvfrom(xsock_t s, void *buf, size_t len,
                                       xsock_addr_t *from);

/** Receives like xsock_recv() but leaves the bytes queued (MSG_PEEK): the
 * next receive returns them again. The same rules and errors as
 * xsock_recv(); on a datagram socket it peeks at the next datagram, which
 * a short buffer truncates on POSIX and gives XSOCK_EMSGSIZE on Windows,
 * as xsock_recvfrom() documents (the datagram stays queued either way). */
XSOCK_API xsock_ssize_t xsock_peek(xsock_t s, void *buf, size_t len);

/** The most buffers one xsock_sendv() / xsock_recvv() takes: the same on
 * every OS, and below the OSes' own limits (IOV_MAX is 1024 on Linux,
 * macOS and the BSDs; Windows converts them on the stack), so a count
 * that works on one OS works on all. */
#define XSOCK_IOV_MAX 64

/** One buffer of a scatter/gather call. On POSIX its layout is struct
 * iovec's (the library checks that at compile time); on Windows the
 * library converts it into WSABUFs on the stack. */
typedef struct xsock_iovec {
  void *base; /**< the bytes; never NULL, even when len is 0 */
  size_t len; /**< how many */
} xsock_iovec_t;

/** @{ */
/** Gather-send / scatter-receive: one call moves the bytes of iovcnt
 * buffers in order, as xsock_send() / xsock_recv() would move one buffer
 * holding their concatenation (a datagram socket sends one datagram and
 * receives one, truncated or XSOCK_EMSGSIZE as xsock_recvfrom() says).
 * Returns the bytes moved (a partial count is possible, as for
 * xsock_send(): the caller resumes after the last byte moved), 0 at end of
 * stream for xsock_recvv(), or xsock_send() / xsock_recv()'s errors.
 * Buffers of length 0 are allowed anywhere and skipped. iovcnt 0 (or only
 * empty buffers) is a call of 0 bytes, as xsock_send() says: xsock_recvv()
 * returns 0 at once, and so does xsock_sendv() on a stream socket (on a
 * datagram socket it sends an empty datagram). Neither call allocates
 * memory. XSOCK_EINVAL for iov NULL (even with iovcnt 0), iovcnt below 0
 * or above XSOCK_IOV_MAX, a buffer whose base is NULL (even with len 0),
 * or lengths whose sum is above PTRDIFF_MAX; checked before the handle
 * (XSOCK_EBADF). A valid total may still move fewer bytes in one call
 * (Windows moves at most INT_MAX). */
XSOCK_API xsock_ssize_t xsock_sendv(xsock_t s, const xsock_iovec_t *iov,
                                    int iovcnt);
XSOCK_API xsock_ssize_t xsock_recvv(xsock_t s, const xsock_iovec_t *iov,
                                    int iovcnt);
/** @} */

/** Shuts down reading, writing or both (XSOCK_SHUT_*). XSOCK_ENOTCONN for
 * a socket that is not connected, a listener included (it keeps
 * listening; Linux alone would accept some of these). */
XSOCK_API int xsock_shutdown(xsock_t s, int how);

/** Closes s. Never retried on EINTR: the handle is released either way,
 * so an interrupted close returns 0. XSOCK_EBADF for an invalid or already
 * closed handle. */
XSOCK_API int xsock_close(xsock_t s);

/** Turns non-blocking mode on (on != 0) or off. */
XSOCK_API int xsock_set_nonblocking(xsock_t s, int on);

/** Socket options, with values that mean the same on every OS. */
enum xsock_option {
  XSOCK_OPT_REUSEADDR = 1, /**< 0/1. Lets a listener rebind a port in
                              TIME_WAIT. On Windows set is accepted and
                              ignored and get reports 0: sockets there always
                              use exclusive address use, because Windows'
                              SO_REUSEADDR lets another process steal a bound
                              port. */
  XSOCK_OPT_NODELAY = 2,   /**< 0/1: TCP_NODELAY (disable Nagle); TCP only */
  XSOCK_OPT_KEEPALIVE = 3, /**< 0/1: SO_KEEPALIVE; stream sockets only */
  XSOCK_OPT_SNDBUF = 4,    /**< bytes. Set asks the OS for a size; get returns
                              what the OS uses, which Linux doubles (it counts
                              its bookkeeping) and clamps to a minimum; read it
                              back rather than assume. */
  XSOCK_OPT_RCVBUF = 5,    /**< bytes, as XSOCK_OPT_SNDBUF */
  XSOCK_OPT_V6ONLY = 6,    /**< 0/1: IPV6_V6ONLY, IPv6 sockets only; 1 by
                              default. Set 0 before bind for dual stack. */
  XSOCK_OPT_LINGER = 7,    /**< seconds 0..65535 to linger on close, or -1 for
                              off (the default). 0 makes close abortive: the
                              peer gets a reset (RST) instead of a graceful
                              FIN. Stream sockets only. */
  XSOCK_OPT_BROADCAST = 8, /**< 0/1: SO_BROADCAST; datagram sockets only */
  XSOCK_OPT_TYPE = 9,      /**< get only: XSOCK_STREAM or XSOCK_DGRAM */
  XSOCK_OPT_RCVTIMEO = 10, /**< milliseconds, 0 (the default) for none: how
                              long a blocking receive (recv, recvfrom,
                              recvv, peek, recv_exact, frame_recv) may
                              wait. When it runs out the call gives
                              XSOCK_ETIMEDOUT on every OS (POSIX
                              itself says EAGAIN there, and xsock turns that
                              into XSOCK_ETIMEDOUT only on a blocking socket
                              with a timeout set; a non-blocking socket
                              keeps XSOCK_EAGAIN). Get returns what the OS
                              applies: POSIX rounds up to its clock tick
                              (Linux: 1 to 10 ms), and Windows NT 4 and 95
                              used at least 500 ms. After a timed-out call
                              on Windows the socket's state is undefined
                              (Microsoft's documentation: how much data was
                              moved is unknown, and on some versions the
                              connection is unusable): xsock guarantees
                              only XSOCK_ETIMEDOUT and that xsock_close()
                              works; close the socket. On POSIX the
                              connection stays usable after a timed-out
                              recv. Set it on the blocking socket before
                              the call; it applies to every later call, to
                              each recv inside xsock_recv_exact() too,
                              which then returns XSOCK_ETIMEDOUT without
                              the count of bytes it had received. It does
                              not bound xsock_connect() (Linux alone would
                              cut it short with SNDTIMEO): use
                              xsock_create_connection() for that. */
  XSOCK_OPT_SNDTIMEO = 11, /**< milliseconds, 0 (the default) for none: how
                              long a blocking send (send, sendto, sendv,
                              sendall, frame_flush) may wait for room in
                              the send buffer; the same rules as
                              XSOCK_OPT_RCVTIMEO. A send that moved some
                              bytes before the time ran out returns that
                              count on POSIX; on Windows how much was sent
                              is unknown: close the socket. */
  /** Seconds 1..32767: how long a connection stays idle before the first
   * keepalive probe (TCP_KEEPIDLE; TCP_KEEPALIVE on macOS). Used while
   * XSOCK_OPT_KEEPALIVE is 1, and may be set before or after it. Get reads
   * back what was set, or before that the OS's default (7200 on Linux,
   * macOS, the BSDs and Windows). TCP sockets only: XSOCK_ENOTSUP on UDP
   * and AF_UNIX. XSOCK_ENOTSUP, for set and get, where the OS has no
   * per-socket value: OpenBSD, and Windows before 10 version 1709 (Wine 8
   * too), whose SIO_KEEPALIVE_VALS sets the idle time, the interval and
   * keepalive itself in one call and reads nothing back, so xsock does not
   * use it (docs/semantics.md, "Keepalive tuning and port sharing"). The
   * range is the narrowest OS's, Linux's, so that a value that works on
   * one OS works on all: XSOCK_EINVAL outside it, on every OS. */
  XSOCK_OPT_KEEPIDLE = 12,
  /** Seconds 1..32767 between unanswered keepalive probes (TCP_KEEPINTVL).
   * The same rules as XSOCK_OPT_KEEPIDLE; the default differs: 75 on
   * Linux, macOS and the BSDs, 1 on Windows. */
  XSOCK_OPT_KEEPINTVL = 13,
  /** 1..127 unanswered keepalive probes after which the connection is
   * dropped and the next call on it fails (TCP_KEEPCNT). The same rules as
   * XSOCK_OPT_KEEPIDLE, except that Windows has it from 10 version 1703; the
   * default differs: 9 on Linux, 8 on macOS and the BSDs, 10 on Windows. */
  XSOCK_OPT_KEEPCNT = 14,
  /** 0/1, set before bind: load-balanced port sharing. Several sockets,
   * each with the option set (and, on Linux, of the same user), may bind
   * the same address and port and listen there, and the kernel spreads
   * the incoming connections across them (by a hash of each connection's
   * addresses, not in turn). SO_REUSEPORT on Linux, SO_REUSEPORT_LB on
   * FreeBSD 12 and later. XSOCK_ENOTSUP, for set and get, on every other
   * OS (macOS, OpenBSD, NetBSD, older FreeBSD, Windows): their port
   * sharing does not spread connections (the BSDs' SO_REUSEPORT gives
   * them all to one socket; Windows' SO_REUSEADDR lets a socket take over
   * a port), and xsock gives the name no other meaning. TCP sockets only:
   * XSOCK_ENOTSUP on UDP and AF_UNIX. */
  XSOCK_OPT_REUSEPORT = 15
};

/** @{ */
/** Set / get one option; XSOCK_EINVAL for an unknown option, a bad value
 * or setting a get-only option, XSOCK_ENOTSUP for an option the socket's
 * kind does not have (XSOCK_OPT_V6ONLY on IPv4, XSOCK_OPT_NODELAY,
 * _KEEPIDLE, _KEEPINTVL, _KEEPCNT or _REUSEPORT on UDP or AF_UNIX,
 * XSOCK_OPT_KEEPALIVE or _LINGER on UDP, XSOCK_OPT_BROADCAST on TCP) or
 * that the OS does not have (each option says where). Which option fits
 * which socket is decided by xsock, the same on every OS, not left to the
 * OS (Linux alone accepts several of these).
 * The checks come in this order: the option (and value NULL), the handle
 * (XSOCK_EBADF for XSOCK_INVALID or a closed socket), the value, the
 * socket's kind. On failure get_option stores 0 in *value. */
XSOCK_API int xsock_set_option(xsock_t s, int option, int value);
XSOCK_API int xsock_get_option(xsock_t s, int option, int *value);
/** @} */

/** @{ */
/** The socket's own address, and its connected peer's. An IPv4/IPv6
 * socket that is not bound has the any-address of its family with port 0
 * (Windows would refuse; xsock answers as POSIX does). *addr is zeroed on
 * failure (XSOCK_ENOTCONN from getpeername when there is no peer). */
XSOCK_API int xsock_getsockname(xsock_t s, xsock_addr_t *addr);
XSOCK_API int xsock_getpeername(xsock_t s, xsock_addr_t *addr);
/** @} */

/** Makes two connected sockets of type XSOCK_STREAM or XSOCK_DGRAM
 * (XSOCK_EINVAL for another type, XSOCK_ENOTINIT before xsock_init()):
 * socketpair(AF_UNIX) on POSIX; on Windows a TCP pair over 127.0.0.1 built
 * safely: a one-shot exclusive listener whose accepted peer is verified to
 * be the connecting socket (XSOCK_DGRAM gives XSOCK_ENOTSUP there). Both
 * are blocking and close-on-exec. On failure both are XSOCK_INVALID. */
XSOCK_API int xsock_socketpair(int type, xsock_t pair[2]);

/* ---------------------------------------------------------------------- */
/* Timeouts, one-socket waits, connecting and serving in one call          */

/** Milliseconds of a monotonic clock (CLOCK_MONOTONIC on POSIX, the
 * performance counter on Windows): never goes back, unaffected by changes
 * of the wall-clock time, with an unspecified origin (compare two values,
 * never print one as a date). For deadlines:
 *   int64_t deadline = xsock_clock_ms() + 2000;
 *   ... left = (int)(deadline - xsock_clock_ms()); if (left <= 0) ...
 * Signed, so that "deadline - now" is negative once it passed, and 64 bits
 * wide, so that it never wraps (a 32-bit count of milliseconds wraps after
 * 49.7 days, as Windows' GetTickCount does). Never fails. */
XSOCK_API int64_t xsock_clock_ms(void);

/** Waits until s is ready for events (XSOCK_READ and/or XSOCK_WRITE, not
 * 0) or timeout_ms passes, without a selector: poll on POSIX; select and
 * one WSAPoll on Windows, which see a failed connect on every Windows
 * version. timeout_ms < 0 waits forever, 0 only looks, > 0 waits at least
 * that long; an interrupting signal (EINTR) does not end the wait early,
 * it resumes with the time left.
 * Returns the ready flags (> 0), exactly those xsock_selector_wait() would
 * report for a registration of s with interest events (docs/semantics.md,
 * the normalised table): a subset of events, plus XSOCK_ERROR (a failed
 * connect, a reset) and XSOCK_HANGUP (the peer sends no more, READ asked
 * or with ERROR), with every asked bit set too when either comes. Returns
 * 0 when the time ran out, XSOCK_EINVAL for events 0 or other bits,
 * XSOCK_EBADF for XSOCK_INVALID or a closed handle, or another XSOCK_E*
 * code of the OS. Nothing is read from the socket: a pending error stays
 * for xsock_connect_result() or the next call. Use it on sockets; another
 * kind of handle gets what the OS's poll gives (POSIX) or XSOCK_EBADF
 * (Windows). */
XSOCK_API int xsock_wait(xsock_t s, unsigned events, int timeout_ms);

/** Flag of xsock_create_server(): one IPv6 socket that accepts IPv4
 * clients too; their addresses appear as IPv4-mapped IPv6 addresses
 * (RFC 4291: 80 zero bits, 16 one bits, the IPv4 address). Its value stays
 * clear of XSOCK_NONBLOCK and of the low bits, which the socket calls
 * keep for their own flags. */
#define XSOCK_DUALSTACK 0x10000

/** The Connection Attempt Delay of xsock_connect_addrs() and
 * xsock_create_connection() by default, in milliseconds (RFC 8305,
 * section 5). */
#define XSOCK_ATTEMPT_DELAY_DEFAULT 250
/** The shortest attempt delay xsock_connect_addrs() accepts: the least
 * RFC 8305 recommends. */
#define XSOCK_ATTEMPT_DELAY_MIN 100
/** The longest attempt delay xsock_connect_addrs() accepts: the most RFC
 * 8305 recommends. */
#define XSOCK_ATTEMPT_DELAY_MAX 2000

/** The most addresses xsock_connect_addrs() takes, and that
 * xsock_create_connection() asks the resolver for. */
#define XSOCK_CONNECT_ADDRS_MAX 16

/** Connects a new TCP socket to one of addrs[0..n), 1 <= n <=
 * XSOCK_CONNECT_ADDRS_MAX, racing them as Happy Eyeballs version 2 (RFC
 * 8305) does; for programs that resolve names themselves.
 *  - Order (section 4): the addresses are interleaved by family, starting
 *    with the family of addrs[0], one of each family in turn; within a
 *    family the given order is kept.
 *  - Pacing (section 5): one attempt starts; when attempt_delay_ms passes
 *    without a connection the next starts while the earlier ones stay
 *    pending. An attempt that fails (refused, unreachable, a connect
 *    that fails at once) starts the next at once. attempt_delay_ms is
 *    XSOCK_ATTEMPT_DELAY_MIN..XSOCK_ATTEMPT_DELAY_MAX, or 0 for
 *    XSOCK_ATTEMPT_DELAY_DEFAULT (250 ms).
 *  - The first attempt to connect wins; every other socket is closed
 *    before the call returns.
 *  - timeout_ms bounds the whole race (< 0: no deadline, every attempt
 *    runs until the OS's verdict; 0 is XSOCK_EINVAL).
 * flags: 0 or XSOCK_NONBLOCK. The socket returned in *out is connected
 * and blocking, or non-blocking with XSOCK_NONBLOCK, and, as every xsock
 * socket, not inherited. A race of two or more addresses uses a selector
 * of the default backend for its length (one more handle).
 *
 * Returns 0, or, when no attempt connected, the most telling failure:
 * XSOCK_ECONNREFUSED if any address refused (a host answered: nothing
 * listens there); else a local failure (XSOCK_EMFILE, XSOCK_EACCES, ...)
 * if any; else a routing failure (XSOCK_ENETUNREACH, XSOCK_EHOSTUNREACH,
 * XSOCK_ENETDOWN, XSOCK_EADDRNOTAVAIL, XSOCK_EAFNOSUPPORT); else
 * XSOCK_ETIMEDOUT (the deadline passed, or the OS gave up); among equals
 * the first to fail. XSOCK_EINVAL for out or addrs NULL, n outside 1..
 * XSOCK_CONNECT_ADDRS_MAX, an invalid address, timeout_ms 0, a delay
 * outside the range, other flags; XSOCK_ENOTINIT before xsock_init(). On
 * failure *out is XSOCK_INVALID and no socket is left open. */
XSOCK_API int xsock_connect_addrs(xsock_t *out, const xsock_addr_t *addrs,
                                  int n, int timeout_ms, int attempt_delay_ms,
                                  int flags);

/** Connects a new TCP socket to host (a name or a numeric address) and
 * port 1..65535, like Python's socket.create_connection(), but racing the
 * addresses: xsock_resolve() (both families, the resolver's order, at
 * most XSOCK_CONNECT_ADDRS_MAX addresses), then xsock_connect_addrs()
 * with the default attempt delay, all within one deadline of timeout_ms
 * from the call (< 0: no deadline but the OS's own connect timeout; 0 is
 * XSOCK_EINVAL: no connect can finish in no time). A name whose first
 * family has no route (a dead IPv6 route) connects through the other
 * family after one attempt delay, not after the OS's timeout. flags: 0 or
 * XSOCK_NONBLOCK. Returns 0, or what xsock_connect_addrs() returns when no
 * attempt connected, a resolver error (XSOCK_EAI_NONAME, XSOCK_EAI_AGAIN,
 * ...), XSOCK_EINVAL (out NULL, host NULL, a port outside 1..65535,
 * timeout_ms 0, other flags), XSOCK_ENOTINIT before xsock_init(). On
 * failure *out is XSOCK_INVALID and no socket is left open. The resolver
 * itself blocks and is not bound by the deadline. */
XSOCK_API int xsock_create_connection(xsock_t *out, const char *host, int port,
                                      int timeout_ms, int flags);

/** Makes a TCP listener on host and port 0..65535 (0: an ephemeral port,
 * xsock_getsockname() tells which), like Python's socket.create_server().
 * host NULL or "" is the any-address: 0.0.0.0, or `::` with
 * XSOCK_DUALSTACK; otherwise each address host resolves to is tried until
 * one binds. XSOCK_OPT_REUSEADDR is set to 1 first, which means what that
 * option means on the OS (POSIX: a restarted server can rebind a port in
 * TIME_WAIT; Windows: nothing, exclusive address use always). backlog <= 0
 * asks for the OS maximum. flags: XSOCK_NONBLOCK (the listener, not the
 * accepted sockets, is non-blocking) and XSOCK_DUALSTACK (one IPv6 socket
 * with XSOCK_OPT_V6ONLY 0; host is then resolved to IPv6 addresses only;
 * XSOCK_ENOTSUP where the OS cannot turn IPv6-only off, as OpenBSD).
 * Returns 0, or XSOCK_EADDRINUSE, XSOCK_EADDRNOTAVAIL, a resolver error,
 * XSOCK_EINVAL (out NULL, a bad port, other flags), XSOCK_ENOTINIT, ...
 * On failure *out is XSOCK_INVALID and no socket is left open. */
XSOCK_API int xsock_create_server(xsock_t *out, const char *host, int port,
                                  int backlog, int flags);

/* ---------------------------------------------------------------------- */
/* Selector                                                                 */

/** A readiness multiplexer over many handles, like Python's selectors.
 *
 * Semantics (the same on every backend; docs/semantics.md has the table):
 *  - Level-triggered: a handle is reported by every wait while it is ready.
 *  - Interest: XSOCK_READ and/or XSOCK_WRITE. Results may add XSOCK_ERROR
 *    (the socket has a pending error, e.g. a refused connect or a reset)
 *    and XSOCK_HANGUP (the peer will send nothing more: recv gives 0).
 *    HANGUP is a read-side condition: only a registration that asks for
 *    READ sees it, unless it comes with ERROR (a dead connection). A
 *    WRITE-only registration sees the end of a connection as WRITE (send
 *    then fails) or ERROR, and a full send buffer after the peer's FIN
 *    reports nothing. Whenever ERROR, or HANGUP with READ asked, is
 *    reported, the READ/WRITE bits the caller asked for are set too, so a
 *    loop that only checks READ still sees a dead peer.
 *  - Register a socket once it is connected, connecting or listening: a
 *    TCP socket that is none of these is reported as hung up on Linux and
 *    not at all elsewhere. After shutting reading down yourself, stop
 *    asking for READ (Linux reports READ|HANGUP, Windows nothing).
 *  - A connected UDP socket whose datagram met a closed port is reported
 *    readable (with ERROR on Linux); its next recv gives
 *    XSOCK_ECONNREFUSED, once.
 *  - One merged event per handle per wait, carrying its user data.
 *  - Interest 0 is allowed: the handle stays registered (add gives EEXIST,
 *    user data kept) but is silent, even on error or hangup, until
 *    modified.
 *  - One-shot: XSOCK_ONESHOT with XSOCK_READ and/or XSOCK_WRITE (at add or
 *    modify) makes the registration report once. The wait that reports it
 *    (any event, ERROR or HANGUP included) sets its interest to 0: it
 *    stays registered, user data kept, and is silent until the next
 *    xsock_selector_modify(). A modify re-arms it: with XSOCK_ONESHOT it
 *    reports once more, without it the registration is persistent
 *    (level-triggered) from then on. A re-arm that asks for what the
 *    kernel still watches makes no system call (the backend leaves its
 *    kernel entry armed and takes it out only if the kernel reports it
 *    again while the interest is 0), so a re-arm costs one modify and,
 *    on epoll and kqueue, no system call. That modify trusts the handle
 *    to be the one reported: remove a handle before closing it. XSOCK_ONESHOT
 *    alone (no READ or WRITE) is interest 0. A handle that was not reported
 *    (the caller's array was full, a wakeup ended the wait) stays armed. A
 *    modify before the report replaces the interest, as for any registration.
 *  - No event is reported for a handle removed since the last wait, even
 *    if the OS gives its number to a new socket.
 *  - Threads: one thread owns a selector. Only xsock_selector_wakeup() may
 *    be called from other threads (and from a POSIX signal handler); to
 *    change registrations from another thread, wake the owner and let it do
 *    the change.
 *  - A steady-state wait allocates no memory. */
typedef struct xsock_selector xsock_selector_t;

enum {
  XSOCK_READ = 1u,    /**< interest and result: readable / acceptable */
  XSOCK_WRITE = 2u,   /**< interest and result: writable / connect finished */
  XSOCK_ERROR = 4u,   /**< result only: pending error on the handle */
  XSOCK_HANGUP = 8u,  /**< result only: peer will send no more (READ asked) */
  XSOCK_ONESHOT = 16u /**< interest only: report once, then interest 0 */
};

/** What one wait reports for one handle. */
typedef struct xsock_event {
  xsock_t sock;    /**< the registered handle */
  unsigned events; /**< XSOCK_READ | XSOCK_WRITE | XSOCK_ERROR | XSOCK_HANGUP */
  void *udata;     /**< the user data given at add/modify */
} xsock_event_t;

/** Backend ids and names: XX(NAME, id, "name"). One list generates the
 * XSOCK_BACKEND_* ids and xsock_backend_name(); ids are part of the ABI
 * and never change. XSOCK_BACKEND_DEFAULT (0) picks the first that works
 * from the OS's ordered list: POSIX epoll, kqueue, poll, select; Windows
 * afd, wsapoll, select (afd does not start where ntdll lacks the calls it
 * needs or a layered Winsock provider hides the sockets' base handles). */
#define XSOCK_BACKEND_MAP(XX)                                                  \
  XX(EPOLL, 1, "epoll")                                                        \
  XX(KQUEUE, 2, "kqueue")                                                      \
  XX(POLL, 3, "poll")                                                          \
  XX(SELECT, 4, "select")                                                      \
  XX(WSAPOLL, 5, "wsapoll")                                                    \
  XX(AFD, 6, "afd")

/** The backend ids: XSOCK_BACKEND_<NAME> = id for each entry of
 * XSOCK_BACKEND_MAP, and XSOCK_BACKEND_DEFAULT. */
enum xsock_backend {
  XSOCK_BACKEND_DEFAULT = 0,
#define XSOCK__BACKEND_ENUM(name, id, str) XSOCK_BACKEND_##name = (id),
  XSOCK_BACKEND_MAP(XSOCK__BACKEND_ENUM)
#undef XSOCK__BACKEND_ENUM
};

/** Mask of the backends compiled in: bit (1u << id) for each id. */
XSOCK_API unsigned xsock_selector_supported(void);

/** The backend's name ("epoll", "poll", ...), NULL for an unknown id. */
XSOCK_API const char *xsock_backend_name(int backend);

/** Opens a selector on backend (an id above). XSOCK_ENOTSUP for an unknown
 * id or a backend not compiled in; a backend that fails to start returns
 * its own error (XSOCK_EMFILE, XSOCK_ENOMEM, ...). *sel is NULL on
 * failure. */
XSOCK_API int xsock_selector_open(xsock_selector_t **sel, int backend);

/** Closes the selector and its backend; the registered handles stay open.
 * NULL is ignored. */
XSOCK_API void xsock_selector_close(xsock_selector_t *sel);

/** Registers s with interest events (XSOCK_READ|XSOCK_WRITE, or 0, with
 * XSOCK_ONESHOT or without) and user data. XSOCK_EEXIST if s is
 * registered already, XSOCK_EBADF for an invalid or closed handle (also
 * when a stale number now names one of the selector's own handles, such
 * as its wakeup channel or its epoll descriptor: a selector never watches
 * itself), XSOCK_ENOTSUP for a handle that cannot be watched (a regular
 * file, a directory; with the afd backend, a socket whose base handle a
 * layered Winsock provider hides), XSOCK_ERANGE for a handle the select
 * backend cannot hold, XSOCK_EINVAL for other event bits, XSOCK_ENOMEM
 * when memory runs out (on POSIX, where the registrations sit in a table
 * indexed by descriptor, also for a descriptor of 2^24 or more). */
XSOCK_API int xsock_selector_add(xsock_selector_t *sel, xsock_t s,
                                 unsigned events, void *udata);

/** Changes interest (the bits add takes) and user data of a registered
 * handle, re-arming a one-shot registration; XSOCK_ENOENT if it is not
 * registered, XSOCK_EINVAL for other event bits. With the afd backend, an
 * interest that returns from 0 (or follows a close of the handle; not a
 * one-shot re-arm) looks the socket up again: XSOCK_EBADF if the handle
 * is no longer an open socket, XSOCK_ENOTSUP if its base handle cannot be
 * found; the registration is then unchanged. */
XSOCK_API int xsock_selector_modify(xsock_selector_t *sel, xsock_t s,
                                    unsigned events, void *udata);

/** Unregisters s; XSOCK_ENOENT if it is not registered. Safe while walking
 * the events of the last wait. Remove a handle before closing it. Removing
 * one that was closed while registered succeeds too; with epoll a closed
 * handle whose open file lives on elsewhere (a dup, a forked child) stays
 * in the kernel's set, where it can no longer be named, so the next wait
 * that sees it rebuilds the kernel set (one system call per registration,
 * once). */
XSOCK_API int xsock_selector_remove(xsock_selector_t *sel, xsock_t s);

/** Waits for readiness and stores at most max events into evs. timeout_ms
 * < 0 waits forever, 0 polls, > 0 waits at least that long. Returns the
 * number of events, 0 on timeout or after a wakeup, or an error. An
 * interrupting signal (EINTR) does not end the wait: it resumes with the
 * time left. */
XSOCK_API int xsock_selector_wait(xsock_selector_t *sel, xsock_event_t *evs,
                                  int max, int timeout_ms);

/** Makes a current or the next wait return (0 events if nothing else is
 * ready). Safe from any thread and, on POSIX, from a signal handler.
 * Wakeups coalesce: many calls before a wait cause one early return. */
XSOCK_API int xsock_selector_wakeup(xsock_selector_t *sel);

/** The name of the selector's backend ("epoll", ...). */
XSOCK_API const char *xsock_selector_backend(const xsock_selector_t *sel);

#ifdef __cplusplus
}
#endif

/* Message framing and the write queue: their own headers, part of the
 * public API. */
#include "xsock/frame.h"
#include "xsock/wqueue.h"

#endif /* XSOCK_H */
