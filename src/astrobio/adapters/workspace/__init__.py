"""Run work directories on a (possibly shared) file system."""
