/*
 * SHA-256 block compression with the x86 SHA extensions (SHA-NI), exposed
 * through Node-API so one binary loads in every Node and Electron that
 * speaks Node-API (Node 20 here, code-server's Node 24, VS Code's Electron).
 *
 * It does exactly what the WebAssembly and JS compressors in
 * src/core/hash/sha256.ts do: absorb whole 64-byte blocks into a chaining
 * state H0..H7 that lives in a JS Int32Array. Nothing is copied: the state
 * and the input are read and written where V8 keeps them.
 *
 * A native fault would take down the whole extension host, so every
 * argument is checked before any memory is touched, and the SHA instructions
 * are never executed on a CPU that lacks them (CPUID is checked on every
 * call, from a cached flag).
 *
 * Exports:
 *   hasShaNi(): boolean
 *   compress(state: Int32Array|Uint32Array (8 words), data: Uint8Array,
 *            offset: number, length: number): void
 *       length % 64 === 0, 0 <= offset, offset + length <= data.length;
 *       anything else throws a RangeError / TypeError.
 *   abiVersion: number   (bumped when the JS-visible interface changes)
 *
 * Build: `npm run build:native` (src/native/buildNative.js): the system C
 * compiler with the node-api-headers package's headers; no node-gyp.
 */
#include <node_api.h>
#include <stdint.h>
#include <stddef.h>
#include <math.h>

#define KOODRIVE_SHA256_ABI 1

#if defined(__x86_64__) || defined(_M_X64)
#define HAVE_X86_64 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define HAVE_X86_64 0
#endif

/* ------------------------------------------------------------------------ */
/* CPU detection                                                             */

static int cpu_has_sha_ni(void) {
#if HAVE_X86_64
  unsigned int eax, ebx, ecx, edx;
  /* Leaf 1 ECX: bit 9 SSSE3, bit 19 SSE4.1 (used for the shuffles/blends). */
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
  if (!(ecx & (1u << 9)) || !(ecx & (1u << 19))) return 0;
  /* Leaf 7 sub-leaf 0 EBX bit 29: SHA extensions. */
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return 0;
  return (ebx & (1u << 29)) != 0;
#else
  return 0;
#endif
}

/* -1 = not checked yet. A benign race between threads: both write the same value. */
static volatile int g_sha_ni = -1;

static int have_sha_ni(void) {
  if (g_sha_ni < 0) g_sha_ni = cpu_has_sha_ni();
  return g_sha_ni;
}

/* ------------------------------------------------------------------------ */
/* The compression function                                                 */

#if HAVE_X86_64
static const uint32_t K256[64] __attribute__((aligned(16))) = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* Two rounds per sha256rnds2; the second takes the upper half of MSG. */
#define ROUNDS4(g, W)                                                         \
  do {                                                                        \
    msg = _mm_add_epi32((W), _mm_load_si128((const __m128i *)&K256[4 * (g)])); \
    state1 = _mm_sha256rnds2_epu32(state1, state0, msg);                      \
    msg = _mm_shuffle_epi32(msg, 0x0E);                                       \
    state0 = _mm_sha256rnds2_epu32(state0, state1, msg);                      \
  } while (0)

/*
 * Rounds 4g..4g+3 for g >= 3, with the message schedule: X = W[4g..4g+3],
 * PREV = W[4g-4..], NEXT holds sha256msg1 of W[4g+4..] and becomes W[4g+4..];
 * PREV then starts W[4g+12..] (wasted work in the last groups, harmless).
 */
#define ROUNDS4_SCHEDULE(g, X, PREV, NEXT)                                    \
  do {                                                                        \
    msg = _mm_add_epi32((X), _mm_load_si128((const __m128i *)&K256[4 * (g)])); \
    state1 = _mm_sha256rnds2_epu32(state1, state0, msg);                      \
    tmp = _mm_alignr_epi8((X), (PREV), 4);                                    \
    NEXT = _mm_add_epi32(NEXT, tmp);                                          \
    NEXT = _mm_sha256msg2_epu32(NEXT, (X));                                   \
    msg = _mm_shuffle_epi32(msg, 0x0E);                                       \
    state0 = _mm_sha256rnds2_epu32(state0, state1, msg);                      \
    PREV = _mm_sha256msg1_epu32(PREV, (X));                                   \
  } while (0)

__attribute__((target("sha,sse4.1,ssse3")))
static void sha256_compress_ni(uint32_t state[8], const uint8_t *data, size_t blocks) {
  __m128i state0, state1, msg, tmp, m0, m1, m2, m3, abef_save, cdgh_save;
  const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);

  /* H0..H7 -> the ABEF / CDGH lane order the instructions use. */
  tmp = _mm_loadu_si128((const __m128i *)&state[0]);    /* DCBA */
  state1 = _mm_loadu_si128((const __m128i *)&state[4]); /* HGFE */
  tmp = _mm_shuffle_epi32(tmp, 0xB1);                   /* CDAB */
  state1 = _mm_shuffle_epi32(state1, 0x1B);             /* EFGH */
  state0 = _mm_alignr_epi8(tmp, state1, 8);             /* ABEF */
  state1 = _mm_blend_epi16(state1, tmp, 0xF0);          /* CDGH */

  while (blocks--) {
    abef_save = state0;
    cdgh_save = state1;

    m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 0)), bswap);
    ROUNDS4(0, m0);
    m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16)), bswap);
    ROUNDS4(1, m1);
    m0 = _mm_sha256msg1_epu32(m0, m1);
    m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 32)), bswap);
    ROUNDS4(2, m2);
    m1 = _mm_sha256msg1_epu32(m1, m2);
    m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 48)), bswap);

    ROUNDS4_SCHEDULE(3, m3, m2, m0);
    ROUNDS4_SCHEDULE(4, m0, m3, m1);
    ROUNDS4_SCHEDULE(5, m1, m0, m2);
    ROUNDS4_SCHEDULE(6, m2, m1, m3);
    ROUNDS4_SCHEDULE(7, m3, m2, m0);
    ROUNDS4_SCHEDULE(8, m0, m3, m1);
    ROUNDS4_SCHEDULE(9, m1, m0, m2);
    ROUNDS4_SCHEDULE(10, m2, m1, m3);
    ROUNDS4_SCHEDULE(11, m3, m2, m0);
    ROUNDS4_SCHEDULE(12, m0, m3, m1);
    ROUNDS4_SCHEDULE(13, m1, m0, m2);
    ROUNDS4_SCHEDULE(14, m2, m1, m3);
    ROUNDS4(15, m3);

    state0 = _mm_add_epi32(state0, abef_save);
    state1 = _mm_add_epi32(state1, cdgh_save);
    data += 64;
  }

  /* ABEF / CDGH -> H0..H7. */
  tmp = _mm_shuffle_epi32(state0, 0x1B);       /* FEBA */
  state1 = _mm_shuffle_epi32(state1, 0xB1);    /* DCHG */
  state0 = _mm_blend_epi16(tmp, state1, 0xF0); /* DCBA */
  state1 = _mm_alignr_epi8(state1, tmp, 8);    /* HGFE */
  _mm_storeu_si128((__m128i *)&state[0], state0);
  _mm_storeu_si128((__m128i *)&state[4], state1);
}
#endif

/* ------------------------------------------------------------------------ */
/* Node-API glue                                                            */

/* Throws and returns NULL, so `return fail(...)` ends a callback. */
static napi_value fail_range(napi_env env, const char *msg) {
  napi_throw_range_error(env, "ERR_KOODRIVE_SHA256_ARG", msg);
  return NULL;
}

static napi_value fail_type(napi_env env, const char *msg) {
  napi_throw_type_error(env, "ERR_KOODRIVE_SHA256_ARG", msg);
  return NULL;
}

/* A JS number that is an integer in [0, 2^53]: offsets and lengths. */
static int get_index(napi_env env, napi_value v, uint64_t *out) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number) return 0;
  if (napi_get_value_double(env, v, &d) != napi_ok) return 0;
  if (!isfinite(d) || d < 0 || d > 9007199254740992.0 || d != floor(d)) return 0;
  *out = (uint64_t)d;
  return 1;
}

static napi_value js_has_sha_ni(napi_env env, napi_callback_info info) {
  napi_value result;
  (void)info;
  if (napi_get_boolean(env, have_sha_ni() != 0, &result) != napi_ok) return NULL;
  return result;
}

static napi_value js_compress(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  bool is_typed;
  napi_typedarray_type type;
  size_t count, byte_offset;
  void *state_ptr = NULL, *data_ptr = NULL;
  napi_value ab;
  uint64_t offset, length;

  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  if (argc != 4) return fail_type(env, "compress(state, data, offset, length) takes 4 arguments");

  /* state: 8 x 32-bit words. Typed arrays are always aligned to their element size. */
  if (napi_is_typedarray(env, argv[0], &is_typed) != napi_ok || !is_typed) return fail_type(env, "state must be an Int32Array or Uint32Array");
  if (napi_get_typedarray_info(env, argv[0], &type, &count, &state_ptr, &ab, &byte_offset) != napi_ok) return NULL;
  if (type != napi_int32_array && type != napi_uint32_array) return fail_type(env, "state must be an Int32Array or Uint32Array");
  if (count != 8 || state_ptr == NULL) return fail_range(env, "state must hold exactly 8 words");

  /* data: bytes. */
  if (napi_is_typedarray(env, argv[1], &is_typed) != napi_ok || !is_typed) return fail_type(env, "data must be a Uint8Array or Buffer");
  if (napi_get_typedarray_info(env, argv[1], &type, &count, &data_ptr, &ab, &byte_offset) != napi_ok) return NULL;
  if (type != napi_uint8_array) return fail_type(env, "data must be a Uint8Array or Buffer");

  if (!get_index(env, argv[2], &offset)) return fail_range(env, "offset must be a non-negative integer");
  if (!get_index(env, argv[3], &length)) return fail_range(env, "length must be a non-negative integer");
#ifdef KOODRIVE_SHA256_LENIENT_FOR_TESTS
  /* Only in the test build that proves the self-test refuses an addon that
     takes a misaligned length: here the tail is silently left out. */
  length -= length % 64;
#else
  if (length % 64 != 0) return fail_range(env, "length must be a multiple of 64 bytes");
#endif
  if (offset > count || length > count - offset) return fail_range(env, "offset + length is past the end of data");
  if (length == 0) return NULL;
  if (data_ptr == NULL) return fail_range(env, "data has no backing store (detached?)");
  if (!have_sha_ni()) {
    napi_throw_error(env, "ERR_KOODRIVE_SHA256_CPU", "this CPU has no SHA extensions (SHA-NI)");
    return NULL;
  }
#if HAVE_X86_64
  sha256_compress_ni((uint32_t *)state_ptr, (const uint8_t *)data_ptr + offset, (size_t)(length / 64));
#endif
#ifdef KOODRIVE_SHA256_BROKEN_FOR_TESTS
  /* Only in the test build that proves a failing self-test falls back to wasm. */
  ((uint32_t *)state_ptr)[7] ^= 1;
#endif
  return NULL;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  napi_value fn, abi;
  if (napi_create_function(env, "hasShaNi", NAPI_AUTO_LENGTH, js_has_sha_ni, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "hasShaNi", fn) != napi_ok) return NULL;
  if (napi_create_function(env, "compress", NAPI_AUTO_LENGTH, js_compress, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "compress", fn) != napi_ok) return NULL;
  if (napi_create_uint32(env, KOODRIVE_SHA256_ABI, &abi) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "abiVersion", abi) != napi_ok) return NULL;
  return exports;
}
