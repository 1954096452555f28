import pytest

from assistant.gate.bodies import unwritten_ccg

PASSAGES = [
    "SF (Dr Stewart Findlay, GP chair, Durham Dales, Easington and Sedgefield CCG): Me. A GP!",
    "BT (Dr Bill Tamkin, shadow chair South Manchester CCG): The big issue for us is authorisation.",
    "NHS Eastern and Coastal Kent has taken an innovative approach to connect clinicians with commissioners.",
]


@pytest.mark.parametrize(
    ("ask", "unwritten"),
    [
        # The passages name Kent, but as a primary care trust.
        ("What did the chair of Kent CCG say about authorisation?", "Kent"),
        ("How did the three Leeds CCGs merge?", "Leeds"),
        ("Who chairs Birmingham CrossCity clinical commissioning group?", "CrossCity"),
        # Written a few words before "CCG", as the guidance names Durham's.
        ("What did the Durham CCG lead say?", None),
        ("what did South Manchester CCG say about authorisation?", None),
        # No place: a determiner or the sentence's capital.
        ("Which CCG is in the first wave?", None),
        ("Our CCG wants us to join, do we have to?", None),
        ("NHS CCGs: who sits on the board?", None),
    ],
)
def test_a_ccg_the_passages_never_write_is_named(ask: str, unwritten: str | None) -> None:
    assert unwritten_ccg(ask, PASSAGES) == unwritten
