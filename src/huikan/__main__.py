from huikan.cli import entry

entry()
