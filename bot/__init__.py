"""perfbot."""
