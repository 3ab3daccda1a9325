"""``python -m bidboard.cli``: the ``bidboard`` command."""

import sys

from bidboard.cli import main

sys.exit(main())
