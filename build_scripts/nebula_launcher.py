"""Entry script for the frozen app: PyInstaller needs a file, the package has a function."""

from nebula_desktop.app import run

if __name__ == "__main__":
    run()
