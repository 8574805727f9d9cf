"""A bounded LRU cache of decoded pictures, limited by the bytes it holds; safe across threads."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Hashable

import numpy as np


class FrameCache:
    """Maps a key (file identity, frame number, size) to a read-only picture array."""

    def __init__(self, max_bytes: int = 512 << 20):
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Hashable, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> np.ndarray | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: Hashable, picture: np.ndarray) -> None:
        """Store `picture` (made read-only: callers share it) and evict the oldest past the limit."""
        picture.flags.writeable = False
        if picture.nbytes > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old.nbytes
            self._items[key] = picture
            self.bytes += picture.nbytes
            while self.bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.bytes -= evicted.nbytes

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0
