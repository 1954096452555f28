"""The extractive answer: the sources' own sentences chosen, ordered and cited."""
