"""Writers: Anki packages, printable sheets, JSON export, and the safe file writing they share."""
