"""A thumbnailer for the sandbox shop that resizes nothing (no image library needed)."""

from oscar.core.thumbnails import AbstractThumbnailer


class Thumbnail:
    def __init__(self, url: str) -> None:
        self.url = url


class OriginalImage(AbstractThumbnailer):
    def generate_thumbnail(self, source, **opts):
        name = getattr(source, "name", source)
        return Thumbnail(f"/media/{name}")

    def delete_thumbnails(self, source):
        return None
