#!/usr/bin/env python3
"""mkcrc.py -- print the folding constants of lib/crc32.c (a dev tool).

The constants of the PCLMULQDQ path: fold(E) is x^(E-1) mod P, P the
reflected CRC-32 polynomial 0xEDB88320 (RFC 1952, section 8), bit-reflected,
in the high half of a 64-bit word. A 64-bit reflected chunk a times that,
carry-less, is a 127-bit product whose reflected reading is
x * a * x^(E-1) = a * x^E (mod P): the chunk moved E bits on, in the 128-bit
lane it lands in. A lane (lo, hi) moved D bits on is lo * fold(64 + D) +
hi * fold(D). (The slice-by-8 tables are made by lib/crc32.c itself.)
Usage: python3 tests/gz/mkcrc.py, and compare with the FOLD lines of
lib/crc32.c.
"""

POLY = 0xEDB88320


def main():
    for e in (576, 512, 192, 128):
        print("#define FOLD%d 0x%016xull" % (e, xpow(e - 1) << 32))


def xpow(n):
    """x^n mod P, reflected: bit 31 - d holds the coefficient of x^d"""
    r = 0x80000000
    for _ in range(n):
        r = (r >> 1) ^ (POLY if r & 1 else 0)
    return r


if __name__ == "__main__":
    main()
