"""Rules that read a Document (annotated sentences and tables) and return Fields by name."""
