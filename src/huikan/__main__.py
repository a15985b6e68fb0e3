import sys

from huikan.cli import main

sys.exit(main())
