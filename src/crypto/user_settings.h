/* wolfCrypt build configuration for websrt (read through -DWOLFSSL_USER_SETTINGS): only what SRT
 * needs (AES-CTR, AES-GCM, AES key wrap, PBKDF2-HMAC-SHA1, SHA-1/SHA-256, hash DRBG).
 *
 * This header is also included by wolfSSL's x86-64 assembly (.S) files, so everything outside the
 * __ASSEMBLER__ guard must be preprocessor directives only. Every translation unit that includes
 * a wolfSSL header (wolfSSL's own and the adapter's .cpp files) must see the same settings, since
 * they change struct layouts (Aes, WC_RNG); cmake/wolfcrypt.cmake passes the switches to both. */
#ifndef WEBSRT_WOLFCRYPT_USER_SETTINGS_H
#define WEBSRT_WOLFCRYPT_USER_SETTINGS_H

/* No TLS, no certificates, no public-key algorithms: the KM exchange of SRT is symmetric only. */
#define WOLFCRYPT_ONLY
#define NO_RSA
#define NO_DH
#define NO_DSA
#define NO_ASN
#define NO_CERTS
#define NO_BIG_INT
#define NO_SIG_WRAPPER
#define NO_CODING
#define NO_MD4
#define NO_MD5
#define NO_DES3
#define NO_RC4
#define NO_PSK
#define NO_OLD_TLS
#define NO_SESSION_CACHE
#define NO_FILESYSTEM
#define NO_WRITEV
#define NO_MAIN_DRIVER
#define WOLFSSL_NO_SOCK
#define NO_HC128
#define NO_RABBIT
#define WC_NO_RSA_OAEP

/* AES: CTR (SRT's classic cipher), GCM (SRT 1.5.2+ AES-GCM mode), key wrap (RFC 3394, the KM
 * message wraps the SEK with the KEK), and the direct single-block API key wrap is built on. */
#define WOLFSSL_AES_COUNTER
#define HAVE_AESGCM
#define WOLFSSL_AES_DIRECT
#define HAVE_AES_KEYWRAP
/* ECB lets wc_AesCtrEncrypt encrypt a whole run of counter blocks in one AES-NI call (8 blocks in
 * flight) instead of one call per block; AesCtr drives it through an aligned scratch buffer. */
#define HAVE_AES_ECB
#define WOLFSSL_AES_128
#define WOLFSSL_AES_192
#define WOLFSSL_AES_256
/* 4-bit GHASH tables: wolfSSL's default for configure builds; the speed/size middle ground used
 * in wasm and as the fallback when a CPU lacks AES-NI/PCLMUL. */
#define GCM_TABLE_4BIT
/* Check the GCM tag before decrypting in the portable C path, so no unauthenticated plaintext is
 * produced (the adapter also wipes the output on failure, for the assembly path). */
#define WC_AES_GCM_DEC_AUTH_EARLY

/* KEK derivation: PBKDF2-HMAC-SHA1 (SRT draft section 6.1.4). */
#define HAVE_PBKDF2
#define NO_PKCS12 /* on by default; its KDF needs big-integer math we do not build */
#define NO_PKCS8
#define HAVE_HMAC

/* Random numbers: the SHA-256 hash DRBG, seeded by websrt_wolfcrypt_seed() (wolfcrypt_seed.c),
 * which reads getentropy(): the kernel's getrandom() natively, crypto.getRandomValues() (browser)
 * or crypto.randomBytes() (Node) under Emscripten. One seed path for both builds. */
#define HAVE_HASHDRBG
#define CUSTOM_RAND_GENERATE_SEED websrt_wolfcrypt_seed

#ifdef __EMSCRIPTEN__
  /* Plain C for wasm: wolfSSL has no wasm assembly, and the module runs on one thread. */
  #define WOLFSSL_NO_ASM
  #define SINGLE_THREADED
#endif

/* Set by cmake/wolfcrypt.cmake for native x86-64 builds: AES-NI + PCLMUL for AES and GHASH,
 * and the AVX1/AVX2 AES-GCM and SHA-256 assembly, all chosen at run time from CPUID. */
#if defined(WEBSRT_WOLFCRYPT_X86_64_ASM) && !defined(__EMSCRIPTEN__)
  #ifndef WOLFSSL_X86_64_BUILD
    #define WOLFSSL_X86_64_BUILD
  #endif
  #define WOLFSSL_AESNI
  #define USE_INTEL_SPEEDUP
#endif

#ifndef __ASSEMBLER__
  #ifdef __cplusplus
  extern "C" {
  #endif
  /* Fills output with sz bytes from the operating system's CSPRNG; 0 on success. */
  int websrt_wolfcrypt_seed(unsigned char* output, unsigned int sz);
  #ifdef __cplusplus
  }
  #endif
#endif

#endif /* WEBSRT_WOLFCRYPT_USER_SETTINGS_H */
