"""One file per schema revision; see `bot/storage/__init__.py` for how to add one."""
