"""`python -m heard.batch score IN... --out DIR` (the same as `heard score`)."""

import sys

from heard.batch.cli import main

if __name__ == "__main__":
    sys.exit(main())
