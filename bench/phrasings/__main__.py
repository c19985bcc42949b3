import sys

from bench.phrasings.run import main

sys.exit(main())
