# cmake -P script: install resorb, configure + build the consumer against it, run it on 2 ranks
# (two copies of the coupled screw side by side, one per sub-communicator), run the installed
# program on the same case as a file (coupled_screw.toml, 1 rank), and compare their figures.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${BUILD})
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message("${out}")
  set(output "${out}" PARENT_SCOPE)
endfunction()
file(REMOVE_RECURSE ${PREFIX} ${BUILD})
file(MAKE_DIRECTORY ${BUILD})
run(${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${PREFIX})
run(${CMAKE_COMMAND} -S ${SOURCE} -B ${BUILD} -DCMAKE_PREFIX_PATH=${PREFIX})
run(${CMAKE_COMMAND} --build ${BUILD})
run(${MPIEXEC} --allow-run-as-root --oversubscribe -n 2 ${BUILD}/consumer)
set(consumer "${output}")
run(${MPIEXEC} --allow-run-as-root --oversubscribe -n 1 ${PREFIX}/bin/resorb run
    ${SOURCE}/coupled_screw.toml)
file(READ ${BUILD}/program_run/summary.json summary)

# Each copy's figures against the program's. Same case, same partition (one rank each): the
# arithmetic is the same, so they agree to round-off; 1e-10 relative leaves room for none else.
foreach(rank 0 1)
  if(NOT consumer MATCHES "consumer rank ${rank}: outputs ([0-9]+) ([^\n]*)")
    message(FATAL_ERROR "no figures from the consumer's rank ${rank}:\n${consumer}")
  endif()
  set(figures "${CMAKE_MATCH_2}")
  foreach(key mass_loss_fraction final_axial_stiffness_N_per_m final_bending_stiffness_N_per_m)
    if(NOT figures MATCHES "${key} ([^ ]+)")
      message(FATAL_ERROR "consumer rank ${rank} printed no ${key}: ${figures}")
    endif()
    set(library_value "${CMAKE_MATCH_1}")
    string(JSON program_value GET "${summary}" ${key})
    execute_process(COMMAND ${PYTHON} -c
                    "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); \
sys.exit(0 if abs(a - b) <= 1e-10 * abs(b) and b != 0 else 1)"
                    ${library_value} ${program_value} RESULT_VARIABLE differs)
    if(NOT differs EQUAL 0)
      message(FATAL_ERROR "${key}: the library's run on rank ${rank} gives ${library_value}, "
                          "the program's ${program_value}")
    endif()
    message("${key}: library (rank ${rank}) ${library_value}, program ${program_value}")
  endforeach()
endforeach()
