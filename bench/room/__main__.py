import sys

from bench.room.run import main

sys.exit(main())
