#!/usr/bin/env python3
"""mkcrc.py -- print the slice-by-8 tables of lib/crc32.c (a dev tool).

Table 0 is the byte-at-a-time table of the reflected CRC-32 polynomial
0xEDB88320 (RFC 1952, section 8); table k gives the CRC of a byte followed
by k zero bytes, so eight bytes are folded with eight look-ups.
It also prints the folding constants of the PCLMULQDQ path: fold(E) is
x^(E-1) mod P, bit-reflected, in the high half of a 64-bit word. A 64-bit
reflected chunk a times that, carry-less, is a 127-bit product whose
reflected reading is x * a * x^(E-1) = a * x^E (mod P): the chunk moved E
bits on, in the 128-bit lane it lands in. A lane (lo, hi) moved D bits on
is lo * fold(64 + D) + hi * fold(D).
Usage: python3 tests/gz/mkcrc.py > /tmp/tab.c, then paste into lib/crc32.c.
"""

POLY = 0xEDB88320


def main():
    t = [[0] * 256 for _ in range(8)]
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ (POLY if c & 1 else 0)
        t[0][n] = c
    for k in range(1, 8):
        for n in range(256):
            c = t[k - 1][n]
            t[k][n] = (c >> 8) ^ t[0][c & 0xFF]
    print("static const uint32_t crctab[8][256] = {")
    for k in range(8):
        print("\t{")
        for i in range(0, 256, 6):
            row = ", ".join("0x%08x" % v for v in t[k][i:i + 6])
            print("\t\t" + row + ("," if i + 6 < 256 else ""))
        print("\t}" + ("," if k < 7 else ""))
    print("};")
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
