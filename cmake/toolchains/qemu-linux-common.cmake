# SPDX-License-Identifier: MIT
# The part of the qemu-user toolchain files (<triple>.cmake beside this
# one) that does not depend on the architecture. The including file sets
# CMAKE_SYSTEM_PROCESSOR, and where they differ from it Debian's triple
# (XSOCK_CROSS_TRIPLE, by default <processor>-linux-gnu) and the suffix of
# the qemu-user program (XSOCK_QEMU_ARCH, by default the processor).
if(NOT XSOCK_CROSS_TRIPLE)
  set(XSOCK_CROSS_TRIPLE ${CMAKE_SYSTEM_PROCESSOR}-linux-gnu)
endif()
if(NOT XSOCK_QEMU_ARCH)
  set(XSOCK_QEMU_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()
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
# qemu sends a path into the sysroot only where the sysroot has it, so the
# loader would read the machine's own /etc/ld.so.cache, which on x86-64
# names the machine's 32-bit x86 libc (libc6-i386, pulled in by
# libclang-rt-14-dev): another glibc build than the cross loader, with
# which an i386 program hangs in its first pthread_create. LD_LIBRARY_PATH
# keeps the loader in the sysroot's /lib.
find_program(XSOCK_QEMU NAMES qemu-${XSOCK_QEMU_ARCH} qemu-${XSOCK_QEMU_ARCH}-static)
if(XSOCK_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${XSOCK_QEMU} -L ${XSOCK_CROSS_SYSROOT}
      -E LD_LIBRARY_PATH=/lib)
endif()
