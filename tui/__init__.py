"""Hashiya's user interfaces: the command line (`tui.cli`) and the Textual app (`tui.app`)."""
