"""One conversation's chat: the controller, the run of one request, the worker threads, the
header, the composer and its attachments, titles and the model list."""
