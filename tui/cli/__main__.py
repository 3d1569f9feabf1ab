"""`python -m tui.cli`: the `hashiya` command (what `hashiya serve` runs in each tab)."""

from tui.cli import main

main()
