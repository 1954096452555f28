"""Corpus ingestion: manifest → load → clean → structure → chunk → embed → store."""
