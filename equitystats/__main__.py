from equitystats.cli import main

raise SystemExit(main())
