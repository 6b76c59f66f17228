import sys

from tests.site.server import main

sys.exit(main())
