"""Registry of the real data files: names, publisher addresses, SHA-256 sums and sizes.

The loaders (:mod:`influence_graph.datasets.higgs`, :mod:`influence_graph.datasets.congress`)
find files through :func:`influence_graph.datasets._fetch.locate`, which verifies every
file against the sum registered here, whichever way it arrived (a shared folder, the user
cache or a fresh download). ``data/README.md`` shows the same table.

Examples
--------
>>> from influence_graph.datasets._registry import entry, files
>>> [f.name for f in files("higgs") if f.required]  # doctest: +NORMALIZE_WHITESPACE
['higgs-activity_time.txt.gz', 'higgs-retweet_network.edgelist.gz',
 'higgs-mention_network.edgelist.gz', 'higgs-reply_network.edgelist.gz']
>>> entry("congress", "congress_network_data.json").sha256[:12]
'5c7bad955d54'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DataFile", "REGISTRY", "DATASETS", "files", "entry", "HOW_TO_GET"]


@dataclass(frozen=True)
class DataFile:
    """One file of a real data set.

    Attributes
    ----------
    dataset : str
        Data set name, also the sub-folder it lives in (``"higgs"``, ``"congress"``).
    name : str
        File name, the same as the publisher's.
    url : str
        Where the publisher serves it (or the archive holding it, see ``archive_member``).
    sha256 : str or None
        Registered SHA-256 of the file itself; ``None`` when no sum is registered (the
        optional Higgs follower graph), in which case the computed sum is recorded in the
        Dataset's provenance and the ingest report says it was not verified.
    size : int or None
        Size in bytes, when known.
    required : bool
        Whether the loader needs it (``False``: used when present).
    description : str
        Format and meaning, one line.
    archive_member : str or None
        When ``url`` serves a zip archive: the member's file name inside it.
    """

    dataset: str
    name: str
    url: str
    sha256: str | None
    size: int | None
    required: bool
    description: str
    archive_member: str | None = None


_SNAP = "https://snap.stanford.edu/data/"

#: How a user gets each data set, quoted in :class:`~influence_graph.DataNotFoundError`.
HOW_TO_GET: dict[str, str] = {
    "higgs": (
        "download the files from https://snap.stanford.edu/data/higgs-twitter.html into one "
        "folder and pass data_dir=..., or set INFLUENCE_GRAPH_DATA to the folder holding higgs/, "
        "or call ig.datasets.higgs() online to download them into the user cache"
    ),
    "congress": (
        "download congress_network_data.json from "
        "https://snap.stanford.edu/data/congress-twitter.html "
        "(inside congress_network.zip) and pass data_dir=..., or set INFLUENCE_GRAPH_DATA to the "
        "folder holding congress/, or call ig.datasets.congress() online to download it into "
        "the user cache"
    ),
}

#: Every registered file, per data set, in loading order.
REGISTRY: dict[str, tuple[DataFile, ...]] = {
    "higgs": (
        DataFile(
            "higgs",
            "higgs-activity_time.txt.gz",
            _SNAP + "higgs-activity_time.txt.gz",
            "901b199716a23b0fc0371705e3ae9941b5c9493277aec65456abc4988674ad79",
            4_169_461,
            True,
            "563,069 lines `userA userB unix_time RT|MT|RE`: userA retweeted / mentioned / "
            "replied to userB",
        ),
        DataFile(
            "higgs",
            "higgs-retweet_network.edgelist.gz",
            _SNAP + "higgs-retweet_network.edgelist.gz",
            "4097edebd539043cfc62d9b4ba67676f79523f6dbe896d345fcc127dec3e936e",
            1_957_437,
            True,
            "328,132 lines `userA userB weight`: userA retweeted userB weight times",
        ),
        DataFile(
            "higgs",
            "higgs-mention_network.edgelist.gz",
            _SNAP + "higgs-mention_network.edgelist.gz",
            "df115f39619ec9736c460faa176810e12813a8c344e239ec53a439073f05173f",
            885_911,
            True,
            "150,818 lines `userA userB weight`: userA mentioned userB weight times",
        ),
        DataFile(
            "higgs",
            "higgs-reply_network.edgelist.gz",
            _SNAP + "higgs-reply_network.edgelist.gz",
            "449f13a5d0eebd1dff9874db4db662e8a83f9b789e0c68faec871cf069c8dea6",
            203_054,
            True,
            "32,523 lines `userA userB weight`: userA replied to userB weight times",
        ),
        DataFile(
            "higgs",
            "higgs-social_network.edgelist.gz",
            _SNAP + "higgs-social_network.edgelist.gz",
            None,
            None,
            False,
            "optional follower graph, 14,855,842 lines `userA userB`: userA follows userB "
            "(about 100 MB)",
        ),
    ),
    "congress": (
        DataFile(
            "congress",
            "congress_network_data.json",
            _SNAP + "congress_network.zip",
            "5c7bad955d5478f722519473c66158a6f281144c1cffb60f8f00307d11eafdb1",
            732_665,
            True,
            "one-element JSON list of {inList, inWeight, outList, outWeight, usernameList}: "
            "475 members, 13,289 weighted edges",
            archive_member="congress_network_data.json",
        ),
    ),
}

#: Names of the registered data sets.
DATASETS: tuple[str, ...] = tuple(REGISTRY)


def files(dataset: str) -> tuple[DataFile, ...]:
    """Return the registered files of ``dataset``.

    Raises
    ------
    KeyError
        When ``dataset`` is not registered.

    Examples
    --------
    >>> len(files("higgs"))
    5
    """
    try:
        return REGISTRY[dataset]
    except KeyError:
        raise KeyError(
            f"no registered data set {dataset!r}; known: {', '.join(DATASETS)}"
        ) from None


def entry(dataset: str, name: str) -> DataFile:
    """Return the registry entry of file ``name`` of ``dataset``.

    Examples
    --------
    >>> entry("higgs", "higgs-social_network.edgelist.gz").required
    False
    """
    for f in files(dataset):
        if f.name == name:
            return f
    raise KeyError(f"{name!r} is not a registered file of data set {dataset!r}")
