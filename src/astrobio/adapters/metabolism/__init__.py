"""Metabolism adapters: COBRApy FBA engine, content-addressed SBML store, bundled model catalog."""
