"""GNU FriBidi through ctypes: an independent UAX #9 implementation to check the layout.

Only what the tests need: a paragraph's embedding levels (P2/P3 or forced direction,
X1–I2) and the visual order of one line of it (L1–L2, no L3/L4: flags 0).
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

# fribidi-types.h / fribidi-bidi-types.h
FriBidiChar = ctypes.c_uint32
FriBidiStrIndex = ctypes.c_int
FriBidiCharType = ctypes.c_uint32
FriBidiBracketType = ctypes.c_uint32
FriBidiParType = ctypes.c_uint32
FriBidiLevel = ctypes.c_int8
FriBidiFlags = ctypes.c_uint32

PAR_LTR = 0x110  # FRIBIDI_PAR_LTR = STRONG | LETTER
PAR_RTL = 0x111  # FRIBIDI_PAR_RTL = STRONG | LETTER | RTL
PAR_ON = 0x40  # FRIBIDI_PAR_ON: auto (P2/P3), LTR if no strong character

INSTALL_HINT = "libfribidi not found: install it with `apt-get install -y libfribidi0`"


class FribidiMissing(RuntimeError):
    pass


@cache
def library() -> ctypes.CDLL:
    """The loaded libfribidi; FribidiMissing if it is not installed."""
    name = ctypes.util.find_library("fribidi")
    if name is None:
        raise FribidiMissing(INSTALL_HINT)
    lib = ctypes.CDLL(name)
    lib.fribidi_get_bidi_types.argtypes = [
        ctypes.POINTER(FriBidiChar),
        FriBidiStrIndex,
        ctypes.POINTER(FriBidiCharType),
    ]
    lib.fribidi_get_bidi_types.restype = None
    lib.fribidi_get_bracket_types.argtypes = [
        ctypes.POINTER(FriBidiChar),
        FriBidiStrIndex,
        ctypes.POINTER(FriBidiCharType),
        ctypes.POINTER(FriBidiBracketType),
    ]
    lib.fribidi_get_bracket_types.restype = None
    lib.fribidi_get_par_embedding_levels_ex.argtypes = [
        ctypes.POINTER(FriBidiCharType),
        ctypes.POINTER(FriBidiBracketType),
        FriBidiStrIndex,
        ctypes.POINTER(FriBidiParType),
        ctypes.POINTER(FriBidiLevel),
    ]
    lib.fribidi_get_par_embedding_levels_ex.restype = FriBidiLevel
    lib.fribidi_reorder_line.argtypes = [
        FriBidiFlags,
        ctypes.POINTER(FriBidiCharType),
        FriBidiStrIndex,
        FriBidiStrIndex,
        FriBidiParType,
        ctypes.POINTER(FriBidiLevel),
        ctypes.POINTER(FriBidiChar),
        ctypes.POINTER(FriBidiStrIndex),
    ]
    lib.fribidi_reorder_line.restype = FriBidiLevel
    return lib


class Paragraph:
    """A paragraph resolved by FriBidi: its direction and levels, lines reordered on demand."""

    def __init__(self, text: str, direction: str = "auto") -> None:
        lib = library()
        count = len(text)
        self.count = count
        self.chars = (FriBidiChar * count)(*map(ord, text))
        self.types = (FriBidiCharType * count)()
        brackets = (FriBidiBracketType * count)()
        self.levels = (FriBidiLevel * count)()
        lib.fribidi_get_bidi_types(self.chars, count, self.types)
        lib.fribidi_get_bracket_types(self.chars, count, self.types, brackets)
        par = FriBidiParType({"auto": PAR_ON, "rtl": PAR_RTL, "ltr": PAR_LTR}[direction])
        if count and not lib.fribidi_get_par_embedding_levels_ex(
            self.types, brackets, count, ctypes.byref(par), self.levels
        ):
            raise RuntimeError("fribidi_get_par_embedding_levels_ex failed")
        self.base_dir = par.value
        self.rtl = bool(par.value & 1)
        self.resolved = list(self.levels)  # before L1

    def visual_order(self, start: int, end: int) -> list[int]:
        """Logical indices of [start, end) in visual order, left to right (L1 and L2)."""
        lib = library()
        mapping = (FriBidiStrIndex * self.count)(*range(self.count))
        levels = (FriBidiLevel * self.count)(*self.resolved)  # L1 edits them per line
        if end > start and not lib.fribidi_reorder_line(
            0, self.types, end - start, start, self.base_dir, levels, None, mapping
        ):
            raise RuntimeError("fribidi_reorder_line failed")
        return list(mapping[start:end])
