"""A dict kept on disk between builds as a base pickle plus a small delta pickle.

The render and document caches hold an entry per post (about 14 MB each at 1,000 posts). After one
edit only an entry or two differ, yet rewriting the whole file cost most of what the cache saved.
So a save writes only what changed since the base (`<name>.delta`: removed keys and new values),
and rewrites the base once that delta grows past an eighth of the entries.

Both files carry a header: the format, the caller's key (config, engine version...) and the id of
the base, which a delta must match to be applied. Writes are atomic (temp file, rename); a crash
between writing a new base and removing the old delta leaves a delta that no longer matches, which
is ignored. Anything unreadable reads as empty: a cache never fails a build.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

FORMAT = 1


class DictFile:
    def __init__(self, path: Path, key: str, prefix: str) -> None:
        self.path = path
        self.delta_path = path.with_name(path.name + ".delta")
        self.key = key
        self.prefix = prefix
        self.base: dict[Any, Any] = {}
        self.base_id = ""

    def load(self) -> dict[Any, Any]:
        """The stored dict (base with its delta applied); {} when missing or made under
        another key (whose entries are then not even read)."""
        self.base, self.base_id = {}, ""
        header, base = _read(self.path, self.key)
        if header is None or not isinstance(base, dict):
            return {}
        self.base, self.base_id = base, str(header.get("base_id", ""))
        entries = dict(base)
        header, delta = _read(self.delta_path, self.key)
        if header is not None and header.get("base_id") == self.base_id and \
                isinstance(delta, tuple) and len(delta) == 2:
            removed, changed = delta
            for k in removed:
                entries.pop(k, None)
            entries.update(changed)
        return entries

    def save(self, entries: dict[Any, Any]) -> None:
        """Store `entries`. Values are compared with the base by identity: a value loaded from
        the base and kept is the very same object."""
        base = self.base
        removed = [k for k in base if k not in entries]
        changed = {k: v for k, v in entries.items() if base.get(k, _MISSING) is not v}
        if not self.base_id or len(removed) + len(changed) > max(16, len(entries) // 8):
            self.base_id = os.urandom(8).hex()
            self._write(self.path, entries)
            self.base = entries
            self.delta_path.unlink(missing_ok=True)
            return
        self._write(self.delta_path, (removed, changed))

    def _write(self, path: Path, payload: Any) -> None:
        from engine.writer import write_atomic_with
        header = {"format": FORMAT, "key": self.key, "base_id": self.base_id}

        def dump(fh) -> None:
            # Streamed: at 5,000 posts a base is ~70 MB that would otherwise sit in memory.
            pickle.dump(header, fh, pickle.HIGHEST_PROTOCOL)
            pickle.dump(payload, fh, pickle.HIGHEST_PROTOCOL)

        write_atomic_with(path, dump, prefix=self.prefix)


_MISSING = object()


def _read(path: Path, key: str) -> tuple[dict | None, Any]:
    try:
        with open(path, "rb") as fh:
            header = pickle.load(fh)
            if not isinstance(header, dict) or header.get("format") != FORMAT or \
                    header.get("key") != key:
                return None, None
            return header, pickle.load(fh)
    except Exception:  # noqa: BLE001 - missing, truncated, another version: nothing stored
        return None, None
