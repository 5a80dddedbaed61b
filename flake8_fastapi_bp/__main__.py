"""``python -m flake8_fastapi_bp FBP107``: the rule's page (``flake8_fastapi_bp.cli``)."""

import sys

from flake8_fastapi_bp.cli import main

if __name__ == "__main__":
    sys.exit(main())
