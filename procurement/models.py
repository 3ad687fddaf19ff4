"""procurement models: built in their own issue; the app is registered so migrations and URLs have a home."""
