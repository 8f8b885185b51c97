"""Print the libraries ELF files link against directly (their DT_NEEDED entries), one a line.

    python build_scripts/elf_needed.py FILE...

build_linux.sh turns the ones the bundle does not carry into the .deb's Depends, like
dpkg-shlibdeps does, without needing binutils or a debian/ tree. Only 64-bit little-endian ELF
(x86_64) is read; anything else is skipped.
"""

from __future__ import annotations

import mmap
import struct
import sys
from pathlib import Path

PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5


def needed(path: Path) -> list[str]:
    """The DT_NEEDED names of one ELF64 file ([] for anything that is not one)."""
    with path.open("rb") as f:
        try:
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:  # empty file
            return []
        with data:
            if data[:6] != b"\x7fELF\x02\x01":
                return []
            phoff = struct.unpack_from("<Q", data, 32)[0]
            phentsize, phnum = struct.unpack_from("<HH", data, 54)
            loads: list[tuple[int, int, int]] = []  # (vaddr, filesz, offset)
            dynamic: tuple[int, int] | None = None
            for i in range(phnum):
                p_type, _, p_offset, p_vaddr, _, p_filesz = struct.unpack_from(
                    "<IIQQQQ", data, phoff + i * phentsize
                )
                if p_type == PT_LOAD:
                    loads.append((p_vaddr, p_filesz, p_offset))
                elif p_type == PT_DYNAMIC:
                    dynamic = (p_offset, p_filesz)
            if dynamic is None:
                return []
            offsets: list[int] = []
            strtab = None
            for pos in range(dynamic[0], dynamic[0] + dynamic[1], 16):
                tag, value = struct.unpack_from("<qQ", data, pos)
                if tag == DT_NULL:
                    break
                if tag == DT_NEEDED:
                    offsets.append(value)
                elif tag == DT_STRTAB:
                    strtab = value
            if strtab is None:
                return []
            # DT_STRTAB is an address in memory; find where that lies in the file.
            base = next(
                (off + strtab - va for va, size, off in loads if va <= strtab < va + size), None
            )
            if base is None:
                return []
            names = []
            for off in offsets:
                end = data.find(b"\0", base + off)
                names.append(data[base + off : end].decode("utf-8", "replace"))
            return names


def main(argv: list[str]) -> int:
    """Print the sorted union of DT_NEEDED names of every file given."""
    found: set[str] = set()
    for arg in argv:
        found.update(needed(Path(arg)))
    for name in sorted(found):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
