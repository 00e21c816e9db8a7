"""A task backend that cannot defer tasks (for the checks' tests)."""

from tests.sync.conftest import TASKS_PACKAGE

BaseTaskBackend = __import__(
    f"{TASKS_PACKAGE}.backends.base", fromlist=["BaseTaskBackend"]
).BaseTaskBackend


class NoDeferBackend(BaseTaskBackend):
    supports_defer = False

    def enqueue(self, task, args, kwargs):  # never called by the checks
        raise NotImplementedError
