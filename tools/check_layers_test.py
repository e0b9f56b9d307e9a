#!/usr/bin/env python3
"""Tests of check_layers.py on small core/src trees made for each test."""

import io
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import check_layers  # noqa: E402

LAYERS = """\
# lowest first
util: small helpers ->
store: durable rows -> util
bus: the hub -> store util
"""


class CheckLayersTest(unittest.TestCase):
    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        self.root = Path(self.temp.name) / "src"
        self.write("LAYERS", LAYERS)
        self.write("util/ids.h", "#pragma once\n")
        self.write("store/pg.h", '#pragma once\n#include "util/ids.h"\n')
        self.write("bus/hub.cc", '#include "bus/hub.h"\n#include "hub/plugin.h"\n#include "store/pg.h"\n')

    def tearDown(self):
        self.temp.cleanup()

    def write(self, relative, text):
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def assert_reported(self, *fragments):
        """Some problem of the tree names every fragment."""
        problems = check_layers.check(self.root)
        self.assertTrue(any(all(f in p for f in fragments) for p in problems), problems)

    def test_allowed_includes_pass(self):
        self.assertEqual(check_layers.check(self.root), [])

    def test_forbidden_include_fails_with_file_and_line(self):
        self.write("store/rows.cc", '#include "store/pg.h"\n\n#include "bus/hub.h"\n')
        problems = check_layers.check(self.root)
        self.assertEqual(len(problems), 1)
        self.assertIn(f"{self.root / 'store' / 'rows.cc'}:3: store may not include from bus", problems[0])

    TABLE = ("| Folder | Role | May include from |\n|---|---|---|\n"
             "| `util` | small helpers | (only the SDK) |\n| `store` | durable rows | `util` |\n"
             "| `bus` | the hub | `store` `util` |\n")

    def test_table_matching_layers_passes(self):
        self.write("ARCHITECTURE.md", "# Architecture\n\n" + self.TABLE)
        self.assertEqual(check_layers.check(self.root, self.root / "ARCHITECTURE.md"), [])

    def test_table_with_another_dependency_or_order_fails(self):
        self.write("ARCHITECTURE.md", self.TABLE.replace("| `bus` | the hub | `store` `util` |", "| `bus` | the hub | `util` |"))
        problems = check_layers.check(self.root, self.root / "ARCHITECTURE.md")
        self.assertTrue(any("the row of bus differs" in p for p in problems), problems)
        swapped = self.TABLE.replace("| `util` | small helpers | (only the SDK) |\n", "") + "| `util` | small helpers | |\n"
        self.write("ARCHITECTURE.md", swapped)
        problems = check_layers.check(self.root, self.root / "ARCHITECTURE.md")
        self.assertTrue(any("make the table's rows follow LAYERS" in p for p in problems), problems)

    def test_cycle_fails(self):
        self.write("LAYERS", LAYERS.replace("util: small helpers ->", "util: small helpers -> bus"))
        self.assert_reported("cycle", "util -> bus")

    def test_dependency_listed_below_fails(self):
        self.write("LAYERS", "bus: the hub -> store util\nutil: small helpers ->\nstore: durable rows -> util\n")
        self.assert_reported("listed below")

    def test_folder_without_line_fails(self):
        self.write("router/router.h", "#pragma once\n")
        self.assert_reported("the folder router has no line")

    def test_unknown_folder_in_layers_fails(self):
        self.write("LAYERS", LAYERS + "ops: the operator socket -> store nowhere\n")
        self.write("ops/ops.h", "#pragma once\n")
        self.assert_reported("nowhere, which is not a folder")

    def test_line_without_folder_fails(self):
        self.write("LAYERS", LAYERS + "gone: removed long ago -> util\n")
        self.assert_reported("gone is not a folder of core/src")

    def test_malformed_line_fails(self):
        self.write("LAYERS", LAYERS + "ops the operator socket\n")
        self.assert_reported("LAYERS:5: not 'folder: role -> folders it may include from'")

    def test_file_outside_any_folder_fails(self):
        self.write("stray.cc", "int x;\n")
        self.assert_reported("stray.cc: a file directly in")

    def test_main_exits_1_and_prints_problems(self):
        self.write("util/ids.cc", '#include "store/pg.h"\n')
        output = io.StringIO()
        with redirect_stdout(output):
            code = check_layers.main(["check_layers.py", str(self.root)])
        self.assertEqual(code, 1)
        self.assertIn("ids.cc:1: util may not include from store", output.getvalue())


if __name__ == "__main__":
    unittest.main()
