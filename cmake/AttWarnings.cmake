# The warning flags (README, "Development"), on one INTERFACE target that every
# project target links privately. -ffp-contract=off keeps a*b+c from being
# fused, so results do not depend on the compiler's choice of FMA.
add_library(att_warnings INTERFACE)
target_compile_options(att_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
  -Wconversion -Wdouble-promotion -Wformat=2 -Wundef -Wcast-qual -Wwrite-strings -Wvla
  -ffp-contract=off)
target_compile_definitions(att_warnings INTERFACE _POSIX_C_SOURCE=200809L)
if(ATT_WERROR)
  target_compile_options(att_warnings INTERFACE -Werror)
endif()
if(ATT_SANITIZE)
  target_compile_options(att_warnings INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(att_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(ATT_FUZZ)
  # Coverage for libFuzzer in everything; the harnesses add -fsanitize=fuzzer.
  target_compile_options(att_warnings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -g)
  target_link_options(att_warnings INTERFACE -fsanitize=address,undefined)
endif()
if(ATT_COVERAGE)
  # -Og, as the Debug build: -O0 made the instrumented fast tests take 90-127 s in CI.
  target_compile_options(att_warnings INTERFACE --coverage -Og)
  target_link_options(att_warnings INTERFACE --coverage)
endif()
