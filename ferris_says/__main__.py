"""`python -m ferris_says`: the same command as `ferris-says`."""

import sys

from ferris_says.cli import main

if __name__ == "__main__":
    sys.exit(main())
