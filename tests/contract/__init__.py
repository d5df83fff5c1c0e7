"""Contract tests: one suite per port, run against the in-memory fake and every real adapter."""
