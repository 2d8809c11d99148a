import os

import pytest

from assembler.standard import load_standard


@pytest.fixture(scope="session")
def std():
    return load_standard()


@pytest.fixture(scope="session", autouse=True)
def private_parse_cache(tmp_path_factory):
    """Point the bank parse cache at a temporary folder, so the suite never writes into ~/.cache."""
    old = os.environ.get("ZUJUAN_CACHE")
    os.environ["ZUJUAN_CACHE"] = str(tmp_path_factory.mktemp("zujuan-cache"))
    yield
    if old is None:
        os.environ.pop("ZUJUAN_CACHE", None)
    else:
        os.environ["ZUJUAN_CACHE"] = old
