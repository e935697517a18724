"""The browser check itself can fail. The published pages are opened in Chromium where they are built:
the report in tests/integration/test_pipeline.py (the complete run's), a year page in
tests/integration/test_year_page.py."""

from __future__ import annotations

import numpy as np

from tests.integration.browser import chromium, console_errors, looks_drawn, needs_chromium


@needs_chromium
def test_console_check_catches_a_script_error(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><meta charset="utf-8"><body>x<script>undefinedFunction()</script></body></html>',
                    encoding="utf-8")
    done = chromium(page.as_uri(), tmp_path, f"--screenshot={tmp_path / 'bad.png'}", "--enable-logging=stderr",
                    "--v=0")
    assert any("Uncaught" in line for line in console_errors(done.stderr)), done.stderr[-2000:]


def test_a_blank_page_does_not_look_drawn():
    assert not looks_drawn(np.full((2000, 1280), 255.0))
    assert looks_drawn(np.where(np.arange(2000)[:, None] % 40 < 4, 0.0, 255.0) * np.ones((1, 1280)))  # lines of ink
