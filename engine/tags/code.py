"""`codeblock`/`code` and `include_code` (SPEC §9): the same `<figure class="highlight">` markup as
fenced code, with Hexo's per-block options (`lang:`, `line_number:`, `first_line:`, `mark:`, `wrap:`,
`highlight:`, `line_threshold:`) and a caption built from `title [url [link text]]`."""
from __future__ import annotations

import os
import re
from pathlib import Path

from engine.highlight import HighlightOptions, escape_braces, escape_html, highlight, parse_mark
from engine.tags._util import url_for
from engine.tags.context import TagContext, TagError

_OPTION = re.compile(r"^(lang|line_number|line_threshold|highlight|first_line|mark|wrap):(.*)$")
_CAPTION_URL = re.compile(r"(\S[\S\s]*?)\s+(https?://\S+)(?:\s+(.+))?$", re.I)


def _truthy(v: str) -> bool:
    return v.strip().lower() not in ("false", "0", "no", "off", "")


def parse_code_args(args: list[str]) -> tuple[dict[str, str], str]:
    """Split `key:value` options from the caption words."""
    opts: dict[str, str] = {}
    rest: list[str] = []
    for a in args:
        m = _OPTION.match(a)
        if m:
            opts[m.group(1)] = m.group(2)
        else:
            rest.append(a)
    return opts, " ".join(rest)


def caption_html(text: str) -> str | None:
    """'title url link text' → `<span>title</span><a href="url">link text</a>` (Hexo's caption)."""
    text = text.strip()
    if not text:
        return None
    m = _CAPTION_URL.match(text)
    if m:
        title, url, link_text = m.group(1), m.group(2), m.group(3) or "link"
        return f'<span>{title}</span><a href="{url}">{link_text}</a>'
    return f"<span>{text}</span>"


def render_code(base: HighlightOptions, code: str, opts: dict[str, str],
                caption: str | None) -> str:
    """Highlight `code` with the site options `base` overridden by the block's options."""
    if "highlight" in opts and not _truthy(opts["highlight"]):
        return f"<pre><code>{escape_braces(escape_html(code))}</code></pre>"
    changes: dict = {"caption": caption}
    if "line_number" in opts:
        changes["line_number"] = _truthy(opts["line_number"])
    if "line_threshold" in opts and opts["line_threshold"].strip().isdigit():
        changes["line_threshold"] = int(opts["line_threshold"])
    if "wrap" in opts:
        changes["wrap"] = _truthy(opts["wrap"])
    if "first_line" in opts:
        try:
            changes["first_line"] = int(opts["first_line"])
        except ValueError:
            raise TagError(f"first_line must be a number, got {opts['first_line']!r}") from None
    if "mark" in opts:
        changes["mark"] = parse_mark(opts["mark"])
    if not base.enabled:
        html = highlight(code, opts.get("lang"), base)
    else:
        html = highlight(code, opts.get("lang"), base.with_(**changes))
    return escape_braces(html)


def codeblock(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% codeblock [title] [lang:x] [url] [link text] [options] %}code{% endcodeblock %}`."""
    opts, caption = parse_code_args(args)
    return render_code(ctx.highlight_options(), content or "", opts, caption_html(caption))


def include_code(ctx: TagContext, args: list[str], content: str | None) -> str:
    """`{% include_code [title] [lang:x] [from:n] [to:n] path %}`: a file under
    `source/<code_dir>/`. Paths that resolve outside that folder are refused (a post must not be
    able to publish arbitrary files); a missing file renders as '' as in Hexo."""
    items = list(args)
    opts: dict[str, str] = {}
    words: list[str] = []
    for a in items:
        m = re.match(r"^(lang|from|to):(.*)$", a)
        if m:
            opts[m.group(1)] = m.group(2)
        else:
            words.append(a)
    if not words:
        raise TagError("include_code needs a file path")
    rel = words.pop()
    title = " ".join(words)
    cfg = ctx.config
    site_dir = Path(getattr(ctx.engine, "site_dir", "."))
    code_dir = str(cfg.get("code_dir") or "downloads/code").strip("/")
    base = (site_dir / str(cfg.get("source_dir") or "source") / code_dir).resolve()
    target = (base / rel).resolve()
    if os.path.isabs(rel) or not target.is_relative_to(base):
        raise TagError(f"include_code path '{rel}' is outside the code folder '{code_dir}'",
                       hint="paths are relative to source/" + code_dir)
    if not target.is_file():
        return ""
    try:
        text = target.read_text(encoding="utf-8").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise TagError(f"include_code cannot read '{rel}': {exc}") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    start = _int_opt(opts.get("from"), 1)
    end = _int_opt(opts.get("to"), len(lines))
    code = "\n".join(lines[max(start, 1) - 1:end])
    lang = opts.get("lang") or Path(rel).suffix.lstrip(".")
    src_url = url_for(cfg, f"{code_dir}/{rel}".replace("\\", "/"))
    caption = f'<span>{title or Path(rel).name}</span><a href="{src_url}">view raw</a>'
    code_opts = {"lang": lang} if lang else {}
    if start > 1 and opts.get("from"):
        code_opts["first_line"] = str(start)
    return render_code(ctx.highlight_options(), code, code_opts, caption)


def _int_opt(v: str | None, default: int) -> int:
    try:
        return int(v) if v not in (None, "") else default
    except ValueError:
        raise TagError(f"expected a line number, got {v!r}") from None


def register(extend) -> None:
    extend.tags.register("codeblock", codeblock, ends=True)
    extend.tags.register("code", codeblock, ends=True)
    extend.tags.register("include_code", include_code)
    extend.tags.register("include-code", include_code)
