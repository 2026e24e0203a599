// Loads the WebAssembly core (dist/websrt_core.{mjs,wasm}) once, in Node or a browser, and wraps
// its embind functions so that every call returns a result object and none throws.

import { fallbackRandomValues, readWasm } from "#platform";

// A literal `new URL("…", import.meta.url)`: the form bundlers recognise, copy the file for (under
// a hashed name) and rewrite, so a bundled app finds the wasm with no configuration. Not a template:
// Vite turns `../dist/${path}` into a glob and copies all of dist/, the .mjs as a stray asset too.
const wasmUrl = new URL("../dist/websrt_core.wasm", import.meta.url);

/** @type {Promise<object> | undefined} */
let corePromise;
/** The Emscripten module itself, for the package's own modules (SrtEndpoint, HEAPU8). */
let rawModule;

/**
 * Loads the core once and resolves to its functions; later calls return the same promise. On
 * failure the promise rejects with an Error that says what was missing, and the next call tries
 * again (a page may retry after a network error).
 */
export function loadCore() {
  if (!corePromise) {
    corePromise = instantiate().catch((error) => {
      corePromise = undefined;
      throw error;
    });
  }
  return corePromise;
}

async function instantiate() {
  let factory;
  try {
    ({ default: factory } = await import("../dist/websrt_core.mjs"));
  } catch (error) {
    // The path as text: a `new URL("…mjs", import.meta.url)` here would make Vite copy the .mjs
    // into every app as an unused asset.
    throw new Error(
      `websrt: cannot load the WebAssembly core from ../dist/websrt_core.mjs next to ${import.meta.url} ` +
        `(build it with 'npm run build'): ${error.message}`,
      { cause: error },
    );
  }
  // Node: the platform reads the bytes (wasmBinary). Browsers: Emscripten streams the wasm from
  // locateFile's URL (WebAssembly.instantiateStreaming, with an ArrayBuffer fallback for a wrong
  // MIME type). The .wasm is the only file the core locates (FILESYSTEM=0, no workers), and a
  // bundler renamed it: the URL is wasmUrl whatever name Emscripten asks for.
  const options = {
    locateFile: () => wasmUrl.href,
    getRandomValues: secureRandomSource(),
  };
  const wasmBinary = await readWasm(wasmUrl);
  if (wasmBinary) options.wasmBinary = wasmBinary;
  const raw = await factory(options);
  rawModule = raw;
  return wrap(raw);
}

/**
 * The core's only entropy (src/crypto/wolfcrypt_seed.c): Web Crypto's getRandomValues, from the
 * global where there is one (browsers, workers, Node >= 19), else the platform's (node:crypto on
 * Node 18, whose scripts have no global `crypto`). Never anything weaker: without it the core
 * cannot load.
 */
function secureRandomSource() {
  const global = globalThis.crypto;
  if (typeof global?.getRandomValues === "function") return global.getRandomValues.bind(global);
  if (fallbackRandomValues) return fallbackRandomValues;
  throw new Error("websrt: this environment has no Web Crypto (crypto.getRandomValues), which the core needs for keys and socket ids");
}

/** The Emscripten module (internal to the package: the socket API drives its SrtEndpoint). */
export async function loadModule() {
  await loadCore();
  return rawModule;
}

/** The wrapped API: arguments are checked here, so the embind layer only sees well-typed values. */
function wrap(raw) {
  return Object.freeze({
    wireReencode(datagram) {
      return checkBytes("datagram", datagram) ?? guard(() => raw.wireReencode(datagram));
    },
    wireDescribe(datagram) {
      return checkBytes("datagram", datagram) ?? guard(() => raw.wireDescribe(datagram));
    },
    pbkdf2HmacSha1(passphrase, salt, iterations, keyLength) {
      if (typeof passphrase !== "string") return failure("passphrase must be a string");
      return (
        checkBytes("salt", salt) ??
        checkInteger("iterations", iterations, 1, 0x7fffffff) ??
        checkInteger("keyLength", keyLength, 1, maxKeyLength) ??
        guard(() => raw.pbkdf2HmacSha1(passphrase, salt, iterations, keyLength))
      );
    },
    aesCtr(key, iv, data) {
      return (
        checkBytes("key", key) ??
        checkBytes("iv", iv) ??
        checkBytes("data", data) ??
        guard(() => raw.aesCtr(key, iv, data))
      );
    },
    aesGcmSeal(key, iv, aad, plaintext) {
      return (
        checkBytes("key", key) ??
        checkBytes("iv", iv) ??
        checkBytes("aad", aad) ??
        checkBytes("plaintext", plaintext) ??
        guard(() => raw.aesGcmSeal(key, iv, aad, plaintext))
      );
    },
    aesGcmOpen(key, iv, aad, sealed) {
      return (
        checkBytes("key", key) ??
        checkBytes("iv", iv) ??
        checkBytes("aad", aad) ??
        checkBytes("sealed", sealed) ??
        guard(() => raw.aesGcmOpen(key, iv, aad, sealed))
      );
    },
    srtDecrypt(passphrase, kmDatagram, dataDatagram) {
      if (typeof passphrase !== "string") return failure("passphrase must be a string");
      return (
        checkBytes("kmDatagram", kmDatagram) ??
        checkBytes("dataDatagram", dataDatagram) ??
        guard(() => raw.srtDecrypt(passphrase, kmDatagram, dataDatagram))
      );
    },
  });
}

/** PBKDF2 output is a key (SRT: 16, 24 or 32 bytes); the cap keeps a typo from exhausting memory. */
const maxKeyLength = 1024;

function failure(error) {
  return { ok: false, error };
}

function checkBytes(name, value) {
  return value instanceof Uint8Array ? undefined : failure(`${name} must be a Uint8Array`);
}

function checkInteger(name, value, min, max) {
  return Number.isInteger(value) && value >= min && value <= max
    ? undefined
    : failure(`${name} must be an integer in [${min}, ${max}]`);
}

/** The C++ side returns errors as values; this catches only what should never happen (an abort). */
function guard(call) {
  try {
    return call();
  } catch (error) {
    return failure(`websrt core failure: ${error?.message ?? String(error)}`);
  }
}
