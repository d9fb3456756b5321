"""`python -m fairness_core.cli` runs the command line."""

from fairness_core.cli._main import main

raise SystemExit(main())
