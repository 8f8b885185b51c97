"""The settings dialog: general settings, profiles, the key field, prices, prompt presets and
the connection test."""
