"""Plain ``torch.nn.Module`` models of the climate surrogates (no Lightning)."""
