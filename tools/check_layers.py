#!/usr/bin/env python3
"""Checks the core's #includes against core/src/LAYERS.

LAYERS has one line per folder of core/src, lowest first:

    folder: its role in a few words -> the folders its files may include from

A file of core/src/<folder> may include "x/..." where x is a folder of core/src
only when x is <folder> itself or is listed after <folder>'s arrow. Includes of
anything else (the SDK's "hub/...", system headers) are not this check's
business. Fails (exit 1) with one line per problem, naming file:line, the rule
broken and what to do, when:
  - a file includes from a folder its own folder may not include from;
  - a folder of core/src (or a file directly in core/src) has no line;
  - a line is malformed, or names a folder that is not a folder of core/src;
  - the layers form a cycle, or a folder depends on one listed below it.

With a second argument, the table of layers in that Markdown file (rows
"| `folder` | role | `dep` `dep` |", or "(only the SDK)") must list the same
folders in the same order, with the same roles and dependencies.

Usage: check_layers.py [CORE_SRC [ARCHITECTURE.md]]   (default: core/src of this repository)
"""

import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"/]+)/[^"]*"')
LINE = re.compile(r"^([a-z0-9_]+):(.*)->(.*)$")
SOURCE_SUFFIXES = (".h", ".cc")


class Layers:
    """The parsed LAYERS file: allowed[folder] is the set after its arrow,
    order the folders as listed, line_of[folder] the line number."""

    def __init__(self):
        self.allowed = {}
        self.order = []
        self.line_of = {}
        self.role_of = {}


def read_layers(path, problems):
    """Parses LAYERS at `path`; appends malformed or repeated lines to problems."""
    layers = Layers()
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        match = LINE.match(stripped)
        if not match:
            problems.append(f"{path}:{number}: not 'folder: role -> folders it may include from': "
                            f"write the line in that form")
            continue
        folder = match.group(1)
        if folder in layers.allowed:
            problems.append(f"{path}:{number}: {folder} has a second line: merge it into the line "
                            f"{layers.line_of[folder]}")
            continue
        layers.allowed[folder] = set(match.group(3).split())
        layers.order.append(folder)
        layers.line_of[folder] = number
        layers.role_of[folder] = match.group(2).strip()
    return layers


def find_cycle(allowed):
    """One cycle of the graph folder -> allowed folders, as a list of folders
    whose last one depends on the first; None when there is none."""
    state = {}  # folder -> "open" while on the path, "done" after
    path = []

    def visit(folder):
        state[folder] = "open"
        path.append(folder)
        for dep in sorted(allowed.get(folder, ())):
            if state.get(dep) == "open":
                return path[path.index(dep):]
            if dep not in state:
                cycle = visit(dep)
                if cycle:
                    return cycle
        path.pop()
        state[folder] = "done"
        return None

    for folder in sorted(allowed):
        if folder not in state:
            cycle = visit(folder)
            if cycle:
                return cycle
    return None


def check_layers_file(path, layers, folders, problems):
    """The rules on LAYERS itself: known folders, no cycle, lowest first."""
    for folder in sorted(folders - set(layers.allowed)):
        problems.append(f"{path}: the folder {folder} has no line: add "
                        f"'{folder}: its role -> the folders it may include from'")
    for folder in layers.order:
        if folder not in folders:
            problems.append(f"{path}:{layers.line_of[folder]}: {folder} is not a folder of core/src: "
                            f"remove its line, or fix its name")
        for dep in sorted(layers.allowed[folder]):
            if dep not in folders:
                problems.append(f"{path}:{layers.line_of[folder]}: {folder} may include from {dep}, "
                                f"which is not a folder of core/src: remove it or fix its name")
    cycle = find_cycle(layers.allowed)
    if cycle:
        problems.append(f"{path}: the layers form a cycle {' -> '.join(cycle + [cycle[0]])}: "
                        f"move the files that make one folder need another to where they belong")
        return
    position = {folder: index for index, folder in enumerate(layers.order)}
    for folder in layers.order:
        for dep in sorted(layers.allowed[folder]):
            if dep in position and position[dep] > position[folder]:
                problems.append(f"{path}:{layers.line_of[folder]}: {folder} may include from {dep}, "
                                f"which is listed below it: list the layers lowest first")


def check_includes(root, layers, folders, problems):
    """Every quoted include of a core/src folder from a file of core/src."""
    for source in sorted(root.rglob("*")):
        if not source.is_file() or source.suffix not in SOURCE_SUFFIXES:
            continue
        relative = source.relative_to(root)
        if len(relative.parts) == 1:
            problems.append(f"{source}: a file directly in {root} belongs to no layer: "
                            f"move it into the folder of its layer")
            continue
        folder = relative.parts[0]
        if folder not in layers.allowed:
            continue  # reported once, as a folder without a line
        allowed = layers.allowed[folder] | {folder}
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, text in enumerate(lines, 1):
            match = INCLUDE.match(text)
            if not match:
                continue
            target = match.group(1)
            if target in folders and target not in allowed:
                problems.append(f"{source}:{number}: {folder} may not include from {target} "
                                f"(LAYERS: {folder} -> {' '.join(sorted(layers.allowed[folder])) or 'nothing'}): "
                                f"move what it needs from {target} down to a layer {folder} may include from, "
                                f"or, if {target} does sit below {folder}, add {target} to the line of {folder}")


TABLE_ROW = re.compile(r"^\|\s*`([a-z0-9_]+)`\s*\|(.*)\|(.*)\|\s*$")


def check_table(doc_path, layers, problems):
    """Compares the table of layers in the Markdown file `doc_path` with LAYERS."""
    rows = []
    for number, text in enumerate(Path(doc_path).read_text(encoding="utf-8").splitlines(), 1):
        match = TABLE_ROW.match(text)
        if match and match.group(1) in layers.allowed:
            rows.append((number, match.group(1), match.group(2).strip(), set(re.findall(r"`([a-z0-9_]+)`", match.group(3)))))
    if [folder for _, folder, _, _ in rows] != layers.order:
        problems.append(f"{doc_path}: its table of layers lists {[f for _, f, _, _ in rows]}, LAYERS lists "
                        f"{layers.order}: make the table's rows follow LAYERS, one per line of it")
        return
    for number, folder, role, deps in rows:
        if role != layers.role_of[folder] or deps != layers.allowed[folder]:
            problems.append(f"{doc_path}:{number}: the row of {folder} differs from its line in LAYERS: write "
                            f"'{layers.role_of[folder]}' and {sorted(layers.allowed[folder]) or '(only the SDK)'}")


def check(root, doc_path=None):
    """All problems of the core under `root` (core/src), and of the table of
    layers in `doc_path` when given, as printable lines."""
    root = Path(root)
    problems = []
    layers_path = root / "LAYERS"
    if not layers_path.is_file():
        return [f"{layers_path}: missing: write one line per folder of {root}"]
    layers = read_layers(layers_path, problems)
    folders = {entry.name for entry in root.iterdir() if entry.is_dir()}
    check_layers_file(layers_path, layers, folders, problems)
    check_includes(root, layers, folders, problems)
    if doc_path is not None:
        check_table(doc_path, layers, problems)
    return problems


def main(argv):
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "core" / "src"
    problems = check(root, argv[2] if len(argv) > 2 else None)
    for problem in problems:
        print(problem)
    if problems:
        print(f"check_layers: {len(problems)} problem(s); the rules are at the top of {root / 'LAYERS'}")
        return 1
    print(f"check_layers: every #include in {root} keeps to LAYERS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
