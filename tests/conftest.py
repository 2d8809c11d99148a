import os
import sys

# This machine exports PYTHONDONTWRITEBYTECODE=1, so every run (and every xdist worker) would compile the
# library and re-rewrite every test module's asserts again (about 3 s of each worker's collection).
# Cache both in __pycache__ (ignored by git) as a plain Python would.
sys.dont_write_bytecode = False

import pytest  # noqa: E402

from assembler.bank import loader  # noqa: E402
from assembler.standard import load_standard  # noqa: E402


@pytest.fixture(scope="session")
def std():
    return load_standard()


@pytest.fixture(scope="session", autouse=True)
def private_parse_cache(tmp_path_factory):
    """Point the bank parse cache at a temporary folder, so the suite never writes into ~/.cache.

    Under xdist the workers share one folder (the run's temporary root): entries are written
    atomically, so a file one worker parsed is read by the others instead of parsed again."""
    old = os.environ.get("ZUJUAN_CACHE")
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    cache = root / "zujuan-cache"
    cache.mkdir(exist_ok=True)
    os.environ["ZUJUAN_CACHE"] = str(cache)
    # xdist already keeps every CPU busy: a cold read of the whole bank parses in this process instead of
    # forking a pool per worker (tests/test_bank_read_memo.py covers the parallel parse on its own)
    parallel = loader.PARALLEL_BYTES
    loader.PARALLEL_BYTES = 1 << 62
    yield
    loader.PARALLEL_BYTES = parallel
    if old is None:
        os.environ.pop("ZUJUAN_CACHE", None)
    else:
        os.environ["ZUJUAN_CACHE"] = old
