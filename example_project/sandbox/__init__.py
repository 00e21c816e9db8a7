"""The example shop as a sandbox: the fake Clerk API with the catalogue synced to it, the
shop on a free port, and tools to photograph it (``python -m sandbox.screenshots``)."""
