"""Where a .cow file is found by name, for every command: COWPATH, then cowsay's directories.

cowsay looks for ``-f NAME`` in each directory of COWPATH (colon-separated), ``NAME`` then
``NAME.cow``; unset, it looks in the directory it was installed with. Every ferris-says command
looks in COWPATH's directories first, then in each of the directories cowsay is installed with
(Debian's, older Debian's, a source install's, Homebrew's), so a name draws the same as cowsay's
on any machine that has cowsay, with or without COWPATH. What no directory has, the commands'
built-in cast answers (`characters` for ferris-says, `cowsay_cast` for the drop-in).

Names and COWPATH are read through the input gate (`inputs`): as UTF-8 bytes whatever the
locale, so a name draws the same file under any locale. Plain Python: the drop-in's start-up
loads this.
"""

from __future__ import annotations

import os

from ferris_says import environment, inputs

COWPATH_VARIABLE = environment.COWPATH
COW_SUFFIX = ".cow"
#: Where cowsay's packages put the cows: Debian and Ubuntu; older Debian; cowsay's own `make
#: install` and Homebrew on Intel macOS; Homebrew on Apple silicon; Homebrew on Linux.
DEFAULT_DIRS = (
    "/usr/share/cowsay/cows",
    "/usr/share/games/cowsay/cows",
    "/usr/local/share/cows",
    "/opt/homebrew/share/cows",
    "/home/linuxbrew/.linuxbrew/share/cows",
)


def cowpath_entries() -> list[str]:
    """COWPATH's directories (colon-separated, like cowsay's), read as UTF-8 bytes whatever the
    locale; empty entries, and entries no directory can be named (a NUL), are skipped."""
    value = inputs.environ(COWPATH_VARIABLE) or ""
    return [entry for entry in value.split(os.pathsep) if entry and "\0" not in entry]


def cowpath_dirs() -> list[str]:
    """Where names are looked up, in order: COWPATH's directories, then DEFAULT_DIRS (each
    directory once)."""
    dirs: list[str] = []
    for directory in (*cowpath_entries(), *DEFAULT_DIRS):
        if directory not in dirs:
            dirs.append(directory)
    return dirs


def cow_names_in(directory: str) -> list[str]:
    """The names of the .cow files in `directory`, sorted as cowsay -l sorts them (OSError if it
    cannot be listed)."""
    names = []
    for entry in inputs.listdir(directory):
        name = entry[: -len(COW_SUFFIX)]
        if entry.endswith(COW_SUFFIX) and name and inputs.is_file(os.path.join(directory, entry)):
            names.append(name)
    return sorted(names)  # the names, not the file names: `dragon` before `dragon-and-cow`


def cowpath_names() -> list[str]:
    """The names of the .cow files in `cowpath_dirs`, directory by directory, each sorted; a
    name already found in an earlier directory is not listed again. A missing directory is
    skipped (most of DEFAULT_DIRS are missing on any one machine)."""
    names: list[str] = []
    seen: set[str] = set()
    for directory in cowpath_dirs():
        try:
            found = cow_names_in(directory)
        except OSError:
            continue
        for name in found:
            if name not in seen:
                seen.add(name)
                names.append(name)
    return names


def cowpath_file(name: str) -> str | None:
    """cowsay's search: in each of `cowpath_dirs`, NAME, then NAME.cow."""
    for directory in cowpath_dirs():
        for candidate in (name, name + COW_SUFFIX):
            path = os.path.join(directory, candidate)
            if inputs.is_file(path):
                return path
    return None
