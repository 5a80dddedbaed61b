import os
import sys
from pathlib import Path
from typing import Iterator

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True, scope="session")
def cache_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The plugin's persistent cache (on in every flake8 command the tests run) goes to a
    temporary folder, never next to the fixtures; tests of the cache set their own."""
    before = os.environ.get("FBP_CACHE_DIR")
    os.environ["FBP_CACHE_DIR"] = str(tmp_path_factory.mktemp("fbp-cache"))
    yield
    if before is None:
        os.environ.pop("FBP_CACHE_DIR", None)
    else:
        os.environ["FBP_CACHE_DIR"] = before
