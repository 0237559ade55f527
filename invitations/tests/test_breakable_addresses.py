"""A reminder's recipients in the narrow 'Sent at / to' column break after an '@', never mid-word."""

from clients.templatetags.addresses import breakable_addresses
from invitations.templatetags import invitations_tags


def test_each_address_breaks_only_after_its_at_sign():
    html = breakable_addresses("a.okonkwo-venkataraman@example.com, cc priya.shah@maple.example")
    assert html == (
        '<span class="text-nowrap">a.okonkwo-venkataraman@</span><wbr>'
        '<span class="text-nowrap">example.com</span>, '
        '<span class="text-nowrap">cc priya.shah@</span><wbr><span class="text-nowrap">maple.example</span>'
    )


def test_addresses_are_escaped_and_an_empty_list_is_empty():
    assert breakable_addresses("") == ""
    assert "&lt;b&gt;" in breakable_addresses("<b>@x.example")


def test_the_reminders_table_uses_the_clients_filter():
    assert invitations_tags.register.filters["breakable_addresses"] is breakable_addresses
