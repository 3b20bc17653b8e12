"""The Textual app: screens, widgets, dialogs."""
