"""Entry script for the frozen app: PyInstaller needs a file, the package has a function."""

import sys

from nebula_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
