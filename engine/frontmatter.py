"""Split a source file into front-matter and body, the way hexo-front-matter 4 does, and parse it.

Forms accepted (SPEC §3):

* ``---`` YAML ``---`` at the top; the opening line may be any run of 3+ dashes and the closing
  separator must repeat it exactly;
* the leading separator may be left out: ``title: x\\n---\\nbody`` (the text before the first line
  that starts with 3+ dashes or semicolons is the front-matter);
* JSON: the *inside* of an object (no braces) closed by ``;;;``, with or without a leading ``;;;``.

YAML is read with js-yaml 4 rules, not PyYAML's YAML 1.1 ones: only ``true``/``false`` are booleans
(``yes``/``no``/``on`` stay strings), ``12:30`` is a string (not a sexagesimal int), ``0o17`` is
octal, duplicate keys are an error. Timestamps stay Python ``datetime``/``date`` objects; a
zone-less timestamp stays *naive* so the caller can read it as wall-clock time in
``config.timezone`` (``engine.dates.parse_date``), one with an offset is aware.

This module does no I/O and knows nothing about config or dates beyond YAML's own types. Bad input
raises ``SourceError`` carrying the 1-based *file* line. Deviations from Hexo (all on input Hexo
would mangle or reject) are listed in docs/compat.md.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml
from frontmatter.default_handlers import BaseHandler  # python-frontmatter's Handler API

from engine.errors import SourceError

__all__ = ["FrontMatter", "parse_front_matter", "load_yaml", "HexoYAMLHandler", "HexoJSONHandler",
           "YAML_HINT"]

YAML_HINT = "check indentation and quoting"

try:  # libyaml parses ~10x faster; the resolvers and constructors below stay Python either way
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


# ---------------------------------------------------------------------------------------------
# YAML with js-yaml 4 (YAML 1.2 core schema + timestamp/merge) semantics

class HexoYamlLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader whose implicit types follow js-yaml 4, the parser Hexo uses."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        # js-yaml rejects duplicated keys; PyYAML silently keeps the last one, which hides typos
        # like two `title:` lines. Merge keys (`<<`) may legitimately be overridden.
        if isinstance(node, yaml.MappingNode):
            seen: set = set()
            for key_node, _value in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    dup = key in seen
                except TypeError:  # unhashable key: the base class reports it
                    continue
                if dup:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark,
                        f"found duplicated key {key!r}", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)

    def _int(self, node: yaml.ScalarNode) -> int:
        text = str(self.construct_scalar(node)).replace("_", "")
        sign = -1 if text.startswith("-") else 1
        digits = text.lstrip("+-")
        for prefix, base in (("0x", 16), ("0o", 8), ("0b", 2)):
            if digits.startswith(prefix):
                return sign * int(digits[2:], base)
        return sign * int(digits, 10)

    def _float(self, node: yaml.ScalarNode) -> float:
        text = str(self.construct_scalar(node)).replace("_", "").lower()
        if text.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        if text.endswith(".nan"):
            return float("nan")
        return float(text)

    def _bool(self, node: yaml.ScalarNode) -> bool:
        return str(self.construct_scalar(node)).lower() == "true"

    def _timestamp(self, node: yaml.ScalarNode) -> Any:
        # `2024-13-45` or an offset of +25:00 matches the timestamp pattern but is no date:
        # report it at the value's line instead of letting a bare ValueError escape.
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date {node.value!r} ({exc})", node.start_mark) from None


HexoYamlLoader.add_constructor("tag:yaml.org,2002:int", HexoYamlLoader._int)
HexoYamlLoader.add_constructor("tag:yaml.org,2002:float", HexoYamlLoader._float)
HexoYamlLoader.add_constructor("tag:yaml.org,2002:bool", HexoYamlLoader._bool)
HexoYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", HexoYamlLoader._timestamp)

# Replace PyYAML's YAML 1.1 implicit resolvers with js-yaml 4's set (a fresh dict, so SafeLoader
# itself is untouched).
HexoYamlLoader.yaml_implicit_resolvers = {}
_RESOLVERS: list[tuple[str, str, str | None]] = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", "~nN"),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int",
     r"^(?:[-+]?0b[01_]+|[-+]?0o[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?[0-9][0-9_]*)$",
     "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     "-+0123456789."),
    ("tag:yaml.org,2002:timestamp",
     r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}"
     r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
     r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
     "0123456789"),
    ("tag:yaml.org,2002:merge", r"^<<$", "<"),
]
for _tag, _pattern, _first in _RESOLVERS:
    # '' in the first-character list is how PyYAML finds resolvers for the empty scalar
    _chars = list(_first) + ([""] if _tag.endswith(":null") else []) if _first else None
    HexoYamlLoader.add_implicit_resolver(_tag, re.compile(_pattern), _chars)


MAX_YAML_DEPTH = 128
_NESTING_CHARS = ("[", "{", "-", "?", ":")


class _HexoDumper(yaml.SafeDumper):
    """Quotes a string that *either* YAML 1.1 or js-yaml would read as another type ('0E0',
    '0o17', 'yes'), so what `dumps` writes reads back as the same value."""


for _tag, _pattern, _first in _RESOLVERS:
    _HexoDumper.add_implicit_resolver(_tag, re.compile(_pattern),
                                      list(_first) + ([""] if _tag.endswith(":null") else []))


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Unicode spaces at either end (a lone U+00A0, say) are dropped by a YAML reader from a plain
    # scalar; quoting keeps the value exactly.
    if value and value != value.strip():
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_str(value)


_HexoDumper.add_representer(str, _represent_str)


def load_yaml(text: str) -> Any:
    """Parse YAML text with Hexo's (js-yaml 4) rules; raises ``yaml.YAMLError``."""
    check_yaml_depth(text)
    return yaml.load(text, Loader=HexoYamlLoader)  # noqa: S506 - a SafeLoader subclass


def check_yaml_depth(text: str) -> None:
    """Refuse absurdly deep nesting before composing: libyaml's composer recurses in C and a few
    thousand levels crash the process (SIGSEGV). The event parser keeps an explicit stack, so
    counting depth on events is safe; it only runs when the text could nest that deep."""
    if sum(text.count(c) for c in _NESTING_CHARS) <= MAX_YAML_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise yaml.MarkedYAMLError(problem=f"nesting deeper than {MAX_YAML_DEPTH} levels",
                                           problem_mark=event.start_mark)
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def _expand_tabs(text: str) -> str:
    # hexo-front-matter turns leading tabs into two spaces each before parsing (YAML forbids tabs
    # in indentation). We do it on every line, the first included.
    return re.sub(r"^\t+", lambda m: "  " * len(m.group(0)), text, flags=re.M)


# ---------------------------------------------------------------------------------------------
# Splitting

@dataclass
class FrontMatter:
    """Result of `parse_front_matter`. `body_line` is the 1-based file line where `body` starts."""

    data: dict[str, Any] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1
    kind: Literal["yaml", "json", "none"] = "none"


@dataclass
class _Split:
    data: str            # the front-matter text
    data_offset: int     # where it starts in the (normalised) text
    body_offset: int     # where the body starts
    sep: str             # '---' / ';;;' (or longer)
    prefixed: bool       # True when the file starts with the separator

    @property
    def kind(self) -> str:
        return "json" if self.sep.startswith(";") else "yaml"


_PREFIX_SEP = re.compile(r"(-{3,}|;{3,})")
_SEP_LINE = re.compile(r"\n(-{3,}|;{3,})")
_YAML_KEY_LINE = re.compile(r"""^[ ]*(?:"[^"\n]*"|'[^'\n]*'|[^\s#:\-?&*!|>'"%@`{\[][^:\n]*?)[ ]*:(?:[ \t]|$)""")


def _split(text: str) -> _Split | None:
    """Locate the front-matter the way hexo-front-matter's split does (facts, our own code).

    1. Prefixed: the first line is only 3+ dashes (or semicolons); the data is the shortest
       non-empty text up to a newline followed by the *same* separator; an optional newline after
       that closing separator is skipped.
    2. A file that starts with 3+ dashes/semicolons but does not match 1 has no front-matter.
    3. Otherwise the data is everything before the first newline that is followed by 3+ dashes or
       semicolons (the longest run); one newline after that separator is skipped.
    """
    m = _PREFIX_SEP.match(text)
    if m:
        sep = m.group(1)
        start = len(sep) + 1
        if text[len(sep):len(sep) + 1] != "\n":
            return None
        close = text.find("\n" + sep, start + 1)  # data is at least one character
        if close < 0:
            return None
        body = close + 1 + len(sep)
        if text.startswith("\n", body):
            body += 1
        return _Split(text[start:close], start, body, sep, True)
    sm = _SEP_LINE.search(text, 1)
    if sm is None:
        return None
    body = sm.end()
    if text.startswith("\n", body):
        body += 1
    return _Split(text[:sm.start()], 0, body, sm.group(1), False)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _first_significant_line(data: str) -> str:
    for line in data.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line
    return ""


# ---------------------------------------------------------------------------------------------
# python-frontmatter handlers (usable with frontmatter.loads/dumps too, e.g. by `pyhexo new`)

class HexoYAMLHandler(BaseHandler):
    """YAML front-matter with Hexo's splitting rules and js-yaml typing."""

    FM_BOUNDARY = re.compile(r"^-{3,}[ \t]*$", re.M)
    START_DELIMITER = END_DELIMITER = "---"

    def detect(self, text: str) -> bool:
        sp = _split(text)
        return sp is not None and sp.kind == "yaml"

    def split(self, text: str) -> tuple[str, str]:
        sp = _split(text)
        if sp is None or sp.kind != "yaml":
            return "", text
        return sp.data, text[sp.body_offset:]

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(_expand_tabs(fm))

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        kwargs.setdefault("default_flow_style", False)
        # NEL and the Unicode line/paragraph separators would be written raw and read back as
        # line breaks (a title silently changed); escaping non-ASCII then is the price.
        kwargs.setdefault("allow_unicode", not _has_yaml_breaks(metadata))
        kwargs.setdefault("sort_keys", False)
        return yaml.dump(metadata, Dumper=_HexoDumper, **kwargs).strip()  # type: ignore[call-overload]


def _has_yaml_breaks(value: Any) -> bool:
    if isinstance(value, str):
        return any(c in value for c in "\x85\u2028\u2029")
    if isinstance(value, dict):
        return any(_has_yaml_breaks(k) or _has_yaml_breaks(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_yaml_breaks(v) for v in value)
    return False


class HexoJSONHandler(BaseHandler):
    """JSON front-matter: the members of an object, without braces, closed by ``;;;``."""

    FM_BOUNDARY = re.compile(r"^;{3,}[ \t]*$", re.M)
    START_DELIMITER = ""
    END_DELIMITER = ";;;"

    def detect(self, text: str) -> bool:
        sp = _split(text)
        return sp is not None and sp.kind == "json"

    def split(self, text: str) -> tuple[str, str]:
        sp = _split(text)
        if sp is None or sp.kind != "json":
            return "", text
        return sp.data, text[sp.body_offset:]

    def load(self, fm: str, **kwargs: object) -> Any:
        return json.loads("{" + fm + "}")

    def export(self, metadata: dict[str, object], **kwargs: object) -> str:
        text = json.dumps(metadata, indent=2, ensure_ascii=False, default=str)
        inner = text[1:-1].strip("\n")
        return "\n".join(line[2:] if line.startswith("  ") else line for line in inner.split("\n"))


_YAML = HexoYAMLHandler()
_JSON = HexoJSONHandler()
HANDLERS = [_YAML, _JSON]


def normalize_text(text: str) -> str:
    """Strip a BOM and turn CRLF/CR into LF (Hexo's regexes only know '\\n')."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_front_matter(text: str, path: str) -> FrontMatter:
    """Split and parse `text` (the whole file). `path` is only used in error reports.

    Raises `SourceError` (with the file line) for invalid YAML/JSON, a YAML block that is not a
    mapping, or a file that opens a `---` block and never closes it.
    """
    text = normalize_text(text)
    sp = _split(text)
    if sp is None:
        _check_unclosed(text, path)
        return FrontMatter({}, text, 1, "none")
    data_line = _line_of(text, sp.data_offset)
    if sp.kind == "json":
        data = _load_json(sp, data_line, path)
        if data is None:
            return FrontMatter({}, text, 1, "none")
    else:
        data = _load_yaml_block(sp, data_line, path)
        if data is None:
            return FrontMatter({}, text, 1, "none")
    return FrontMatter(data, text[sp.body_offset:], _line_of(text, sp.body_offset), sp.kind)


def _check_unclosed(text: str, path: str) -> None:
    m = _PREFIX_SEP.match(text)
    if not m or text[len(m.group(1)):len(m.group(1)) + 1] != "\n":
        return
    rest = text[len(m.group(1)) + 1:]
    first = _first_significant_line(rest)
    # Only a block that really looks like front-matter: a leading Markdown hr stays body text.
    if m.group(1).startswith("-") and _YAML_KEY_LINE.match(first):
        raise SourceError(f"front-matter opened with '{m.group(1)}' on line 1 is never closed",
                          path=path, line=1, column=1,
                          hint=f"add a line '{m.group(1)}' after the last front-matter key")


def _load_yaml_block(sp: _Split, data_line: int, path: str) -> dict[str, Any] | None:
    try:
        data = _YAML.load(sp.data)
    except yaml.YAMLError as err:
        if not sp.prefixed and not _YAML_KEY_LINE.match(_first_significant_line(sp.data)):
            # No leading '---' and the top is plain text: a Markdown body with an hr, not YAML.
            return None
        raise _yaml_source_error(err, data_line, path, sp.data) from None
    if data is None:
        # Empty or comment-only block. Hexo would then render the whole file, separators included;
        # an empty front-matter is clearly meant (compat.md).
        return {} if sp.prefixed else None
    if isinstance(data, dict):
        return data
    if not sp.prefixed:
        # Text (or a Markdown list) above an hr: Hexo also treats it as "no front-matter".
        return None
    kind = "a list" if isinstance(data, list) else f"a {type(data).__name__} value"
    raise SourceError(f"front-matter must be a mapping of keys to values, not {kind}",
                      path=path, line=data_line, column=1, hint="write it as `key: value` lines")


def _yaml_source_error(err: yaml.YAMLError, data_line: int, path: str,
                       data: str = "") -> SourceError:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    context = getattr(err, "context", None)
    message = f"invalid YAML front-matter: {problem}"
    if context:
        message += f" ({context})"
    # An unclosed bracket or quote is only noticed at the end of the block; the line where the
    # construct started (the context mark) is where the user must look.
    context_mark = getattr(err, "context_mark", None)
    if mark is not None and context_mark is not None and _at_end(mark, data):
        mark = context_mark
    line = data_line + mark.line if mark is not None else data_line
    column = mark.column + 1 if mark is not None else None
    return SourceError(message, path=path, line=line, column=column, hint=YAML_HINT)


def _at_end(mark: Any, data: str) -> bool:
    index = getattr(mark, "index", None)
    return index is not None and not data[index:].strip()


def _load_json(sp: _Split, data_line: int, path: str) -> dict[str, Any] | None:
    try:
        return _JSON.load(sp.data)
    except RecursionError:
        raise SourceError("invalid JSON front-matter: nested too deeply", path=path,
                          line=data_line) from None
    except json.JSONDecodeError as err:
        if not sp.prefixed and not _first_significant_line(sp.data).lstrip().startswith('"'):
            return None  # plain text above a ';;;' line
        # The decoder saw "{" + data + "}": line 1 has one extra character in front.
        column = err.colno - 1 if err.lineno == 1 else err.colno
        raise SourceError(f"invalid JSON front-matter: {err.msg}", path=path,
                          line=data_line + err.lineno - 1, column=max(column, 1),
                          hint='JSON front-matter is `"key": value` pairs separated by commas, '
                               "without braces, closed by ';;;'") from None


def dumps(data: dict[str, Any], body: str, kind: Literal["yaml", "json"] = "yaml") -> str:
    """Write front-matter + body back (for `new`/`publish`): '---' YAML or JSON closed by ';;;'."""
    if not data:
        return body
    if kind == "json":
        return f"{_JSON.export(data)}\n;;;\n{body}"
    return f"---\n{_YAML.export(data)}\n---\n{body}"


def key_line(text: str, key: str) -> int | None:
    """The 1-based line where a top-level `key:` (YAML) or `"key":` (JSON) is set in `text`, for
    error messages about a value that parsed but is wrong (a bad date, a colliding permalink)."""
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:") or line.startswith(f'"{key}"'):
            return n
    return None
