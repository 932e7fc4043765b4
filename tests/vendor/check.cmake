# SPDX-License-Identifier: MIT
# Configures, builds and runs tests/vendor against this xsock tree.
# Inputs: XSOCK_DIR, BIN, CC.
file(REMOVE_RECURSE "${BIN}")
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${XSOCK_DIR}/tests/vendor" -B "${BIN}"
                        -DXSOCK_DIR=${XSOCK_DIR} -DCMAKE_C_COMPILER=${CC}
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "configuring the vendoring project failed")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${BIN}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "building the vendoring project failed")
endif()
execute_process(COMMAND "${BIN}/vendor_app" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the vendoring project's program failed")
endif()
