# SPDX-License-Identifier: MIT
# Warnings for xsock's own targets (never forced on a parent project).
function(xsock_set_warnings target)
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow
                           -Wstrict-prototypes -Wmissing-prototypes
                           -Wpointer-arith -Wformat=2)
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
