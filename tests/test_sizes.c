/* SPDX-License-Identifier: MIT */
/* The ABI of the public types whose layout users depend on: the size and
 * alignment of xsock_t, xsock_event_t, xsock_addr_t, xsock_iovec_t, the
 * frame decoder and encoder and the write queue, and the offsets of the
 * fields a caller reads in place. The expected values of every target are
 * written below; the header's "ABI" section documents the same table.
 *
 * Each value is checked twice: at compile time, so that a build for a
 * target no leg can run (32-bit Windows here) fails when a layout is
 * wrong, and at run time, where the test prints the values it found. */
#include "xtest.h"

#include <stdio.h>
#include <string.h>

/* Alignment in C99: the offset of a member that follows one char. */
#define SIZES_ALIGNOF(name) offsetof(struct sizes_align_##name, t)
struct sizes_align_sock {
  char c;
  xsock_t t;
};
struct sizes_align_event {
  char c;
  xsock_event_t t;
};
struct sizes_align_addr {
  char c;
  xsock_addr_t t;
};
struct sizes_align_iovec {
  char c;
  xsock_iovec_t t;
};
struct sizes_align_decoder {
  char c;
  xsock_frame_decoder_t t;
};
struct sizes_align_encoder {
  char c;
  xsock_frame_encoder_t t;
};
struct sizes_align_wqueue {
  char c;
  xsock_wqueue_t t;
};

/* The expected values, by target. Only the size of a pointer and whether
 * xsock_t is a SOCKET (Windows) or an int (POSIX) tell the targets apart:
 * no public struct holds a 64-bit integer or a double, whose alignment
 * differs between 32-bit ABIs (4 on i386, 8 on ARM and PowerPC). */
#if defined(_WIN32) && (defined(_WIN64) || UINTPTR_MAX > 0xFFFFFFFFu)
/* Windows 64-bit: MinGW-w64 x86_64 (gcc, clang), MSVC x64, ARM64. */
#define SIZES_TARGET "windows 64-bit"
#define SOCK_SIZE 8
#define SOCK_ALIGN 8
#define EVENT_SIZE 24
#define EVENT_ALIGN 8
#define EVENT_EVENTS 8
#define EVENT_UDATA 16
#define PTR 8
#elif defined(_WIN32)
/* Windows 32-bit: MinGW-w64 i686, MSVC Win32. */
#define SIZES_TARGET "windows 32-bit"
#define SOCK_SIZE 4
#define SOCK_ALIGN 4
#define EVENT_SIZE 12
#define EVENT_ALIGN 4
#define EVENT_EVENTS 4
#define EVENT_UDATA 8
#define PTR 4
#elif UINTPTR_MAX > 0xFFFFFFFFu
/* POSIX 64-bit: Linux x86_64, aarch64, s390x (glibc and musl), macOS,
 * the BSDs. */
#define SIZES_TARGET "posix 64-bit"
#define SOCK_SIZE 4
#define SOCK_ALIGN 4
#define EVENT_SIZE 16
#define EVENT_ALIGN 8
#define EVENT_EVENTS 4
#define EVENT_UDATA 8
#define PTR 8
#else
/* POSIX 32-bit: Linux armhf, i386, powerpc. */
#define SIZES_TARGET "posix 32-bit"
#define SOCK_SIZE 4
#define SOCK_ALIGN 4
#define EVENT_SIZE 12
#define EVENT_ALIGN 4
#define EVENT_EVENTS 4
#define EVENT_UDATA 8
#define PTR 4
#endif

/* The same on every target: xsock_addr_t holds no pointer. */
#define ADDR_SIZE 120
#define ADDR_ALIGN 4
#define ADDR_PORT 2
#define ADDR_SCOPE_ID 4
#define ADDR_FLOWINFO 8
#define ADDR_U 12
/* The frame and write-queue structs: pointers and size_t (one word
 * each), then ints. */
#define IOVEC_SIZE (2 * PTR)
#define DECODER_SIZE (8 * PTR + 5 * 4 + (PTR == 8 ? 4 : 0))
#define ENCODER_SIZE (5 * PTR + 3 * 4 + (PTR == 8 ? 4 : 0))
#define WQUEUE_SIZE (7 * PTR + 3 * 4 + (PTR == 8 ? 4 : 0))

struct sizes_row {
  const char *what;
  size_t found, expected;
};

#define SIZES_ROWS(X)                                                          \
  X(xsock_t_size, sizeof(xsock_t), SOCK_SIZE)                                  \
  X(xsock_t_align, SIZES_ALIGNOF(sock), SOCK_ALIGN)                            \
  X(xsock_ssize_t_size, sizeof(xsock_ssize_t), PTR)                            \
  X(event_size, sizeof(xsock_event_t), EVENT_SIZE)                             \
  X(event_align, SIZES_ALIGNOF(event), EVENT_ALIGN)                            \
  X(event_sock, offsetof(xsock_event_t, sock), 0)                              \
  X(event_events, offsetof(xsock_event_t, events), EVENT_EVENTS)               \
  X(event_udata, offsetof(xsock_event_t, udata), EVENT_UDATA)                  \
  X(addr_size, sizeof(xsock_addr_t), ADDR_SIZE)                                \
  X(addr_align, SIZES_ALIGNOF(addr), ADDR_ALIGN)                               \
  X(addr_family, offsetof(xsock_addr_t, family), 0)                            \
  X(addr_port, offsetof(xsock_addr_t, port), ADDR_PORT)                        \
  X(addr_scope_id, offsetof(xsock_addr_t, scope_id), ADDR_SCOPE_ID)            \
  X(addr_flowinfo, offsetof(xsock_addr_t, flowinfo), ADDR_FLOWINFO)            \
  X(addr_u, offsetof(xsock_addr_t, u), ADDR_U)                                 \
  X(iovec_size, sizeof(xsock_iovec_t), IOVEC_SIZE)                             \
  X(iovec_align, SIZES_ALIGNOF(iovec), PTR)                                    \
  X(iovec_base, offsetof(xsock_iovec_t, base), 0)                              \
  X(iovec_len, offsetof(xsock_iovec_t, len), PTR)                              \
  X(decoder_size, sizeof(xsock_frame_decoder_t), DECODER_SIZE)                 \
  X(decoder_align, SIZES_ALIGNOF(decoder), PTR)                                \
  X(encoder_size, sizeof(xsock_frame_encoder_t), ENCODER_SIZE)                 \
  X(encoder_align, SIZES_ALIGNOF(encoder), PTR)                                \
  X(wqueue_size, sizeof(xsock_wqueue_t), WQUEUE_SIZE)                          \
  X(wqueue_align, SIZES_ALIGNOF(wqueue), PTR)

/* At compile time: a wrong value makes an array of negative size. */
#define SIZES_STATIC(name, found, expected)                                    \
  typedef char sizes_static_##name[(found) == (expected) ? 1 : -1];
SIZES_ROWS(SIZES_STATIC)

static void test_layout(void **state) {
  static const struct sizes_row rows[] = {
#define SIZES_ROW(name, found, expected) {#name, found, expected},
      SIZES_ROWS(SIZES_ROW)
#undef SIZES_ROW
  };
  size_t i, wrong = 0;
  (void)state;
  printf("sizes: target %s\n", SIZES_TARGET);
  for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    printf("sizes: %-20s %3u (expected %u)\n", rows[i].what,
           (unsigned)rows[i].found, (unsigned)rows[i].expected);
    if (rows[i].found != rows[i].expected)
      wrong++;
  }
  assert_int_equal(wrong, 0);
}

/* The events a wait writes land where a caller compiled for the same
 * target reads them: a wait through the library fills every field. */
static void test_event_written_in_place(void **state) {
  xsock_selector_t *sel = NULL;
  xsock_event_t evs[2];
  xsock_t pair[2];
  int tag = 0;
  (void)state;
  xt_ok(xsock_socketpair(XSOCK_STREAM, pair));
  xt_ok(xsock_selector_open(&sel, XSOCK_BACKEND_DEFAULT));
  xt_ok(xsock_selector_add(sel, pair[0], XSOCK_WRITE, &tag));
  memset(evs, 0xA5, sizeof evs);
  assert_int_equal(xsock_selector_wait(sel, evs, 2, 5000), 1);
  assert_true(evs[0].sock == pair[0]);
  assert_int_equal(evs[0].events, XSOCK_WRITE);
  assert_ptr_equal(evs[0].udata, &tag);
  xsock_selector_close(sel);
  xt_close(&pair[0]);
  xt_close(&pair[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_layout),
      cmocka_unit_test(test_event_written_in_place),
  };
  int rc;
  if (xsock_init() != 0)
    return 1;
  rc = cmocka_run_group_tests_name("sizes", tests, NULL, NULL);
  xsock_cleanup();
  return rc;
}
