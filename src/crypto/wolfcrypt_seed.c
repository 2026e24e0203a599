/* The entropy source wolfCrypt's hash DRBG is seeded from (CUSTOM_RAND_GENERATE_SEED in
 * user_settings.h). Compiled into websrt_wolfcrypt, not websrt_crypto, so the static-link order
 * never leaves random.c's reference unresolved. */
#include "user_settings.h"

#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#ifdef __EMSCRIPTEN__
  #include <sys/random.h> /* Emscripten declares getentropy() here, not in unistd.h */
#endif

/* getentropy() is the one call that works in both builds: glibc maps it to getrandom(2) (never
 * a file descriptor, so no /dev/urandom in a chroot), Emscripten to the Web Crypto API or Node's
 * crypto module. POSIX caps one call at 256 bytes, hence the loop. */
int websrt_wolfcrypt_seed(unsigned char* output, unsigned int sz)
{
    enum { getentropy_max = 256 };
    while (sz > 0) {
        size_t chunk = sz < getentropy_max ? sz : getentropy_max;
        if (getentropy(output, chunk) != 0) {
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
