# SPDX-License-Identifier: MIT
# Cross-compiling xsock for Linux on 32-bit PowerPC (big-endian) with Debian's cross compiler
# (packages gcc-powerpc-linux-gnu and libc6-dev-powerpc-cross), the tests run under
# qemu-user (qemu-ppc). Use:
#   cmake -S . -B build-powerpc \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/powerpc-linux-gnu.cmake \
#         -DXSOCK_CMOCKA_SOURCE_DIR=<CMocka source tree>
# ci/qemu.sh powerpc does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR powerpc)
set(XSOCK_CROSS_TRIPLE powerpc-linux-gnu)
set(XSOCK_QEMU_ARCH ppc)
# The 32-bit big-endian target: byte order and 32-bit sizes together.
# powerpc rather than mips: qemu-ppc ran the whole suite, Debug and
# Release, the same way every time here, and its struct epoll_event is 16
# bytes, so the epoll backend's own event buffer is tested big-endian too
# (mips would test the same layout; its qemu was not needed to).
include("${CMAKE_CURRENT_LIST_DIR}/qemu-linux-common.cmake")
