"""`python3 -m zeekwire --help` (run from tests/zeekwire)."""
import sys

from .peer import main

sys.exit(main())
