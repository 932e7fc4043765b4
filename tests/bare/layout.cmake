# SPDX-License-Identifier: MIT
# The test `layout`: the source tree keeps the shape that lets users build
# it flat (every object in one folder, as Visual Studio and plain Makefiles
# do) and lets a reader of one platform tree find everything in the other.
#  - No file name appears both in src/common and in a platform tree.
#  - src/posix and src/win32 hold the same file names, except the selector
#    backends that exist on one OS only (sel_<name>.c and its parts).
#  - No private header shares a basename with a public one.
#  - No file of src/posix or src/win32 calls a public xsock_* function.
#  - A front end src/common/X_api.c calls only OS halves of its own name:
#    src/posix/X.c and src/win32/X.c, or src/common/X_bsd.c.
# Input: SRC.
cmake_policy(SET CMP0057 NEW) # if(... IN_LIST ...)
set(problems "")
file(GLOB common RELATIVE "${SRC}/src/common" "${SRC}/src/common/*.[ch]")
file(GLOB posix RELATIVE "${SRC}/src/posix" "${SRC}/src/posix/*.[ch]")
file(GLOB win32 RELATIVE "${SRC}/src/win32" "${SRC}/src/win32/*.[ch]")
file(GLOB_RECURSE public "${SRC}/include/*.h")
foreach(name IN LISTS common)
  if(name IN_LIST posix OR name IN_LIST win32)
    list(APPEND problems "src/common/${name} is also in a platform tree")
  endif()
endforeach()
# Backends that exist on one OS only: sel_<backend>.c, and the files a
# backend is split into, sel_<backend>_<part>.c/.h and sel_<backend>.h.
set(one_os "^sel_(epoll|kqueue|poll|wsapoll|afd)(_[a-z0-9]+)*\\.[ch]$")
foreach(name IN LISTS posix)
  if(NOT name IN_LIST win32 AND NOT name MATCHES "${one_os}")
    list(APPEND problems "src/posix/${name} has no src/win32/${name}")
  endif()
endforeach()
foreach(name IN LISTS win32)
  if(NOT name IN_LIST posix AND NOT name MATCHES "${one_os}")
    list(APPEND problems "src/win32/${name} has no src/posix/${name}")
  endif()
endforeach()
foreach(header IN LISTS public)
  get_filename_component(base "${header}" NAME)
  if(base IN_LIST common OR base IN_LIST posix OR base IN_LIST win32)
    list(APPEND problems "a private header is named like the public ${base}")
  endif()
endforeach()
# The OS trees report raw facts to the front end and never call the public
# API: a call of xsock_<name>( (one underscore) in src/posix or src/win32,
# outside comments, is a layer calling back up.
foreach(tree posix win32)
  foreach(name IN LISTS ${tree})
    file(READ "${SRC}/src/${tree}/${name}" text)
    # Comments out (a /* */ comment ends at the first */ after its start),
    # then string literals.
    string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
    string(REGEX REPLACE "//[^\n]*" " " text "${text}")
    string(REGEX REPLACE "\"([^\"\\\\\n]|\\\\.)*\"" "\"\"" text "${text}")
    string(REGEX MATCHALL "xsock_[a-z0-9][a-z0-9_]*[ \t\n]*\\(" calls "${text}")
    foreach(call IN LISTS calls)
      string(REGEX REPLACE "[ \t\n]*\\($" "" call "${call}")
      list(APPEND problems "src/${tree}/${name} calls the public ${call}()")
    endforeach()
  endforeach()
endforeach()
# Every front end sits beside its OS halves under one name: each
# xsock__os_<call> that src/common/X_api.c calls is defined in X.c of both
# OS trees, or in src/common/X_bsd.c (Berkeley-socket code built per OS).
# The few xsock__os_ helpers that src/common defines for every front end
# (xsock__os_fail, which records an OS error) are no OS half.
set(common_os_helpers "")
foreach(name IN LISTS common)
  if(name MATCHES "\\.c$" AND NOT name MATCHES "_bsd\\.c$")
    file(STRINGS "${SRC}/src/common/${name}" defs REGEX "^[a-z].*[ *]xsock__os_[a-z0-9_]+\\(")
    foreach(def IN LISTS defs)
      string(REGEX MATCH "xsock__os_[a-z0-9_]+" def "${def}")
      list(APPEND common_os_helpers "${def}")
    endforeach()
  endif()
endforeach()
foreach(front IN LISTS common)
  if(NOT front MATCHES "^(.+)_api\\.c$")
    continue()
  endif()
  set(stem "${CMAKE_MATCH_1}")
  file(READ "${SRC}/src/common/${front}" text)
  string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
  string(REGEX MATCHALL "xsock__os_[a-z0-9_]+[ \t\n]*\\(" calls "${text}")
  list(REMOVE_DUPLICATES calls)
  foreach(call IN LISTS calls)
    string(REGEX REPLACE "[ \t\n]*\\($" "" call "${call}")
    if(call IN_LIST common_os_helpers)
      continue()
    endif()
    set(homes "")
    foreach(place IN ITEMS "common/${stem}_bsd.c" "posix/${stem}.c"
                           "win32/${stem}.c")
      if(EXISTS "${SRC}/src/${place}")
        file(STRINGS "${SRC}/src/${place}" defs REGEX "^[a-z].*[ *]${call}\\(")
        if(defs)
          list(APPEND homes "${place}")
        endif()
      endif()
    endforeach()
    if(NOT "common/${stem}_bsd.c" IN_LIST homes AND
       NOT ("posix/${stem}.c" IN_LIST homes AND "win32/${stem}.c" IN_LIST homes))
      list(APPEND problems "src/common/${front} calls ${call}(), defined neither in ${stem}.c of both OS trees nor in ${stem}_bsd.c")
    endif()
  endforeach()
endforeach()
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "source layout:\n  ${text}")
endif()
list(LENGTH common n_common)
list(LENGTH posix n_posix)
list(LENGTH win32 n_win32)
message(STATUS "source layout: ok (${n_common} files in src/common, "
               "${n_posix} in src/posix, ${n_win32} in src/win32)")
