"""The serve stage: the HTTP API over a store and the page that explores it (`eventwire serve`)."""
