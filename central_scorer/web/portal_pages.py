"""The organisation portal's and the staff sign-in's pages (kk, ru, en): plain HTML forms, no
scripts; every word from the i18n catalogue."""

from __future__ import annotations

from html import escape
from typing import Any

from common.i18n import LANGUAGES, t

_STYLE = """body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem auto; max-width: 48rem; padding: 0 1rem; }
label { display: block; margin: .8rem 0 .2rem; } input { font-size: 1.1rem; padding: .3rem; width: 20rem; }
button { margin-top: 1rem; font-size: 1.1rem; padding: .4rem 1.2rem; }
p.error { color: #a00000; font-weight: bold; } nav { float: right; }
table { border-collapse: collapse; } th, td { border-bottom: 1px solid #ccc; padding: .3rem .7rem; text-align: left; }"""


def _page(lang: str, title: str, body: str, path: str) -> str:
    switch = " · ".join(f'<a href="{path}?lang={code}" lang="{code}">{code.upper()}</a>' for code in LANGUAGES)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{escape(title)}</title><style>{_STYLE}</style></head>'
            f'<body><nav>{switch}</nav><h1>{escape(title)}</h1>{body}</body></html>')


def signin(lang: str, error: str | None = None) -> str:
    message = f'<p class="error" role="alert">{escape(t("portal.error." + error, lang))}</p>' if error else ""
    body = (f'<p>{escape(t("portal.intro", lang))}</p>{message}'
            f'<form method="post" action="/portal/signin?lang={lang}">'
            f'<label for="organisation">{escape(t("portal.organisation", lang))}</label>'
            f'<input id="organisation" name="organisation" autocomplete="username" required>'
            f'<label for="code">{escape(t("portal.code", lang))}</label>'
            f'<input id="code" name="code" type="password" autocomplete="current-password" required>'
            f'<br><button type="submit">{escape(t("portal.signin", lang))}</button></form>')
    return _page(lang, t("portal.title", lang), body, "/portal")


def files(lang: str, organisation: str, rows: list[dict[str, Any]]) -> str:
    if not rows:
        table = f'<p class="none">{escape(t("portal.none", lang))}</p>'
    else:
        body = "".join(
            f'<tr><td>{r["year"]}</td><td>{escape(r["grade_label"])}</td>'
            f'<td>{escape(t("portal.kind." + r["kind"], lang))}{(" (" + r["lang"].upper() + ")") if r["kind"] == "pdf" else ""}</td>'
            f'<td><a href="/portal/files/{r["id"]}">{escape(r["name"])}</a>'
            + (f' · <a href="/portal/files/{r["id"]}/signature">{escape(t("portal.signature", lang))}</a>'
               if r["kind"] != "pdf" else "")
            + "</td></tr>" for r in rows)
        table = (f'<table><thead><tr><th>{escape(t("public.year", lang))}</th>'
                 f'<th>{escape(t("public.grade", lang))}</th><th>{escape(t("portal.document", lang))}</th>'
                 f'<th>{escape(t("portal.file", lang))}</th></tr></thead><tbody>{body}</tbody></table>')
    body = (f'<p>{escape(t("portal.signed_in", lang, organisation=organisation))}</p>{table}'
            f'<p>{escape(t("portal.signed_note", lang))}</p>'
            f'<form method="post" action="/portal/signout?lang={lang}"><button type="submit">'
            f'{escape(t("portal.signout", lang))}</button></form>')
    return _page(lang, t("portal.title", lang), body, "/portal/files")


def staff_signin(lang: str, error: bool = False) -> str:
    message = f'<p class="error" role="alert">{escape(t("portal.error.wrong", lang))}</p>' if error else ""
    body = (f'{message}<form method="post" action="/signin?lang={lang}">'
            f'<label for="token">{escape(t("staff.token", lang))}</label>'
            f'<input id="token" name="token" type="password" autocomplete="current-password" required>'
            f'<br><button type="submit">{escape(t("portal.signin", lang))}</button></form>')
    return _page(lang, t("staff.signin", lang), body, "/signin")
