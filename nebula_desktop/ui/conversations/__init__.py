"""The conversation list: model, view, delegate, search box and undo bar."""
