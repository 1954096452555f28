"""From a question to ranked passages: embedders, the loaded index, lexical terms, rewriting, reranking."""
