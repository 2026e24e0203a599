# websrt_wolfcrypt: the few wolfCrypt sources SRT needs, compiled from Debian's wolfssl source
# package so the native and the WebAssembly builds run the same, distribution-patched code.
#
# The source is unpacked once into ${PROJECT_SOURCE_DIR}/build/third_party/wolfssl, shared by every
# build tree (native, asan, fuzz, wasm); scripts/fetch-wolfssl.sh does that at configure time.
# Configuration comes from src/crypto/user_settings.h (no wolfSSL configure script).
include_guard(GLOBAL)

set(WEBSRT_WOLFSSL_CACHE "${PROJECT_SOURCE_DIR}/build/third_party/wolfssl" CACHE PATH
    "Where scripts/fetch-wolfssl.sh unpacks Debian's wolfssl source (shared by all build trees)")
set(websrt_wolfssl_dir "${WEBSRT_WOLFSSL_CACHE}/src")

if(NOT EXISTS "${websrt_wolfssl_dir}/.websrt-unpacked")
  message(STATUS "wolfCrypt: fetching Debian's wolfssl source into ${WEBSRT_WOLFSSL_CACHE}")
  execute_process(
    COMMAND bash "${PROJECT_SOURCE_DIR}/scripts/fetch-wolfssl.sh" "${WEBSRT_WOLFSSL_CACHE}"
    RESULT_VARIABLE websrt_fetch_result
    OUTPUT_VARIABLE websrt_fetch_output
    OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT websrt_fetch_result EQUAL 0)
    message(FATAL_ERROR "wolfCrypt: scripts/fetch-wolfssl.sh failed (${websrt_fetch_result}); "
                        "run scripts/setup.sh (it adds the deb-src entry apt-get source needs)")
  endif()
  message(STATUS "wolfCrypt: ${websrt_fetch_output}")
endif()
file(READ "${websrt_wolfssl_dir}/.websrt-debian-version" websrt_wolfssl_version)
string(STRIP "${websrt_wolfssl_version}" websrt_wolfssl_version)
message(STATUS "wolfCrypt: Debian wolfssl ${websrt_wolfssl_version}")

# Hand-picked from wolfssl's src/include.am: the algorithms (aes, sha, sha256, hmac, pwdbased,
# random) and their support code (hash: digest sizes for PBKDF2/HMAC; memory, wc_port, error,
# logging: allocation, init, error codes). misc.c is not listed: wolfSSL #includes it inline.
set(websrt_wolfcrypt_sources
  aes.c sha.c sha256.c hmac.c pwdbased.c hash.c random.c
  memory.c wc_port.c error.c logging.c)

# AES-NI and the AVX AES-GCM/SHA-256 assembly natively on x86-64; plain C everywhere else. The
# assembly is not instrumented by ASan, which is harmless (it touches only buffers we pass in).
set(websrt_wolfcrypt_x86_64_asm OFF)
if(NOT EMSCRIPTEN AND CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  set(websrt_wolfcrypt_x86_64_asm ON)
  list(APPEND websrt_wolfcrypt_sources cpuid.c aes_asm.S aes_gcm_asm.S sha256_asm.S)
endif()

list(TRANSFORM websrt_wolfcrypt_sources PREPEND "${websrt_wolfssl_dir}/wolfcrypt/src/")
if(websrt_wolfcrypt_x86_64_asm)
  # The .S files need the C preprocessor (they include user_settings.h).
  enable_language(ASM)
endif()

add_library(websrt_wolfcrypt STATIC
  ${websrt_wolfcrypt_sources}
  ${PROJECT_SOURCE_DIR}/src/crypto/wolfcrypt_seed.c)
# Settings change struct layouts, so every user of the wolfSSL headers must see the same ones:
# PUBLIC here, and websrt_crypto links this target PRIVATE so they go no further.
target_include_directories(websrt_wolfcrypt SYSTEM PUBLIC
  "${websrt_wolfssl_dir}" "${PROJECT_SOURCE_DIR}/src/crypto")
target_compile_definitions(websrt_wolfcrypt PUBLIC WOLFSSL_USER_SETTINGS)
if(websrt_wolfcrypt_x86_64_asm)
  # On the command line, not only in user_settings.h: aes_asm.S does not include that header
  # and assembles to nothing without WOLFSSL_X86_64_BUILD.
  target_compile_definitions(websrt_wolfcrypt PUBLIC WEBSRT_WOLFCRYPT_X86_64_ASM
    WOLFSSL_X86_64_BUILD)
endif()
set_target_properties(websrt_wolfcrypt PROPERTIES
  C_STANDARD 11
  C_EXTENSIONS ON)  # gnu11: glibc declares getentropy() only with its default feature macros
# wolfSSL is third-party code: its warnings are not ours to fix, so they must not fail our build
# (only its files get -w; wolfcrypt_seed.c keeps the default warnings).
set_source_files_properties(${websrt_wolfcrypt_sources} PROPERTIES COMPILE_OPTIONS "-w")
if(websrt_wolfcrypt_x86_64_asm)
  # aes.c's AES-NI key schedule uses intrinsics (_mm_aesimc_si128), so it needs the flags
  # wolfSSL's AES-NI build documents. Only aes.c gets them: GCC may then use SSE4.1 anywhere in
  # aes.c, so the native build needs an x86-64 CPU from 2008 or later (AES-NI itself is still
  # picked at run time by CPUID); the rest of wolfCrypt stays baseline x86-64.
  set_source_files_properties("${websrt_wolfssl_dir}/wolfcrypt/src/aes.c" PROPERTIES
    COMPILE_OPTIONS "-w;-maes;-msse4.1;-mpclmul")
endif()
target_compile_options(websrt_wolfcrypt PRIVATE $<$<COMPILE_LANGUAGE:C>:-Wall>)
if(EMSCRIPTEN)
  target_compile_options(websrt_wolfcrypt PRIVATE -msimd128)
endif()
