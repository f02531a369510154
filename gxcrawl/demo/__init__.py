"""The demo portal: local imitations of Chinese government portals with ground truth (docs/interfaces.md).

Standard library only, and nothing imported from the rest of gxcrawl, so tests never check the
crawler against its own code. `DemoPortal` serves every site on its own 127.0.0.x address;
`python -m gxcrawl.demo` / `gxcrawl demo-portal serve` runs it in the foreground.
"""

from __future__ import annotations

from gxcrawl.demo.portal import DemoPortal

__all__ = ["DemoPortal"]
