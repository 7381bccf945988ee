"""The web page's third-party assets, fetched once from the npm registry and kept in the cache folder.

The page never loads anything from a CDN: the country shapes (``world-atlas``, Natural Earth as TopoJSON) and
the TopoJSON decoder (``topojson-client``) are downloaded as npm tarballs, checked against the sha512
integrity the registry published for that exact version (pinned below, so a changed tarball is refused), and
only the files the page needs are extracted into ``asset_dir()``, which the server mounts at ``/assets``.
"""
from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from eventwire.geo.gazetteer import cache_dir

REGISTRY = "https://registry.npmjs.org"
TIMEOUT_SECONDS = 60
MAX_TARBALL_BYTES = 20_000_000
STAMP = "assets.json"


@dataclass(frozen=True)
class NpmAsset:
    """One npm package version and the files the page takes from its tarball (member path -> file name)."""

    name: str
    version: str
    integrity: str  # the registry's dist.integrity for this version: "sha512-" + base64 digest
    files: tuple[tuple[str, str], ...]

    @property
    def url(self) -> str:
        return f"{REGISTRY}/{self.name}/-/{self.name}-{self.version}.tgz"

    @property
    def spec(self) -> str:
        return f"{self.name}@{self.version}"


ASSETS: tuple[NpmAsset, ...] = (
    NpmAsset("world-atlas", "2.0.2",
             "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
             (("package/countries-110m.json", "countries-110m.json"),
              ("package/LICENSE", "world-atlas.LICENSE"))),
    NpmAsset("topojson-client", "3.1.0",
             "sha512-605uxS6bcYxGXw9qi62XyrV6Q3xwbndjachmNxu8HWTtVPxZfEJN9fd/SZS1Q54Sn2y0TMyMxFj/cJINqGHrKw==",
             (("package/dist/topojson-client.min.js", "topojson-client.min.js"),
              ("package/LICENSE", "topojson-client.LICENSE"))),
)


class AssetError(RuntimeError):
    """An asset could not be fetched, verified or extracted; the message says what to fetch and from where."""


def asset_dir() -> Path:
    """Where the page's assets are kept: ``$EVENTWIRE_CACHE_DIR/web``, else ``~/.cache/eventwire/web``."""
    return cache_dir() / "web"


def _read_stamp(directory: Path) -> dict:
    try:
        return json.loads((directory / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _present(asset: NpmAsset, directory: Path, stamp: dict) -> bool:
    # the stamp records which version each file came from, so pinning a new version refetches it; files put
    # there by hand (no stamp entry) are taken as they are
    return stamp.get(asset.name, asset.version) == asset.version and all((directory / out).is_file() for _, out in asset.files)


def _manual_hint(asset: NpmAsset, directory: Path) -> str:
    wanted = ", ".join(f"{member.removeprefix('package/')} as {out}" for member, out in asset.files)
    return (f"fetch {asset.url} (integrity {asset.integrity}) on a machine with internet access and extract "
            f"{wanted} into {directory}, or set EVENTWIRE_CACHE_DIR to a folder whose web/ subfolder has them")


def _download(asset: NpmAsset, directory: Path) -> bytes:
    request = urllib.request.Request(asset.url, headers={"User-Agent": "eventwire"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read(MAX_TARBALL_BYTES + 1)
    except (urllib.error.URLError, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", None) or error
        raise AssetError(f"could not download {asset.spec} from {asset.url}: {reason}; "
                         f"{_manual_hint(asset, directory)}") from error
    if len(body) > MAX_TARBALL_BYTES:
        raise AssetError(f"{asset.url} is larger than {MAX_TARBALL_BYTES:,} bytes; not the expected tarball")
    algorithm, _, expected = asset.integrity.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, body).digest()).decode("ascii")
    if actual != expected:
        raise AssetError(f"{asset.url} does not match the pinned integrity {asset.integrity} (got "
                         f"{algorithm}-{actual}): refusing it; {_manual_hint(asset, directory)}")
    return body


def _extract(asset: NpmAsset, tarball: bytes, directory: Path) -> None:
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
            for member_name, out in asset.files:
                member = archive.getmember(member_name)
                source = archive.extractfile(member) if member.isfile() else None
                if source is None:
                    raise KeyError(member_name)
                _write_atomically(directory / out, source.read())
    except (tarfile.TarError, KeyError) as error:
        raise AssetError(f"{asset.url} lacks {error} or is not a valid tarball; "
                         f"{_manual_hint(asset, directory)}") from error


def _write_atomically(path: Path, data: bytes) -> None:
    # another process may be serving the folder: it sees the old file or the new one, never half of one
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the server may run as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def ensure_assets() -> Path:
    """Fetch and verify whatever page asset is missing (nothing when all are there); return ``asset_dir()``."""
    directory = asset_dir()
    stamp = _read_stamp(directory)
    missing = [asset for asset in ASSETS if not _present(asset, directory, stamp)]
    if not missing:
        return directory
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise AssetError(f"cannot create the asset folder {directory}: {error}") from error
    for asset in missing:
        _extract(asset, _download(asset, directory), directory)
        stamp[asset.name] = asset.version
    _write_atomically(directory / STAMP, json.dumps(stamp, indent=1, sort_keys=True).encode("utf-8"))
    return directory
