"""The main window with its menus, dialogs and notices: the one room that wires the others
together."""
