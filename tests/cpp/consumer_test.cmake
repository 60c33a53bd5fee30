# ctest script: install to a staging prefix, build examples/cpp, c, traction_cpp, traction_c
# and kernel_c against it with find_package(viscoann), and run them (each example exits non-zero
# if its numbers are wrong).
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${out}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
endfunction()

file(REMOVE_RECURSE ${STAGE})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${STAGE} --component dev)
foreach(lang cpp c traction_cpp traction_c kernel_c)
  set(bdir ${BUILD_DIR}/examples_${lang})
  file(REMOVE_RECURSE ${bdir})
  run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/${lang} -B ${bdir} -G ${GENERATOR}
      -DCMAKE_PREFIX_PATH=${STAGE} -DCMAKE_BUILD_TYPE=Release)
  run(${CMAKE_COMMAND} --build ${bdir})
  run(${bdir}/example_${lang} ${SOURCE_DIR}/tests/data)
endforeach()
