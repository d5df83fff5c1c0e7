"""KEGG adapters: KGML parsing (Biopython), bundled files, the KEGG REST client, networkx graphs."""
