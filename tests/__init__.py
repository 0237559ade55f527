"""Cross-app security tests (issue 6): the role matrix, hostile input on every form, escaping."""
