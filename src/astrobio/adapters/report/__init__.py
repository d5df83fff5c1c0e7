"""Reports rendered from stored results (HTML with matplotlib plots)."""
