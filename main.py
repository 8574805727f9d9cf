"""Framesmith entry point: `python main.py [PROJECT.otio | info | render | generate | extend | models]`."""
import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
