import sys

from nebula_desktop.app import main

sys.exit(main())
