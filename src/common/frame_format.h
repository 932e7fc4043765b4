/* SPDX-License-Identifier: MIT */
/* What the framing decoder (frame_decode.c) and encoder (frame_encode.c)
 * share: the reading of a format value, checked once for both. */
#ifndef XSOCK_COMMON_FRAME_FORMAT_H
#define XSOCK_COMMON_FRAME_FORMAT_H

#include "internal.h"

/* A format value taken apart. */
typedef struct xsock__frame_fmt {
  int header;  /* 1..4 length bytes, or 0 for lines */
  int delim;   /* lines: the delimiter byte */
  int crlf;    /* lines: a '\r' goes before the delimiter */
  size_t over; /* bytes a message takes beyond its own: header or ending */
} xsock__frame_fmt_t;

/* Fills *f from format and returns the buffer size a message of max bytes
 * needs, or 0 when the format is unknown, max does not fit its header, or
 * the size would overflow (src/common/frame_encode.c). */
XSOCK__INTERNAL size_t xsock__frame_fmt(int format, size_t max,
                                        xsock__frame_fmt_t *f);

#endif /* XSOCK_COMMON_FRAME_FORMAT_H */
