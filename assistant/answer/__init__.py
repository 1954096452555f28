"""One reply from the judged, composed asks of a message: parts in the order asked, citations
numbered once, source ages and notices."""
