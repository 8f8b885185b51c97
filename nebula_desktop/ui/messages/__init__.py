"""The messages of the open conversation: model, view, delegate, painting, selection and the
per-message actions."""
