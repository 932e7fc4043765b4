# SPDX-License-Identifier: MIT
# Cross-compiling xsock for Linux on 32-bit ARM, hard-float (Debian's armhf) with Debian's cross compiler
# (packages gcc-arm-linux-gnueabihf and libc6-dev-armhf-cross), the tests run under
# qemu-user (qemu-arm). Use:
#   cmake -S . -B build-armhf \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake \
#         -DXSOCK_CMOCKA_SOURCE_DIR=<CMocka source tree>
# ci/qemu.sh armhf does all of this.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(XSOCK_CROSS_TRIPLE arm-linux-gnueabihf)
set(XSOCK_QEMU_ARCH arm)
# 32-bit with a 16-byte struct epoll_event (8-byte aligned 64-bit data),
# larger than its 12-byte xsock_event_t.
include("${CMAKE_CURRENT_LIST_DIR}/qemu-linux-common.cmake")
