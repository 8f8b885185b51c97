"""Compare: one question asked of 2–4 models at once, their answers streamed side by side.

Imported only when the user first turns Compare on (``ui/window/compare_hook.py``); the room
takes what it needs of the chat room (a run per column, the request parameters, the save) as
callables from the window, so it imports only ``common/`` and the core.
"""
