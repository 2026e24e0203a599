/* The entropy source wolfCrypt's hash DRBG is seeded from (CUSTOM_RAND_GENERATE_SEED in
 * user_settings.h). Compiled into websrt_wolfcrypt, not websrt_crypto, so the static-link order
 * never leaves random.c's reference unresolved. */
#include "user_settings.h"

#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
  #include <emscripten.h>

/* In WebAssembly the bytes come from the `getRandomValues` function js/core.js hands the module:
 * Web Crypto's, from globalThis.crypto or, where a Node (18) has no such global, node:crypto's
 * webcrypto. Emscripten's own getentropy() looks only for a global `crypto` in a web build and
 * aborts the whole module without one. No weaker fallback: without a source, seeding fails and
 * the core reports it (SrtEndpoint.healthy()). */
EM_JS(int, websrt_web_entropy, (unsigned char* output, size_t size), {
    var source = Module["getRandomValues"];
    if (typeof source !== "function") return -1;
    try {
        source(HEAPU8.subarray(output, output + size));
    } catch (e) {
        return -1;
    }
    return 0;
});
  #define websrt_entropy websrt_web_entropy
#else
  #define websrt_entropy getentropy
#endif

/* Natively getentropy(), which glibc maps to getrandom(2) (never a file descriptor, so no
 * /dev/urandom in a chroot). POSIX caps one call at 256 bytes, hence the loop. */
int websrt_wolfcrypt_seed(unsigned char* output, unsigned int sz)
{
    enum { getentropy_max = 256 };
    while (sz > 0) {
        size_t chunk = sz < getentropy_max ? sz : getentropy_max;
        if (websrt_entropy(output, chunk) != 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        output += chunk;
        sz -= (unsigned int)chunk;
    }
    return 0;
}
