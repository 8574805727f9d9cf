"""The player: a clock, decode-ahead off the UI thread, sound out. Qt-free (see player.py)."""
