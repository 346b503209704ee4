"""QR codes of our own (ISO/IEC 18004): byte mode, error correction level M, mask pattern 2.

Only what our slips, acts and kiosk cards need, table-driven so that a thousand codes are cheap:
each version's layout (function patterns, format and version information for mask 2, the order
of its data modules and the mask over them) is built once; Reed-Solomon works on whole remainders
held in one int, with the generator's products by every byte value looked up, not computed. The
`qrcode` package took 1.76 ms a code (bench/findings.md); tests/documents/test_qr_encoder.py
checks that our modules are the same as its, bit for bit.

Level M: a slip that is folded or smudged still reads.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

__all__ = ["MASK_PATTERN", "MAX_VERSION", "byte_capacity", "qr_matrix"]

# The mask pattern is fixed rather than chosen by scoring all eight: any mask reads the same in
# every reader (the code carries which one it uses), and scoring them was 70% of the time of a
# thousand credential slips (pyinstrument; bench/findings.md). The scans of our slips and acts in
# tests/proctor_console/test_console_documents.py read them back with OpenCV.
MASK_PATTERN = 2
MAX_VERSION = 40

# ISO/IEC 18004 table 9 at level M, versions 1-40: error correction codewords per block, and the
# number of blocks (the shorter blocks come first and hold one data codeword less).
_ECC_PER_BLOCK = (10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
                  26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28)
_BLOCKS = (1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21,
           23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49)
_FORMAT_LEVEL_M = 0b00  # the two bits of level M in the format information
_BYTE_MODE = 0b0100
_PAD = b"\xec\x11" * 1200  # the pad codewords, alternating; longer than any version needs


def _gf_tables() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Exponentials (doubled, so a product needs no modulo) and logarithms in GF(256) mod 0x11D."""
    exp, log = [0] * 512, [0] * 256
    x = 1
    for i in range(255):
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x11D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return tuple(exp), tuple(log)


_EXP, _LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _raw_modules(version: int) -> int:
    """How many modules of a version carry data and error correction (remainder bits included)."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        aligns = version // 7 + 2
        result -= (25 * aligns - 10) * aligns - 55
        if version >= 7:
            result -= 36  # the two version information blocks
    return result


def _count_bits(version: int) -> int:
    return 8 if version < 10 else 16


def _data_codewords(version: int) -> int:
    return _raw_modules(version) // 8 - _ECC_PER_BLOCK[version - 1] * _BLOCKS[version - 1]


# The longest byte-mode payload of each version at level M (index 0 is version 1).
_BYTE_CAPACITY = tuple((_data_codewords(v) * 8 - 4 - _count_bits(v)) // 8
                       for v in range(1, MAX_VERSION + 1))


def byte_capacity(version: int) -> int:
    """The longest payload, in bytes, that a QR code of `version` holds at level M."""
    return _BYTE_CAPACITY[version - 1]


@cache
def _ecc_products(degree: int) -> tuple[int, ...]:
    """For each byte value f, the generator polynomial's coefficients times f, as one int.

    The generator of `degree` is the product of (x - 2^i) for i < degree; its leading 1 is left
    out, the others are packed highest degree first, one byte each.
    """
    coefficients = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            coefficients[j] = _gf_mul(coefficients[j], root)
            if j + 1 < degree:
                coefficients[j] ^= coefficients[j + 1]
        root = _gf_mul(root, 2)
    return tuple(int.from_bytes(bytes(_gf_mul(c, f) for c in coefficients), "big")
                 for f in range(256))


def _ecc(block: bytes, degree: int) -> bytes:
    """The block's Reed-Solomon codewords: the remainder of block * x^degree by the generator."""
    products = _ecc_products(degree)
    top = 8 * (degree - 1)
    keep = (1 << 8 * degree) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & keep) ^ products[(remainder >> top) ^ byte]
    return remainder.to_bytes(degree, "big")


def _alignment_positions(version: int) -> list[int]:
    """Row and column centres of the alignment patterns (ISO/IEC 18004 annex E)."""
    if version == 1:
        return []
    count = version // 7 + 2
    size = 17 + 4 * version
    step = 26 if version == 32 else (version * 4 + count * 2 + 1) // (count * 2 - 2) * 2
    return [6] + sorted(size - 7 - i * step for i in range(count - 1))


def _format_bits() -> int:
    """The 15 format bits of level M with mask 2: BCH(15,5), then the fixed xor mask."""
    data = _FORMAT_LEVEL_M << 3 | MASK_PATTERN
    remainder = data
    for _ in range(10):
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537)
    return (data << 10 | remainder) ^ 0x5412


def _version_bits(version: int) -> int:
    """The 18 version information bits: BCH(18,6)."""
    remainder = version
    for _ in range(12):
        remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25)
    return version << 12 | remainder


def _masked(row: int, col: int) -> bool:
    return col % 3 == 0  # mask pattern 2


@dataclass(frozen=True)
class _Layout:
    """What every code of one version shares."""

    version: int
    data_codewords: int
    ecc_per_block: int
    blocks: int
    short_blocks: int  # how many blocks hold one data codeword less than the others
    modules: int  # data modules, the remainder bits included
    remainder_bits: int  # data modules left after the last codeword (light before masking)
    mask: int  # mask 2 over the data modules, in placement order, as the bits of one int
    rows: tuple[itemgetter, ...]  # per row: its modules from (data bits..., light, dark)


@cache
def _layout(version: int) -> _Layout:
    size = 17 + 4 * version
    grid: list[list[bool | None]] = [[None] * size for _ in range(size)]  # None: a data module

    def put(col: int, row: int, dark: bool) -> None:
        grid[row][col] = dark

    for i in range(size):  # timing patterns
        put(6, i, i % 2 == 0)
        put(i, 6, i % 2 == 0)
    for cx, cy in ((3, 3), (size - 4, 3), (3, size - 4)):  # finder patterns with their separators
        for dy in range(-4, 5):
            for dx in range(-4, 5):
                if 0 <= cx + dx < size and 0 <= cy + dy < size:
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) not in (2, 4))
    centres = _alignment_positions(version)
    last = len(centres) - 1
    for i, cx in enumerate(centres):
        for j, cy in enumerate(centres):
            if (i, j) in ((0, 0), (0, last), (last, 0)):
                continue  # under a finder pattern
            for dy in range(-2, 3):
                for dx in range(-2, 3):
                    put(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
    bits = _format_bits()
    for i in range(6):  # the format information, first copy around the top-left finder
        put(8, i, bool(bits >> i & 1))
    put(8, 7, bool(bits >> 6 & 1))
    put(8, 8, bool(bits >> 7 & 1))
    put(7, 8, bool(bits >> 8 & 1))
    for i in range(9, 15):
        put(14 - i, 8, bool(bits >> i & 1))
    for i in range(8):  # second copy, split between the other two finders
        put(size - 1 - i, 8, bool(bits >> i & 1))
    for i in range(8, 15):
        put(8, size - 15 + i, bool(bits >> i & 1))
    put(8, size - 8, True)  # the dark module
    if version >= 7:
        bits = _version_bits(version)
        for i in range(18):
            a, b = size - 11 + i % 3, i // 3
            put(a, b, bool(bits >> i & 1))
            put(b, a, bool(bits >> i & 1))

    # The data modules in placement order: two-column strips from the right, up then down,
    # skipping the vertical timing pattern.
    order: dict[tuple[int, int], int] = {}
    mask = 0
    right = size - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = (right + 1) & 2 == 0
        for vert in range(size):
            row = size - 1 - vert if upward else vert
            for col in (right, right - 1):
                if grid[row][col] is None:
                    order[row, col] = len(order)
                    mask = mask << 1 | _masked(row, col)
        right -= 2
    count = len(order)
    assert count == _raw_modules(version)
    light, dark = count, count + 1
    rows = tuple(itemgetter(*(order[r, c] if grid[r][c] is None else (dark if grid[r][c] else light)
                              for c in range(size)))
                 for r in range(size))
    raw_codewords = count // 8
    blocks = _BLOCKS[version - 1]
    return _Layout(version=version, data_codewords=_data_codewords(version),
                   ecc_per_block=_ECC_PER_BLOCK[version - 1], blocks=blocks,
                   short_blocks=blocks - raw_codewords % blocks, modules=count,
                   remainder_bits=count % 8, mask=mask, rows=rows)


def _codewords(data: bytes, layout: _Layout) -> bytes:
    """The data in byte mode, padded, split into blocks, error-corrected and interleaved."""
    count_bits = _count_bits(layout.version)
    capacity = layout.data_codewords * 8
    used = 4 + count_bits + 8 * len(data)
    header = (_BYTE_MODE << count_bits | len(data)) << 8 * len(data)
    stream = header | int.from_bytes(data, "big")
    filled = used + min(4, capacity - used)  # the terminator: up to four zero bits
    filled += -filled % 8  # then zeros to the byte boundary
    stream <<= filled - used
    stream_bytes = stream.to_bytes(filled // 8, "big")
    stream_bytes += _PAD[:layout.data_codewords - len(stream_bytes)]

    blocks, ecc = layout.blocks, layout.ecc_per_block
    short = layout.data_codewords // blocks  # data codewords in a short block
    out = bytearray(layout.data_codewords + blocks * ecc)
    start = 0
    for k in range(blocks):
        length = short + (k >= layout.short_blocks)
        block = stream_bytes[start:start + length]
        start += length
        out[k:k + blocks * short:blocks] = block[:short]
        if length > short:
            out[blocks * short + k - layout.short_blocks] = block[short]
        out[layout.data_codewords + k::blocks] = _ecc(block, ecc)
    return bytes(out)


_BIT = {"0": False, "1": True}


def qr_matrix(payload: str) -> list[list[bool]]:
    """The modules of the smallest QR code (byte mode, level M, mask 2) that holds `payload`.

    Rows from the top, True for dark, without the quiet zone. Raises ValueError when the payload
    (UTF-8) is longer than version 40 holds.
    """
    data = payload.encode("utf-8")
    version = bisect_left(_BYTE_CAPACITY, len(data)) + 1
    if version > MAX_VERSION:
        raise ValueError(f"{len(data)} bytes do not fit in a QR code at level M "
                         f"(at most {_BYTE_CAPACITY[-1]})")
    layout = _layout(version)
    value = (int.from_bytes(_codewords(data, layout), "big") << layout.remainder_bits) ^ layout.mask
    bits = format(value, f"0{layout.modules}b") + "01"  # then the light and the dark constant
    modules = tuple(map(_BIT.__getitem__, bits))
    return [list(row(modules)) for row in layout.rows]
