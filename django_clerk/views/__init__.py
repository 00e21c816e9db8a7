"""Views of the app that are not feeds: the unsubscribe link and Clerk's unsubscribe call."""
