"""``python -m flake8_fastapi_bp FBP107``: the rule's page (``flake8_fastapi_bp.lookup``)."""

import sys

from flake8_fastapi_bp.lookup import main

if __name__ == "__main__":
    sys.exit(main())
