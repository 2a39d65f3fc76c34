"""`pyhexo render <file>`: one Markdown file to an HTML fragment, with the site's Markdown settings
(`marked:`, `highlight:`/`prismjs:`) when run in a site, Hexo's defaults otherwise.

The front-matter is removed; tag plugins (`{% %}`) are not run, as in Hexo's `render` command.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from engine.errors import EngineError, SourceError
from engine.frontmatter import parse_front_matter

if TYPE_CHECKING:
    from engine.core import Engine

MARKDOWN_EXTS = frozenset({".md", ".markdown", ".mkd", ".mkdn", ".mdwn", ".mdown", ".mdtxt",
                           ".mdtext", ".txt"})


def render_markdown_file(engine: "Engine", path: Path) -> str:
    path = Path(path)
    shown = str(path)
    if path.suffix.lower() not in MARKDOWN_EXTS:
        raise EngineError(f"{shown}: pyhexo renders Markdown files (.md, .markdown) only",
                          hint="rename the file or pass a Markdown file")
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise EngineError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise EngineError(f"{shown}: is a folder") from None
    except UnicodeDecodeError as err:
        raise SourceError(f"not UTF-8 text ({err.reason})", path=shown) from None
    except OSError as err:
        raise EngineError(f"{shown}: {err.strerror or err}") from None
    body = parse_front_matter(text, shown).body
    from engine.post_render import render_string
    return str(render_string(engine, body, markdown=True, tags=False))
