"""Example adapters for the `hashiya.suggesters` entry point group (docs/suggestions.md)."""
