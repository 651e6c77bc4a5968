"""The versioned HTTP API (`/api/v1/…`)."""
