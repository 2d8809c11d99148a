import pytest

from assembler.standard import load_standard


@pytest.fixture(scope="session")
def std():
    return load_standard()
