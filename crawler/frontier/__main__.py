"""``python -m crawler.frontier status|clear``."""

from crawler.frontier import main

raise SystemExit(main())
