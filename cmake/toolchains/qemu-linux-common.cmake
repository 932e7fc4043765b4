# SPDX-License-Identifier: MIT
# The part of the qemu-user toolchain files (s390x-linux-gnu.cmake,
# aarch64-linux-gnu.cmake) that does not depend on the architecture. The
# including file sets CMAKE_SYSTEM_PROCESSOR, which is also the prefix of
# Debian's triple and the suffix of the qemu-user program.
set(XSOCK_CROSS_TRIPLE ${CMAKE_SYSTEM_PROCESSOR}-linux-gnu)
set(CMAKE_C_COMPILER ${XSOCK_CROSS_TRIPLE}-gcc)

# Debian installs the target's headers and libraries under /usr/<triple>.
set(XSOCK_CROSS_SYSROOT /usr/${XSOCK_CROSS_TRIPLE} CACHE PATH
    "Root of the target's libc (the dynamic loader and shared libraries)")
set(CMAKE_FIND_ROOT_PATH ${XSOCK_CROSS_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs every test program through qemu-user; -L points it at the
# target's dynamic loader and libraries. Debian's package qemu-user has
# the dynamic programs, qemu-user-static the -static ones: either works.
find_program(XSOCK_QEMU NAMES qemu-${CMAKE_SYSTEM_PROCESSOR} qemu-${CMAKE_SYSTEM_PROCESSOR}-static)
if(XSOCK_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_QEMU} -L ${XSOCK_CROSS_SYSROOT})
endif()
