"""LightningModule systems: losses, physics terms, optimizers."""
