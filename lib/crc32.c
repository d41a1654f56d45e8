/* crc32.c -- the gzip CRC-32 (RFC 1952, section 8): slice-by-8 tables in
 * portable C, and on x86-64 a carry-less multiply (PCLMULQDQ) path picked
 * at run time. The folding constants are made by tests/gz/mkcrc.py, whose
 * comment derives them. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "inflate.h"

/* FL_CRC_CLMUL -- the PCLMULQDQ path is built: x86-64, a compiler whose
 * target attribute and intrinsics we know, and not the sanitizer build
 * (FL_NO_BUILTIN), which thereby tests the portable path */
#if defined(__x86_64__) && !defined(FL_NO_BUILTIN) && \
    ((defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12) || \
    (defined(__clang__) && __clang_major__ >= 14))
#define FL_CRC_CLMUL 1
#include <immintrin.h>
#endif

/* crctab -- the slice-by-8 tables: table 0 the byte-at-a-time table of the
 * reflected polynomial 0xEDB88320; table k the CRC of a byte followed by k
 * zero bytes, so that eight bytes take eight look-ups. Made once, at the
 * first CRC taken (pthread_once: the workers share them). */
static uint32_t crctab[8][256];
static pthread_once_t crconce = PTHREAD_ONCE_INIT;

static void
maketables(void)
{
	uint32_t c;
	unsigned n, k, b;

	for (n = 0; n < 256; n++) {
		for (c = n, b = 0; b < 8; b++)
			c = c >> 1 ^ (c & 1 ? 0xEDB88320u : 0);
		crctab[0][n] = c;
	}
	for (k = 1; k < 8; k++)
		for (n = 0; n < 256; n++)
			crctab[k][n] = crctab[k - 1][n] >> 8 ^ crctab[0][crctab[k - 1][n] & 0xff];
}
#define FOLD576 0x653d982200000000ull
#define FOLD512 0xcad38e8f00000000ull
#define FOLD192 0x65673b4600000000ull
#define FOLD128 0x9ba54c6f00000000ull

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* crcraw -- the register of the CRC taken on over p[0, n), without the
 * inversions before and after */
static uint32_t
crcraw(uint32_t c, const unsigned char *p, size_t n)
{
	uint32_t a, b;

	for (; n >= 8; p += 8, n -= 8) {
		a = c ^ le32(p);
		b = le32(p + 4);
		c = crctab[7][a & 0xff] ^ crctab[6][(a >> 8) & 0xff] ^
		    crctab[5][(a >> 16) & 0xff] ^ crctab[4][a >> 24] ^
		    crctab[3][b & 0xff] ^ crctab[2][(b >> 8) & 0xff] ^
		    crctab[1][(b >> 16) & 0xff] ^ crctab[0][b >> 24];
	}
	while (n--)
		c = crctab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c;
}

uint32_t
fl_crc32_portable(uint32_t crc, const void *p, size_t n)
{
	pthread_once(&crconce, maketables);
	return ~crcraw(~crc, p, n);
}

#ifdef FL_CRC_CLMUL
#define CLMUL_MIN 64

/* fold -- the 128-bit lane x moved on by the distance k stands for, added
 * to the lane of data it lands on */
__attribute__((target("pclmul,sse4.1")))
static __m128i
fold(__m128i x, __m128i k, __m128i data)
{
	return _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00),
	    _mm_clmulepi64_si128(x, k, 0x11)), data);
}

/* crcclmul -- crcraw for n >= CLMUL_MIN: four lanes of 16 bytes folded 64
 * bytes on at a time, then into one lane; that lane's CRC is the CRC of
 * all it stands for, so the tables finish it and the tail */
__attribute__((target("pclmul,sse4.1")))
static uint32_t
crcclmul(uint32_t c, const unsigned char *p, size_t n)
{
	const __m128i k4 = _mm_set_epi64x((long long)FOLD512, (long long)FOLD576);
	const __m128i k1 = _mm_set_epi64x((long long)FOLD128, (long long)FOLD192);
	__m128i x0, x1, x2, x3;
	unsigned char last[16];

	x0 = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(const void *)p),
	    _mm_cvtsi32_si128((int)c));
	x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));
	x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 32));
	x3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 48));
	for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
		x0 = fold(x0, k4, _mm_loadu_si128((const __m128i *)(const void *)p));
		x1 = fold(x1, k4, _mm_loadu_si128((const __m128i *)(const void *)(p + 16)));
		x2 = fold(x2, k4, _mm_loadu_si128((const __m128i *)(const void *)(p + 32)));
		x3 = fold(x3, k4, _mm_loadu_si128((const __m128i *)(const void *)(p + 48)));
	}
	x1 = fold(x0, k1, x1);
	x2 = fold(x1, k1, x2);
	x0 = fold(x2, k1, x3);
	for (; n >= 16; p += 16, n -= 16)
		x0 = fold(x0, k1, _mm_loadu_si128((const __m128i *)(const void *)p));
	_mm_storeu_si128((__m128i *)(void *)last, x0);
	return crcraw(crcraw(0, last, 16), p, n);
}

int
fl_crc32_hasfast(void)
{
	return __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
}

uint32_t
fl_crc32(uint32_t crc, const void *p, size_t n)
{
	pthread_once(&crconce, maketables);
	if (n >= CLMUL_MIN && fl_crc32_hasfast())
		return ~crcclmul(~crc, p, n);
	return ~crcraw(~crc, p, n);
}
#else
int
fl_crc32_hasfast(void)
{
	return 0;
}

uint32_t
fl_crc32(uint32_t crc, const void *p, size_t n)
{
	pthread_once(&crconce, maketables);
	return ~crcraw(~crc, p, n);
}
#endif
