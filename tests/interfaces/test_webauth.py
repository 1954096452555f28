"""The browser's address behind reverse proxies (`ASSISTANT_TRUSTED_PROXIES`), as sign-in limits use it."""

from __future__ import annotations

import pytest

from assistant import Settings
from assistant.errors import ConfigError
from assistant.interfaces.webauth import client_address
from assistant.storage.db import Database
from assistant.storage.editors import EditorAccounts

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.5"


def test_without_proxies_the_connection_is_the_client_and_the_header_is_ignored() -> None:
    assert client_address("198.51.100.4", ["203.0.113.9"], 0) == "198.51.100.4"
    assert client_address(None, ["203.0.113.9"], 0) == ""  # Streamlit's localhost


def test_behind_proxies_the_outermost_proxys_peer_is_the_client() -> None:
    # One proxy appends the browser's address; what the browser itself sent stays to its left.
    assert client_address(PROXY, ["198.51.100.4"], 1) == "198.51.100.4"
    assert client_address(PROXY, ["1.2.3.4, 198.51.100.4"], 1) == "198.51.100.4"
    # Two proxies: a load balancer appended the browser, the inner proxy the load balancer.
    assert client_address(PROXY, ["1.2.3.4, 198.51.100.4, 10.0.0.9"], 2) == "198.51.100.4"
    # Repeated headers are one list, in order.
    assert client_address(PROXY, ["198.51.100.4", "10.0.0.9"], 2) == "198.51.100.4"
    assert client_address(PROXY, [" 2001:db8::1 "], 1) == "2001:db8::1"


@pytest.mark.parametrize(
    "forwarded", [[], [""], ["198.51.100.4"], ["not-an-address, 10.0.0.9"], ["x" * 300 + ", 10.0.0.9"]]
)
def test_a_short_or_forged_header_falls_back_to_the_connection(forwarded: list[str]) -> None:
    assert client_address(PROXY, forwarded, 2) == PROXY


def test_behind_a_proxy_one_guesser_does_not_lock_out_another_browser(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Every connection comes from the proxy: read naively, the guesser's failures would count
    against everyone signing in as that account through it."""
    accounts = EditorAccounts(Database(f"sqlite:///{tmp_path / 'a.sqlite'}"), max_failures=2)
    accounts.add("ana", PASSWORD)
    guesser = client_address(PROXY, ["203.0.113.9"], 1)
    for _ in range(2):
        accounts.verify("ana", "wrong password!", client=guesser)
    assert accounts.verify("ana", PASSWORD, client=guesser).locked
    assert accounts.verify("ana", PASSWORD, client=client_address(PROXY, ["198.51.100.4"], 1)).ok
    # Without the setting both are the proxy, and the guesser has locked ana out.
    assert accounts.verify("ana", "wrong password!", client=client_address(PROXY, ["203.0.113.9"], 0)).ok is False
    assert accounts.verify("ana", "wrong password!", client=client_address(PROXY, ["203.0.113.9"], 0)).ok is False
    assert accounts.verify("ana", PASSWORD, client=client_address(PROXY, ["198.51.100.4"], 0)).locked


@pytest.mark.parametrize("value", ["-1", "11"])
def test_the_setting_is_checked(value: str) -> None:
    with pytest.raises(ConfigError, match="ASSISTANT_TRUSTED_PROXIES"):
        Settings.from_env({"ASSISTANT_TRUSTED_PROXIES": value}, dotenv=None)
    assert Settings.from_env({"ASSISTANT_TRUSTED_PROXIES": "1"}, dotenv=None).trusted_proxies == 1
