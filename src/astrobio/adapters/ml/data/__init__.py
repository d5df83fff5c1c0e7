"""Lightning DataModules over climate cube sets."""
