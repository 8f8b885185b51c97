"""What every room of the interface may use: the background runner, translations, the theme, the single-instance guard, plain-text labels."""
