"""The messages of the open conversation: model, view, delegate, painting, selection and per-message actions."""
