"""GNU FriBidi with shaping, through ctypes: the baseline of the cold layout rows.

Per paragraph: bidi types, bracket types, embedding levels (P2/P3 to I2), joining types,
Arabic joining and shaping with presentation forms, ligatures and mirroring (what our
layout does); then each line of the same wrap as ours reordered (L1, L2). Conversion of
the text to a UCS-4 array is included: our layout starts from a str too.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence
from functools import cache

_PAR_ON = 0x40  # FRIBIDI_PAR_ON: P2/P3
# FRIBIDI_FLAGS_ARABIC: SHAPE_MIRRORING | SHAPE_ARAB_PRES | SHAPE_ARAB_LIGA
_SHAPE_FLAGS = 0x00000001 | 0x00000100 | 0x00000200
_REORDER_FLAGS = 0x00000000


@cache
def library() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fribidi")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    p = ctypes.c_void_p
    lib.fribidi_get_bidi_types.argtypes = [p, ctypes.c_int, p]
    lib.fribidi_get_bracket_types.argtypes = [p, ctypes.c_int, p, p]
    lib.fribidi_get_par_embedding_levels_ex.argtypes = [p, p, ctypes.c_int, p, p]
    lib.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_int8
    lib.fribidi_get_joining_types.argtypes = [p, ctypes.c_int, p]
    lib.fribidi_join_arabic.argtypes = [p, ctypes.c_int, p, p]
    lib.fribidi_shape.argtypes = [ctypes.c_uint32, p, ctypes.c_int, p, p]
    lib.fribidi_reorder_line.argtypes = [
        ctypes.c_uint32, p, ctypes.c_int, ctypes.c_int, ctypes.c_uint32, p, p, p,
    ]  # fmt: skip
    lib.fribidi_reorder_line.restype = ctypes.c_int8
    return lib


def lay_out(paragraphs: Sequence[str], lines: Sequence[Sequence[tuple[int, int]]]) -> None:
    """Levels, shaping and the reordering of `lines[i]` (start, end) of paragraph i."""
    lib = library()
    assert lib is not None
    for text, bounds in zip(paragraphs, lines, strict=True):
        n = len(text)
        if not n:
            continue
        data = text.encode("utf-32-le", "surrogatepass")
        chars = ctypes.create_string_buffer(data, len(data))
        types = (ctypes.c_uint32 * n)()
        brackets = (ctypes.c_uint32 * n)()
        levels = (ctypes.c_int8 * n)()
        joining = (ctypes.c_uint8 * n)()
        par = ctypes.c_uint32(_PAR_ON)
        lib.fribidi_get_bidi_types(chars, n, types)
        lib.fribidi_get_bracket_types(chars, n, types, brackets)
        lib.fribidi_get_par_embedding_levels_ex(types, brackets, n, ctypes.byref(par), levels)
        lib.fribidi_get_joining_types(chars, n, joining)
        lib.fribidi_join_arabic(types, n, levels, joining)
        lib.fribidi_shape(_SHAPE_FLAGS, levels, n, joining, chars)
        # Lines are disjoint, and L1 edits only the levels of the line it reorders.
        line_levels = (ctypes.c_int8 * n).from_buffer_copy(levels)
        for start, end in bounds:
            if end > start:
                lib.fribidi_reorder_line(
                    _REORDER_FLAGS, types, end - start, start, par.value, line_levels, chars, None
                )
