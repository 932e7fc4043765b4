# SPDX-License-Identifier: MIT
# Warnings for xsock's own targets (never forced on a parent project).
# -Wundef: a backend guard (#if XSOCK_HAVE_EPOLL) read before
# src/common/config.h would otherwise compile the backend out in silence.
function(xsock_set_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow
                           -Wstrict-prototypes -Wmissing-prototypes
                           -Wpointer-arith -Wformat=2 -Wundef)
    if(XSOCK_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4)
    if(XSOCK_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  endif()
endfunction()
