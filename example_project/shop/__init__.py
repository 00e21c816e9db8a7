"""The example shop: a small, realistic catalogue, cart and checkout connected to Clerk.io."""
