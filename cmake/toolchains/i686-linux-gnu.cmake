# SPDX-License-Identifier: MIT
# Cross-compiling xsock for Linux on 32-bit x86 (Debian's i386) with Debian's cross compiler
# (packages gcc-i686-linux-gnu and libc6-dev-i386-cross), the tests run under
# qemu-user (qemu-i386). Use:
#   cmake -S . -B build-i386 \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/i686-linux-gnu.cmake \
#         -DXSOCK_CMOCKA_SOURCE_DIR=<CMocka source tree>
# ci/qemu.sh i386 does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR i686)
set(XSOCK_CROSS_TRIPLE i686-linux-gnu)
set(XSOCK_QEMU_ARCH i386)
# 32-bit with 4-byte aligned 64-bit integers: struct epoll_event is packed
# to 12 bytes, the size of its xsock_event_t.
include("${CMAKE_CURRENT_LIST_DIR}/qemu-linux-common.cmake")
