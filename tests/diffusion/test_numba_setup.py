import numba

from influence_graph.diffusion import _numba_setup


def test_read_only_package_gets_a_user_cache_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(_numba_setup.os, "access", lambda *a, **k: False)
    monkeypatch.setattr(numba.config, "CACHE_DIR", numba.config.CACHE_DIR)
    _numba_setup._configure()
    want = tmp_path / "influence_graph" / "numba"
    assert _numba_setup.cache_dir() == str(want) and want.is_dir()
    assert numba.config.CACHE_DIR == str(want)


def test_user_setting_wins(monkeypatch, tmp_path):
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setattr(_numba_setup.os, "access", lambda *a, **k: False)
    _numba_setup._configure()
    assert _numba_setup.cache_dir() == str(tmp_path / "mine")


def test_writable_package_keeps_numba_default(monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(_numba_setup.os, "access", lambda *a, **k: True)
    _numba_setup._configure()
    assert _numba_setup.cache_dir() is None
