import sys

from bench.seeded.run import main

sys.exit(main())
