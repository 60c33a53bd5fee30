# The model reader's fuzz target viscoann_fuzz_model_io (tests/fuzz/fuzz_model_io.cpp), built
# with the tests: with clang, libFuzzer + ASan + UBSan (run it long by hand, see
# bench/RESULTS.md); elsewhere the same entry point under a replay driver (tests/fuzz/
# replay_main.cpp). ctest runs a short pass over the repository's model files either way.
include(CheckCXXSourceCompiles)

function(viscoann_add_fuzz_target)
  set(src ${PROJECT_SOURCE_DIR})
  set(sources ${src}/tests/fuzz/fuzz_model_io.cpp ${src}/cpp/src/model_io.cpp ${src}/cpp/src/json.cpp)
  set(VISCOANN_HAVE_LIBFUZZER OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    set(CMAKE_REQUIRED_FLAGS -fsanitize=fuzzer)
    set(CMAKE_REQUIRED_LINK_OPTIONS -fsanitize=fuzzer)
    check_cxx_source_compiles(
      "#include <cstddef>\n#include <cstdint>\nextern \"C\" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }"
      VISCOANN_HAVE_LIBFUZZER)
  endif()
  if(VISCOANN_HAVE_LIBFUZZER)
    add_executable(viscoann_fuzz_model_io ${sources})
    target_compile_options(viscoann_fuzz_model_io PRIVATE -fsanitize=fuzzer,address,undefined -g)
    target_link_options(viscoann_fuzz_model_io PRIVATE -fsanitize=fuzzer,address,undefined)
    # libFuzzer writes new inputs into its first corpus folder: a copy in the build tree.
    set(corpus ${CMAKE_CURRENT_BINARY_DIR}/fuzz_corpus)
    file(MAKE_DIRECTORY ${corpus})
    file(GLOB seeds ${src}/tests/data/*.safetensors)
    file(COPY ${seeds} DESTINATION ${corpus})
    add_test(NAME fuzz_model_io COMMAND viscoann_fuzz_model_io -runs=20000
             -dict=${src}/tests/fuzz/model_io.dict ${corpus})
  else()
    add_executable(viscoann_fuzz_model_io ${sources} ${src}/tests/fuzz/replay_main.cpp)
    viscoann_sanitize(viscoann_fuzz_model_io)
    file(GLOB seeds ${src}/tests/data/*.safetensors)
    add_test(NAME fuzz_model_io COMMAND viscoann_fuzz_model_io -stride=13 ${seeds})
  endif()
  target_include_directories(viscoann_fuzz_model_io PRIVATE
    ${src}/cpp/include ${PROJECT_BINARY_DIR}/include ${src}/cpp/src)
  target_compile_definitions(viscoann_fuzz_model_io PRIVATE VISCOANN_STATIC)
  target_compile_features(viscoann_fuzz_model_io PRIVATE cxx_std_17)
  message(STATUS "viscoann fuzz target: libFuzzer ${VISCOANN_HAVE_LIBFUZZER}")
endfunction()
