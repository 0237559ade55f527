"""E-mail addresses in narrow columns: the client list, a reminder's recipients."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join

register = template.Library()


@register.filter
def breakable_addresses(recipients: str) -> str:
    """"a@x.example, cc b@y.example" for a narrow column: each address stays whole where it fits
    and otherwise breaks only after its '@', never mid-word as `text-break` did."""

    def parts():
        for chunk in recipients.split(", "):
            local, at, domain = chunk.rpartition("@")
            yield (local + at, domain) if at else (chunk, "")

    if not recipients:
        return ""
    return format_html_join(
        ", ", '<span class="text-nowrap">{}</span><wbr><span class="text-nowrap">{}</span>', parts())
