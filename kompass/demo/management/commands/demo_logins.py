"""`manage.py demo_logins`: print the demo accounts and where to open Kommunalkompass.

Prints only when the demo accounts exist, so a production database never advertises them.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from kompass.demo import kommunen as demo


def login_box(url: str) -> str:
    """The demo logins in a small German/English box."""
    rows = [
        f"Kommunalkompass: {url}",
        "Demo-Zugänge / demo logins:",
        "",
        *(f"  {login.username:<10} {login.password:<28} {login.description}" for login in demo.DEMO_LOGINS),
        "",
        "Nur für die Demo – Passwörter vor echtem Einsatz ändern.",
        "Demo only – change these passwords before real use.",
    ]
    width = max(len(row) for row in rows)
    lines = ["┌" + "─" * (width + 2) + "┐"]
    lines += [f"│ {row:<{width}} │" for row in rows]
    lines.append("└" + "─" * (width + 2) + "┘")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Zeigt die Demo-Zugänge (nur wenn die Demodaten geladen sind)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=demo.DEMO_URL, help=f"Adresse der Anwendung (Standard: {demo.DEMO_URL})")

    def handle(self, *args: Any, url: str = demo.DEMO_URL, **options: Any) -> None:
        if not demo.demo_users_exist():
            self.stdout.write(f"Kommunalkompass: {url} (keine Demo-Zugänge in dieser Datenbank)")
            return
        self.stdout.write(login_box(url))
