"""Pygments' RegexLexer state machine, with one regex per state instead of one per rule.

A Pygments `RegexLexer` tries the rules of the current state one `match` call at a time until
one matches, so a token costs a Python-level call for every rule tried before it (about two
dozen in the JavaScript or Python lexers).  `lex` joins each state's rules into a single
alternation `(?P<r0>rule0)|(?P<r1>rule1)|…`: at a given position the regex engine tries the
alternatives in the same order and stops at the first that matches, so the rule it reports
(`lastindex`, the wrapping group closes last) is the one Pygments would have picked, with the
same match.  Everything else — actions, callbacks (given the rule's own match object, so their
group numbers are right), state changes, error recovery — follows `RegexLexer` exactly.

A rule whose own flags differ (a leading `(?i)`, a precompiled pattern) joins as a scoped-flags
group; rules that cannot be joined safely (back references or conditional groups, which would
refer to other groups once joined; verbose or ASCII flags; very long patterns; anything `re`
refuses) are tried on their own between the joined runs, in their place in the order.  Lexers
that override the state machine (`ExtendedRegexLexer`, lexers that post-process tokens) or have
filters go through Pygments itself.  States are joined the first time the lexer enters them.

`tests/unit/test_highlight.py` compares `lex` with `get_tokens` on random code.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Callable, Iterator

from pygments.lexer import Lexer, RegexLexer
from pygments.token import Error, Whitespace, _TokenType

__all__ = ["lex"]

Rule = tuple[Callable[..., Any], Any, Any]
# numbered/named back references and conditional groups would point elsewhere once joined
_UNJOINABLE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# flags a group can switch on or off for its own part of a pattern
_SCOPED = {re.IGNORECASE: "i", re.MULTILINE: "m", re.DOTALL: "s"}
_SCOPED_BITS = re.IGNORECASE | re.MULTILINE | re.DOTALL
# Rules with longer patterns (huge Unicode identifier classes) are tried on their own: they are
# compiled already, and compiling them into a joined pattern takes milliseconds per state.
_LONGEST_JOINED = 1500


class _State:
    """A state's rules as segments tried in order, each (match, groups, index): a joined run of
    rules (`groups` maps its wrapping groups to rule indexes) or one rule tried on its own
    (`groups` is None, `index` is the rule's)."""

    __slots__ = ("rules", "segments")

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules
        self.segments: list[tuple[Callable[..., Any], dict[int, int] | None, int]] = []
        base = _base_flags(rules)
        run: list[tuple[int, str]] = []
        for i, (rexmatch, _action, _new) in enumerate(rules):
            part = _joinable(rexmatch, base)
            if part is None:
                self._flush(run, base)
                self.segments.append((rexmatch, None, i))
            else:
                run.append((i, part))
        self._flush(run, base)

    def _flush(self, run: list[tuple[int, str]], flags: int) -> None:
        if not run:
            return
        joined = None
        if len(run) > 1:
            try:
                joined = re.compile("|".join(f"(?P<_pyhexo_r{i}>{part})" for i, part in run), flags)
            except (re.error, OverflowError, RecursionError):
                joined = None
        if joined is None:
            self.segments.extend((self.rules[i][0], None, i) for i, _ in run)
        else:
            groups = {joined.groupindex[f"_pyhexo_r{i}"]: i for i, _ in run}
            self.segments.append((joined.match, groups, -1))
        run.clear()


def _base_flags(rules: list[Rule]) -> int:
    compiled = getattr(rules[0][0], "__self__", None) if rules else None
    return compiled.flags if isinstance(compiled, re.Pattern) else 0


def _joinable(rexmatch: Callable[..., Any], base: int) -> str | None:
    """The rule's pattern written to behave the same inside a pattern compiled with `base`
    flags (its own flags as a scoped group), or None if it must be tried on its own."""
    compiled = getattr(rexmatch, "__self__", None)
    if not isinstance(compiled, re.Pattern) or not isinstance(compiled.pattern, str):
        return None
    pattern = compiled.pattern
    if len(pattern) > _LONGEST_JOINED:
        return None          # compiling it again would cost more than joining saves
    if _UNJOINABLE.search(pattern) or (compiled.flags ^ base) & ~_SCOPED_BITS:
        return None          # back references, or verbose/ASCII/locale flags that differ
    on = "".join(c for f, c in _SCOPED.items() if compiled.flags & f and not base & f)
    off = "".join(c for f, c in _SCOPED.items() if base & f and not compiled.flags & f)
    m = _GLOBAL_FLAGS.match(pattern)
    while m:                 # their effect is in compiled.flags, now scoped
        pattern = pattern[m.end():]
        m = _GLOBAL_FLAGS.match(pattern)
    if on or off:
        return f"(?{on}{'-' + off if off else ''}:{pattern})"
    return pattern


class _States(dict):
    """A lexer class's joined states, each built the first time the lexer enters it."""

    def __init__(self, tokendefs: dict[str, list[Rule]]) -> None:
        super().__init__()
        self.tokendefs = tokendefs

    def __missing__(self, name: str) -> _State:
        state = self[name] = _State(self.tokendefs[name])
        return state


@lru_cache(maxsize=None)
def _states(lexer_cls: type) -> _States | None:
    """The joined states of a lexer class (its processed `_tokens`), or None if unsupported."""
    tokendefs = lexer_cls.__dict__.get("_tokens")
    if not isinstance(tokendefs, dict) or "root" not in tokendefs:
        return None
    return _States(tokendefs)


def supported(lexer: Lexer) -> bool:
    cls = type(lexer)
    return (isinstance(lexer, RegexLexer)
            and cls.get_tokens_unprocessed is RegexLexer.get_tokens_unprocessed
            and cls.get_tokens is Lexer.get_tokens
            and not lexer.filters
            and hasattr(lexer, "_preprocess_lexer_input")
            and _states(cls) is not None)


def lex(lexer: Lexer, text: str) -> Iterator[tuple[_TokenType, str]]:
    """`lexer.get_tokens(text)`, faster for plain RegexLexers."""
    if not supported(lexer):
        yield from lexer.get_tokens(text)
        return
    states = _states(type(lexer))
    assert states is not None
    text = lexer._preprocess_lexer_input(text)  # type: ignore[attr-defined]
    pos = 0
    stack = ["root"]
    state = states["root"]
    while True:
        for match, groups, index in state.segments:
            m = match(text, pos)
            if m:
                rexmatch, action, new_state = state.rules[index if groups is None else groups[m.lastindex]]
                break
        else:
            if pos >= len(text):
                return
            if text[pos] == "\n":            # no rule matched: Pygments restarts at 'root'
                stack = ["root"]
                state = states["root"]
                yield Whitespace, "\n"
            else:
                yield Error, text[pos]
            pos += 1
            continue
        if action is not None:
            if type(action) is _TokenType:
                yield action, m.group()
            else:
                m = rexmatch(text, pos)            # the rule's own match, for its groups
                for _, ttype, value in action(lexer, m):
                    yield ttype, value
        pos = m.end()
        if new_state is not None:
            _transition(stack, new_state)
            state = states[stack[-1]]


def _transition(stack: list[str], new_state: Any) -> None:
    """Apply a processed Pygments state change (tuple of pushes, negative pop count, '#push')."""
    if isinstance(new_state, tuple):
        for name in new_state:
            if name == "#pop":
                if len(stack) > 1:
                    stack.pop()
            elif name == "#push":
                stack.append(stack[-1])
            else:
                stack.append(name)
    elif isinstance(new_state, int):
        if abs(new_state) >= len(stack):   # pop, but keep the bottom state
            del stack[1:]
        else:
            del stack[new_state:]
    elif new_state == "#push":
        stack.append(stack[-1])
    else:
        raise AssertionError(f"wrong state def: {new_state!r}")
