"""Checklist items in the page's or email's language: {{ item|item_label }}."""

from django import template

from invitations.checklist import display_label

register = template.Library()
register.filter("item_label", display_label)
