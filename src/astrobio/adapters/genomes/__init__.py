"""Genome file readers (FASTA, GenBank, GFF3, NCBI reports), 1000 Genomes tables, the NCBI client."""
