"""The flag of a thread that records or sends remote log lines (``log/debug``): what it logs
meanwhile is not sent, so the remote log never feeds itself. A leaf module: the logging
handler reads it before the apps are ready."""

from __future__ import annotations

import threading

sending = threading.local()
"""``sending.active`` is true while this thread records or delivers log lines."""
