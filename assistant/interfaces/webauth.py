"""Editor sign-in for the web app: the Streamlit side of `assistant/storage/editors.py` and `st.login`.

A visitor is an editor when either
- the deployment has an identity provider (`[auth]` in `.streamlit/secrets.toml`), the visitor
  signed in through it (`st.login`) and their e-mail is in ASSISTANT_EDITOR_EMAILS; or
- editor accounts exist (`assistant editors add NAME`) and the visitor signed in with a name and
  password in this browser session (a reload or a new tab starts signed out).
With neither configured the editor pages are off and editors use the command line.

`app.py` calls `editor_sidebar()` (sign-in form, or the editor's name and a sign-out button) and
shows the editor pages in the navigation only to editors; each editor page starts with
`require_editor()`, which refuses everyone else, whatever URL they typed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAuthError

from ..settings import Settings
from ..storage.audit import ChangeLog
from ..storage.editors import EditorAccounts
from .webui import md_escape

# Session-state keys no widget uses, so nothing a visitor types can set them.
_SIGNED_IN = "_editor_account"


@dataclass(frozen=True)
class SignInMethods:
    identity_provider: bool  # `[auth]` configured in secrets.toml
    allow_list: bool  # ASSISTANT_EDITOR_EMAILS names someone
    passwords: bool  # at least one editor account exists

    @property
    def oidc(self) -> bool:
        return self.identity_provider and self.allow_list

    @property
    def off(self) -> bool:
        return not (self.oidc or self.passwords)


# Not cached: both are cheap to make (the database engine and schema are made once per process
# in assistant/storage/db.py), and so always follow the settings in force.
def editor_accounts(settings: Settings | None = None) -> EditorAccounts:
    return EditorAccounts.for_settings(settings or Settings.from_env())


def change_log(settings: Settings | None = None) -> ChangeLog:
    return ChangeLog.for_settings(settings or Settings.from_env())


def _allowed_emails(settings: Settings) -> set[str]:
    return {e.strip().lower() for e in settings.editor_emails.split(",") if e.strip()}


def _identity_provider() -> bool:
    # Streamlit's documented signal: st.user has an `is_logged_in` key only when secrets.toml
    # has an [auth] section (it is False until the visitor signs in).
    return "is_logged_in" in st.user


def sign_in_methods(settings: Settings) -> SignInMethods:
    return SignInMethods(
        identity_provider=_identity_provider(),
        allow_list=bool(_allowed_emails(settings)),
        passwords=editor_accounts(settings).has_accounts(),
    )


def _oidc_email() -> str:
    """The e-mail of a visitor signed in through the identity provider, or ''."""
    if not _identity_provider() or st.user.get("is_logged_in") is not True:
        return ""
    # A provider that says it has not verified the address is not trusted with the allow-list.
    if st.user.get("email_verified") is False:
        return ""
    return str(st.user.get("email") or "").strip().lower()


def current_editor(settings: Settings | None = None) -> str | None:
    """The signed-in editor's name (account name or e-mail), or None."""
    settings = settings or Settings.from_env()
    name = st.session_state.get(_SIGNED_IN)
    if name:
        if editor_accounts(settings).exists(name):
            return str(name)
        # Removed with `assistant editors remove` since signing in: access ends now.
        del st.session_state[_SIGNED_IN]
    email = _oidc_email()
    if email and email in _allowed_emails(settings):
        return email
    return None


def require_editor() -> str:
    """The guard at the top of every editor page: the editor's name, or a message and a stop."""
    settings = Settings.from_env()
    editor = current_editor(settings)
    if editor:
        return editor
    if sign_in_methods(settings).off:
        st.info(
            "The editor pages are off in this deployment: it has neither an identity provider nor "
            "editor accounts. Editors use the command line (`assistant ingest`, `assistant eval`); "
            "an administrator can add an account with `assistant editors add NAME`.",
            icon=":material/lock:",
        )
    else:
        st.warning(
            "This page is for content editors. Sign in with **Editor sign-in** in the sidebar.",
            icon=":material/lock:",
        )
    st.stop()


def _oidc_providers() -> list[str | None]:
    # Named providers are [auth.NAME] tables; without any, st.login() uses [auth] itself.
    try:
        section = st.secrets.get("auth", {})
    except (FileNotFoundError, KeyError):
        section = {}
    named = [str(k) for k, v in section.items() if isinstance(v, Mapping)]
    return list(named) or [None]


def _oidc_sign_in() -> None:
    for provider in _oidc_providers():
        label = "Sign in with your organisation account" + (f" ({provider})" if provider else "")
        if st.button(label, key=f"editor_oidc_{provider or 'default'}", icon=":material/login:"):
            try:
                st.login(provider)
            except StreamlitAuthError as exc:
                # Authlib missing or [auth] incomplete: say so rather than fail the whole page.
                st.error(f"The identity provider cannot be used: {md_escape(str(exc))}")


def client_address(direct: str | None, forwarded: Sequence[str], trusted_proxies: int) -> str:
    """The browser's address: the connection's (`direct`; Streamlit gives None for localhost) or,
    behind `trusted_proxies` reverse proxies, the address the outermost of them saw, which is
    that many entries from the right of X-Forwarded-For (each proxy appends its peer; whatever
    is further left, the client wrote). A header with fewer entries, or an entry that is not an
    IP address, is not trusted: the connection's address stands, as werkzeug's ProxyFix does."""
    fallback = direct if isinstance(direct, str) else ""
    if trusted_proxies <= 0:
        return fallback
    hops = [h.strip() for value in forwarded for h in value.split(",") if h.strip()]
    if len(hops) < trusted_proxies:
        return fallback
    try:
        return str(ipaddress.ip_address(hops[-trusted_proxies]))
    except ValueError:
        return fallback


def _password_sign_in(settings: Settings) -> str | None:
    """The form; on a failed sign-in, the message to show."""
    with st.form("editor_sign_in", clear_on_submit=True, border=False):
        name = st.text_input("Editor name", max_chars=64, autocomplete="username")
        password = st.text_input("Password", type="password", max_chars=1024, autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", icon=":material/login:")
    if not submitted:
        return None
    # Failures are limited per account and address (and, more loosely, per account).
    address = client_address(
        st.context.ip_address, st.context.headers.get_all("X-Forwarded-For"), settings.trusted_proxies
    )
    result = editor_accounts(settings).verify(name, password, client=address)
    if result.ok:
        st.session_state[_SIGNED_IN] = result.name
        st.rerun()
    if result.locked:
        minutes = -(-result.retry_after_s // 60)
        return f"Too many failed sign-ins for this account. Try again in {minutes} minute(s)."
    # The same words whether the name exists or not.
    return "Name or password is wrong."


def editor_sidebar() -> str | None:
    """The sidebar's editor section; returns the signed-in editor's name or None."""
    settings = Settings.from_env()
    editor = current_editor(settings)
    methods = sign_in_methods(settings)
    with st.sidebar:
        if editor:
            st.caption(f"Signed in as editor **{md_escape(editor)}**")
            if st.button("Sign out", key="editor_sign_out", icon=":material/logout:"):
                st.session_state.pop(_SIGNED_IN, None)
                if _oidc_email():
                    st.logout()  # ends the identity cookie too; starts a new session
                st.rerun()
            return editor
        if methods.off:
            st.caption(
                "Editor pages are off: no identity provider and no editor accounts are configured. "
                "Editors use the `assistant` command line."
            )
            return None
        message = None
        with st.expander("Editor sign-in", icon=":material/lock:"):
            signed_in_elsewhere = _oidc_email()
            if signed_in_elsewhere:
                st.caption(f"Signed in as {md_escape(signed_in_elsewhere)}, who is not on the editors' list.")
                if st.button("Sign out", key="editor_oidc_sign_out"):
                    st.logout()
            elif methods.oidc:
                _oidc_sign_in()
            if methods.passwords:
                message = _password_sign_in(settings)
        # Below the expander, so it shows even if the visitor folds the expander away.
        if message:
            st.error(message, icon=":material/error:")
    return None
