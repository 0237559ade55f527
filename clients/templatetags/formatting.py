"""Template filters over clients.formatting: one format for dates, money and counts everywhere."""

from django import template

from clients import formatting

register = template.Library()

# expects_localtime: an aware datetime is shown in the current time zone, as |date does.
register.filter("local_date", formatting.local_date, expects_localtime=True)
register.filter("money", formatting.money)
register.filter("total", formatting.total)
register.filter("country", formatting.country_name)
register.filter("countries", formatting.country_names)
register.simple_tag(formatting.colon, name="colon")
