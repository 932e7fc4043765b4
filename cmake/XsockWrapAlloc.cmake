# SPDX-License-Identifier: MIT
# What the toolchain gives the C compiler on every command (clang's target,
# the sysroot, the linker flags), for the checks that run the compiler
# themselves (the bare build of tests/, the linker probe below):
# XSOCK_CC_ARGS, and XSOCK_CC_COMMAND, the compiler with them.
set(XSOCK_CC_ARGS "")
if(CMAKE_C_COMPILER_TARGET)
  list(APPEND XSOCK_CC_ARGS "--target=${CMAKE_C_COMPILER_TARGET}")
endif()
if(CMAKE_SYSROOT)
  list(APPEND XSOCK_CC_ARGS "--sysroot=${CMAKE_SYSROOT}")
endif()
separate_arguments(xsock_ld_flags NATIVE_COMMAND "${CMAKE_EXE_LINKER_FLAGS}")
list(APPEND XSOCK_CC_ARGS ${xsock_ld_flags})
set(XSOCK_CC_COMMAND ${CMAKE_C_COMPILER} ${XSOCK_CC_ARGS})

# xsock_wrap_alloc(target define): where the linker can, sends every malloc,
# calloc, realloc and free call of target, the statically linked xsock's
# included, through the __wrap_ functions target defines (GNU ld's --wrap),
# and defines `define` for its sources, which count allocations then.
# Not possible with a shared xsock or with Apple's or Microsoft's linker.
# lld for MinGW (llvm-mingw, MSYS2 CLANG64) also sends the DLL import stub
# of a wrapped function to the wrapper, so that __real_malloc calls
# __wrap_malloc until the stack overflows (measured with LLD 14): not with
# it either. The probe asks the linker the compiler really uses (the
# toolchain's target and linker flags included).
function(xsock_wrap_alloc target define)
  if(BUILD_SHARED_LIBS OR APPLE OR MSVC)
    return()
  endif()
  if(WIN32)
    execute_process(COMMAND ${XSOCK_CC_COMMAND} -Wl,--version
                    OUTPUT_VARIABLE ld_version ERROR_VARIABLE ld_version)
    if(ld_version MATCHES "LLD")
      return()
    endif()
  endif()
  target_link_options(${target} PRIVATE
                      "LINKER:--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free")
  target_compile_definitions(${target} PRIVATE ${define})
endfunction()
