"""Reading QTI input safely: one XML file, a folder, or a `.zip` content package.

Nothing is extracted to disk: members are read into memory by name, and a name that points
outside the package (absolute, `..`, a drive letter) refuses the whole archive — the tools that
write such archives are the ones zip-slip attacks come from. Sizes are bounded before and while
reading (a declared size can lie), and a member that inflates far beyond its compressed size is
refused as a zip bomb. XML is parsed by defusedxml: no DTD, no entities, nothing external.
"""

from __future__ import annotations

import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

MAX_XML_BYTES = 4 * 1024 * 1024  # one item or manifest
MAX_MEDIA_BYTES = 2 * 1024 * 1024  # one picture
MAX_ARCHIVE_BYTES = 256 * 1024 * 1024  # the .zip as stored
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # all members, inflated
MAX_MEMBERS = 20_000
MAX_RATIO = 100  # inflated / compressed, for members over 1 MiB


class SourceError(ValueError):
    """The input as a whole is refused (hostile or unreadable); the message says why."""


class FileRefused(ValueError):
    """One file of the input is refused; the rest may still import."""


def parse_xml(data: bytes, name: str) -> Element:
    """Parse untrusted XML: no DTD, no entity declarations, no external references."""
    if len(data) > MAX_XML_BYTES:
        raise FileRefused(f"{name}: larger than {MAX_XML_BYTES // 1024 // 1024} MiB")
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise FileRefused(f"{name}: refused: the XML declares a DTD or entities ({type(exc).__name__})") from exc
    except ParseError as exc:
        raise FileRefused(f"{name}: not well-formed XML ({exc})") from exc
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise FileRefused(f"{name}: not readable XML ({exc})") from exc


def safe_member(name: str) -> str | None:
    """The normalised member name, or None when it would land outside the package."""
    if not name or "\x00" in name:
        return None
    text = name.replace("\\", "/")
    if text.startswith("/") or (len(text) > 1 and text[1] == ":"):
        return None
    parts = [p for p in PurePosixPath(text).parts if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def resolve(base: str, href: str) -> str | None:
    """An href (relative to the file at `base`) as a package path; None when it escapes."""
    if not href or "://" in href or href.startswith(("data:", "/", "\\")):
        return None
    href = href.split("#", 1)[0].split("?", 1)[0]
    from urllib.parse import unquote

    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(href)))
    if joined.startswith("../") or joined == ".." or joined.startswith("/"):
        return None
    return joined


@dataclass
class Source:
    """A package's files by path (posix, relative to its root)."""

    label: str
    _zip: zipfile.ZipFile | None = None
    _root: Path | None = None
    _names: tuple[str, ...] = ()
    _by_name: dict[str, zipfile.ZipInfo] = field(default_factory=dict)
    _single: bool = False  # one XML file: its neighbours (pictures) are looked up on demand

    @classmethod
    def open(cls, path: Path) -> "Source":
        path = Path(path)
        if path.is_dir():
            return cls._folder(path)
        if not path.is_file():
            raise SourceError(f"{path}: no such file or folder")
        with path.open("rb") as fh:
            head = fh.read(4)
        if head.startswith(b"PK"):
            return cls._archive(path)
        return cls(label=str(path), _root=path.parent, _names=(path.name,), _single=True)

    @classmethod
    def _folder(cls, root: Path) -> "Source":
        names = []
        real_root = root.resolve()
        for p in sorted(root.rglob("*")):
            if p.is_symlink():
                target = p.resolve()
                if real_root not in target.parents and target != real_root:
                    raise SourceError(f"{p}: a link that points outside the package: refused")
            if p.is_file():
                names.append(p.relative_to(root).as_posix())
            if len(names) > MAX_MEMBERS:
                raise SourceError(f"{root}: more than {MAX_MEMBERS} files")
        return cls(label=str(root), _root=root, _names=tuple(names))

    @classmethod
    def _archive(cls, path: Path) -> "Source":
        if path.stat().st_size > MAX_ARCHIVE_BYTES:
            raise SourceError(f"{path}: larger than {MAX_ARCHIVE_BYTES // 1024 // 1024} MiB")
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise SourceError(f"{path}: not a readable zip archive ({exc})") from exc
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            archive.close()
            raise SourceError(f"{path}: more than {MAX_MEMBERS} members")
        total = 0
        names = []
        for info in infos:
            safe = safe_member(info.filename)
            if safe is None:
                archive.close()
                raise SourceError(f"{path}: member {info.filename!r} points outside the package "
                                  "(zip-slip): refused")
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                archive.close()
                raise SourceError(f"{path}: member {info.filename!r} is a symbolic link: refused")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                archive.close()
                raise SourceError(f"{path}: inflates to more than {MAX_TOTAL_BYTES // 1024 // 1024} MiB")
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(1, info.compress_size):
                archive.close()
                raise SourceError(f"{path}: member {info.filename!r} inflates {info.file_size} bytes "
                                  f"from {info.compress_size} (a zip bomb): refused")
            if not info.is_dir():
                names.append(safe)
        if len(set(names)) != len(names):
            archive.close()
            raise SourceError(f"{path}: two members share a name: refused")
        by_name = {safe_member(i.filename) or "": i for i in infos if not i.is_dir()}
        return cls(label=str(path), _zip=archive, _names=tuple(names), _by_name=by_name)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "Source":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def exists(self, name: str) -> bool:
        if name in self._names:
            return True
        if self._single and self._root is not None:
            target = (self._root / name).resolve()
            root = self._root.resolve()
            return root in target.parents and target.is_file()
        return False

    def read(self, name: str, limit: int) -> bytes:
        if not self.exists(name):
            raise FileRefused(f"{name}: not in the package")
        if self._zip is not None:
            info = self._by_name[name]
            with self._zip.open(info) as fh:
                data = fh.read(limit + 1)
        else:
            assert self._root is not None
            target = self._root / name
            with target.open("rb") as fh:
                data = fh.read(limit + 1)
        if len(data) > limit:
            raise FileRefused(f"{name}: larger than {limit // 1024} KiB")
        return data

    def xml(self, name: str) -> Element:
        return parse_xml(self.read(name, MAX_XML_BYTES), name)

    def walk_xml(self) -> Iterator[str]:
        for name in self._names:
            if name.lower().endswith(".xml"):
                yield name
