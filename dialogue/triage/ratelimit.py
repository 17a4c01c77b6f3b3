"""Per-viewer rate limit, so one chatty viewer cannot take over the host's attention."""

from __future__ import annotations

from collections import OrderedDict, deque


class RateLimiter:
    """Sliding window per user: at most `max_per_window` allowed comments in any `window_s` seconds.

    Refused comments do not count against the user. Memory is bounded: users idle for a whole
    window are forgotten on the next call, and at most `max_users` are tracked (least recent first).
    """

    def __init__(self, max_per_window: int = 3, window_s: float = 20.0, *, max_users: int = 100_000) -> None:
        if max_per_window < 1:
            raise ValueError(f"max_per_window must be at least 1, got {max_per_window!r}")
        if window_s <= 0:
            raise ValueError(f"window_s must be positive, got {window_s!r}")
        if max_users < 1:
            raise ValueError(f"max_users must be at least 1, got {max_users!r}")
        self.max_per_window = max_per_window
        self.window_s = window_s
        self.max_users = max_users
        # user → times of allowed comments, oldest first; users ordered by their latest allowed time.
        self._users: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, user: str, now: float) -> bool:
        """True if `user` may have another comment considered at time `now` (and count it)."""
        self._forget_idle(now)
        times = self._users.get(user)
        if times is None:
            times = self._users[user] = deque()
        while times and now - times[0] >= self.window_s:
            times.popleft()
        if len(times) >= self.max_per_window:
            return False
        times.append(now)
        self._users.move_to_end(user)
        while len(self._users) > self.max_users:
            self._users.popitem(last=False)
        return True

    def _forget_idle(self, now: float) -> None:
        while self._users:
            _, times = next(iter(self._users.items()))
            if times and now - times[-1] < self.window_s:
                return
            self._users.popitem(last=False)

    def __len__(self) -> int:
        """How many users are currently tracked."""
        return len(self._users)
