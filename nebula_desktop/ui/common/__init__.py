"""What every room of the interface may use: running work in the background, translations, the
theme, the single-instance guard, plain-text labels."""
