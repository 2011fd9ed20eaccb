"""Locating, downloading and verifying data files (no network: fake or file:// openers)."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import zipfile
from pathlib import Path

import pytest

import influence_graph as ig
from influence_graph.datasets import _fetch
from influence_graph.datasets._fetch import cache_dir, download, locate, search_places, sha256_file
from influence_graph.datasets._registry import REGISTRY, DataFile, entry, files
from influence_graph.exceptions import ChecksumError, DataNotFoundError

PAYLOAD = b"1 2 1341100972 RT\n"
SUM = hashlib.sha256(PAYLOAD).hexdigest()


@pytest.fixture
def clean_env(tmp_path, monkeypatch):
    """No INFLUENCE_GRAPH_DATA, a private cache, downloads that fail loudly if attempted."""
    monkeypatch.delenv("INFLUENCE_GRAPH_DATA", raising=False)
    monkeypatch.delenv("INFLUENCE_GRAPH_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def no_network(url, timeout=None):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(_fetch, "OPENER", no_network)
    return tmp_path


def _entry(
    tmp_path: Path,
    *,
    sha: str | None = SUM,
    url: str | None = None,
    required: bool = True,
    member: str | None = None,
) -> DataFile:
    return DataFile(
        "toy",
        "toy.txt",
        url or (tmp_path / "publisher" / "toy.txt").as_uri(),
        sha,
        len(PAYLOAD),
        required,
        "toy file",
        archive_member=member,
    )


def test_registry_matches_shared_readme_sums():
    sums = {f.name: f.sha256 for ds in REGISTRY.values() for f in ds}
    assert (
        sums["higgs-activity_time.txt.gz"]
        == "901b199716a23b0fc0371705e3ae9941b5c9493277aec65456abc4988674ad79"
    )
    assert (
        sums["congress_network_data.json"]
        == "5c7bad955d5478f722519473c66158a6f281144c1cffb60f8f00307d11eafdb1"
    )
    assert all(f.sha256 is not None for f in files("higgs") if f.required)
    assert entry("higgs", "higgs-social_network.edgelist.gz").sha256 is None
    with pytest.raises(KeyError, match="known: higgs, congress"):
        files("nope")


def test_search_order(tmp_path):
    e = _entry(tmp_path)
    places = search_places(
        e, data_dir=tmp_path / "d", env={"INFLUENCE_GRAPH_DATA": "/data", "XDG_CACHE_HOME": "/c"}
    )
    assert places == [
        tmp_path / "d" / "toy.txt",
        tmp_path / "d" / "toy" / "toy.txt",
        Path("/data/toy/toy.txt"),
        Path("/c/influence_graph/toy/toy.txt"),
    ]
    assert cache_dir("toy", env={}, home="/home/u") == Path("/home/u/.cache/influence_graph/toy")


def test_first_place_wins_and_is_verified(clean_env, monkeypatch):
    e = _entry(clean_env)
    env_root = clean_env / "shared"
    (env_root / "toy").mkdir(parents=True)
    (env_root / "toy" / "toy.txt").write_bytes(PAYLOAD)
    monkeypatch.setenv("INFLUENCE_GRAPH_DATA", str(env_root))
    got = locate(e)
    assert got.source == "env" and got.verified and got.sha256 == SUM
    mine = clean_env / "mine"
    mine.mkdir()
    (mine / "toy.txt").write_bytes(PAYLOAD)
    assert locate(e, data_dir=mine).path == mine / "toy.txt"


def test_checksum_mismatch_raises(clean_env):
    e = _entry(clean_env)
    d = clean_env / "d"
    d.mkdir()
    (d / "toy.txt").write_bytes(PAYLOAD + b"tampered")
    with pytest.raises(ChecksumError, match="differs from the registered") as info:
        locate(e, data_dir=d)
    assert str(d / "toy.txt") in str(info.value) and SUM in str(info.value)
    assert isinstance(info.value, ValueError)
    # verify=False trusts the file
    assert locate(e, data_dir=d, verify=False).sha256 is None


def test_missing_names_every_place_and_how_to_get_it(clean_env, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_DATA", str(clean_env / "shared"))
    e = entry("higgs", "higgs-activity_time.txt.gz")
    with pytest.raises(DataNotFoundError) as info:
        locate(e, data_dir=clean_env / "given")
    msg = str(info.value)
    for place in search_places(e, data_dir=clean_env / "given"):
        assert str(place) in msg
    assert "higgs-activity_time.txt.gz" in msg
    assert "network disabled in tests" in msg  # the download attempt is reported
    assert "https://snap.stanford.edu/data/higgs-twitter.html" in msg
    assert isinstance(info.value, FileNotFoundError)


def test_offline_env_skips_download(clean_env, monkeypatch):
    monkeypatch.setenv("INFLUENCE_GRAPH_OFFLINE", "1")
    with pytest.raises(DataNotFoundError, match="INFLUENCE_GRAPH_OFFLINE"):
        locate(_entry(clean_env))


def test_download_file_url_is_verified_and_atomic(clean_env, monkeypatch):
    import urllib.request

    monkeypatch.setattr(_fetch, "OPENER", urllib.request.urlopen)  # file:// needs no network
    (clean_env / "publisher").mkdir()
    (clean_env / "publisher" / "toy.txt").write_bytes(PAYLOAD)
    got = locate(_entry(clean_env))
    assert got.source == "download" and got.verified
    assert got.path == clean_env / "cache" / "influence_graph" / "toy" / "toy.txt"
    assert got.path.read_bytes() == PAYLOAD
    assert [p.name for p in got.path.parent.iterdir()] == ["toy.txt"]  # no temporary left
    assert locate(_entry(clean_env)).source == "cache"  # second call finds the cached copy


def test_download_with_wrong_sum_leaves_nothing(clean_env):
    e = _entry(clean_env, sha="0" * 64)
    with pytest.raises(ChecksumError):
        download(e, clean_env / "dest", opener=lambda url, timeout=None: io.BytesIO(PAYLOAD))
    assert list((clean_env / "dest").iterdir()) == []


def test_download_extracts_archive_member(clean_env):
    blob = io.BytesIO()
    with zipfile.ZipFile(blob, "w") as zf:
        zf.writestr("folder/toy.txt", PAYLOAD)
        zf.writestr("folder/other.txt", b"x")
    e = _entry(clean_env, member="toy.txt")
    path = download(
        e, clean_env / "dest", opener=lambda url, timeout=None: io.BytesIO(blob.getvalue())
    )
    assert path.read_bytes() == PAYLOAD and sha256_file(path) == SUM


def test_optional_file_absent_gives_none(clean_env):
    assert locate(_entry(clean_env, required=False), download_missing=False) is None


def test_loaders_report_missing_data(clean_env):
    with pytest.raises(DataNotFoundError, match="higgs-activity_time.txt.gz"):
        ig.datasets.higgs(clean_env / "nothing")
    with pytest.raises(
        DataNotFoundError, match=r"congress_network_data.json[\s\S]*congress-twitter.html"
    ):
        ig.datasets.congress(clean_env / "nothing", download=False)


def test_data_readme_table_matches_registry():
    readme = (Path(__file__).resolve().parents[2] / "data" / "README.md").read_text(
        encoding="utf-8"
    )
    rows = {}
    for line in readme.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].startswith("`") and cells[1].endswith("`"):
            rows[cells[1].strip("`")] = cells
    for f in (f for ds in REGISTRY.values() for f in ds):
        cells = rows[f.name]
        if f.sha256 is None:
            assert "not registered" in cells[3]
        else:
            assert cells[3] == f"`{f.sha256}`" and cells[2] == f"{f.size:,}"
        assert cells[4].startswith(f.url)
