#!/usr/bin/env python3
"""Checks that resorb's #include graph follows DESIGN.md's layer order.

A room (core/, mesh/, fem/, ...) may include its own headers and those of rooms below it,
never a room above: every #include line of include/, src/, kernels/ and meshes/ is resolved to
the room it names and checked. Prints each include that runs upward with its file and line,
and exits 1 when there is one that is not on the list of known ones below; exits 1 too when a
listed one is gone (the list only shrinks: delete its line).

Usage: check_layers.py [SOURCE_DIR]
"""
import pathlib
import re
import sys

# Bottom to top (DESIGN.md, "Layout"). A room includes only rooms at or below its own layer.
LAYERS = [
    ["core"],
    ["mesh"],
    ["la"],
    ["fem"],
    ["kernels"],
    ["solvers"],
    ["io"],
    ["meshes"],
    ["physics"],
    ["imaging"],
    ["scaffold"],
    ["simulation"],
    ["cli"],
]
LEVEL = {room: i for i, rooms in enumerate(LAYERS) for room in rooms}

# Upward includes that remain, as "file:included room". Each is a defect to fix; the list may
# only shrink. Empty: the include graph follows the layers.
KNOWN: set[str] = set()

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]')


def room_of_file(path: pathlib.PurePosixPath) -> str | None:
    parts = path.parts
    if parts[0] == "include" and len(parts) > 3 and parts[1] == "resorb":
        return parts[2]
    if parts[0] == "include":
        return None  # the umbrella header resorb.hpp includes everything
    if parts[0] == "src" and len(parts) > 2:
        return parts[1]
    if parts[0] in ("kernels", "meshes"):
        return parts[0]
    return None


def room_of_include(name: str, including: pathlib.Path, root: pathlib.Path) -> str | None:
    parts = pathlib.PurePosixPath(name).parts
    if parts[0] == "resorb" and len(parts) > 2:
        return parts[1]
    if len(parts) > 1 and parts[0] in LEVEL and (root / "src" / parts[0]).is_dir():
        return parts[0]  # a private header of src/<room>/
    if (including.parent / name).exists():
        return room_of_file(pathlib.PurePosixPath((including.parent / name).relative_to(root)))
    if (root / "kernels" / name).exists():
        return "kernels"
    return None  # a system or third-party header


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    files = []
    for folder in ("include", "src", "kernels", "meshes"):
        for suffix in ("*.hpp", "*.cpp", "*.cu", "*.h"):
            files += (root / folder).rglob(suffix)
    upward, seen = [], set()
    for file in sorted(set(files)):
        relative = pathlib.PurePosixPath(file.relative_to(root))
        room = room_of_file(relative)
        if room is None:
            continue
        if room not in LEVEL:
            print(f"{relative}: room '{room}' is not in the layer list (DESIGN.md)")
            return 1
        for number, line in enumerate(file.read_text(errors="replace").splitlines(), 1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = room_of_include(match.group(1), file, root)
            if target is None or target == room:
                continue
            if target not in LEVEL:
                print(f"{relative}:{number}: includes room '{target}', not in the layer list")
                return 1
            if LEVEL[target] > LEVEL[room]:
                key = f"{relative}:{target}"
                seen.add(key)
                upward.append((key, f"{relative}:{number}: {room} includes {match.group(1)} "
                                    f"from {target}, a higher layer"))
    new = [message for key, message in upward if key not in KNOWN]
    gone = sorted(KNOWN - seen)
    for key, message in upward:
        print(("known: " if key in KNOWN else "NEW:   ") + message)
    for key in gone:
        print(f"GONE:  {key} is on the known list but no longer included: delete its line")
    print(f"{len(upward)} upward include(s), {len(new)} new, {len(gone)} fixed but still listed")
    return 1 if new or gone else 0


if __name__ == "__main__":
    sys.exit(main())
