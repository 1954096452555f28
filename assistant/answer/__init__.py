"""From ranked passages to an answer: what is asked, whether it is answerable, composing and citing."""
