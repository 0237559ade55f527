"""What a person would see wrong on a page, measured in Chromium: clipped text and WCAG violations.

Two checks, used by tests/test_layout_a11y.py (every page of the role matrix, every role, English
and French, 1366 and 1024 px wide) and handy from a shell while fixing a page:

- ``overflows(page)``: elements wider than the box that shows them. A box that hides or scrolls
  its overflow (``text-truncate``, ``table-responsive``, an ``<input>``) and is narrower than its
  content clips text; a table, card or cell whose content is wider than itself, or a table wider
  than the column holding it, spills over its neighbours; a page wider than the window scrolls
  sideways. Measured as ``scrollWidth`` against ``clientWidth``, so it needs no knowledge of any
  page; a ``<select>`` and an empty input's placeholder, which scrollWidth ignores, by their text
  measured in their font.
- ``axe_violations(page)``: axe-core's WCAG 2.0/2.1 A and AA rules. axe-core 4.14.1 is vendored from the
  npm registry (testing/vendor/axe-core, MPL-2.0) and reaches the page as an init script, which the
  browser runs before the page's own and which the Content Security Policy does not block (an
  inline ``<script>`` tag would be, rightly: the policy stays on during these tests).
"""

from __future__ import annotations

from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# A rounding pixel is not a clip: Chromium rounds sub-pixel widths either way.
_OVERFLOW_JS = r"""
(scrollingBox) => {
  const SLACK = 1;
  const found = [];
  const seen = new Set();
  const describe = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) {
      let s = e.tagName.toLowerCase();
      if (e.id) { parts.unshift(s + '#' + e.id); break; }
      const cls = [...e.classList].filter(c => !c.startsWith('col')).slice(0, 2);
      if (cls.length) s += '.' + cls.join('.');
      parts.unshift(s);
    }
    return parts.join(' > ');
  };
  const hidden = (el) => {
    if (el.closest('.visually-hidden, .visually-hidden-focusable, [aria-hidden=true], template')) return true;
    const r = el.getBoundingClientRect();
    return r.width < 2 || r.height < 2;
  };
  const text = (el) => ((el.tagName === 'SELECT' ? el.options[el.selectedIndex].text : el.value)
                        || el.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 80);
  const report = (el, kind, scrollWidth = el.scrollWidth, clientWidth = el.clientWidth) => {
    if (seen.has(el)) return;
    seen.add(el);
    el.setAttribute('data-layout-failure', kind);
    found.push({kind, element: describe(el), text: text(el), scrollWidth, clientWidth});
  };
  for (const el of document.querySelectorAll('[data-layout-failure]')) {
    el.removeAttribute('data-layout-failure');
    el.style.outline = '';
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + SLACK) {
    found.push({kind: 'page scrolls sideways', element: 'html', text: '',
                scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth});
  }
  const boxes = 'table, .card, .card-body, .card-header, .table-responsive, td, th, .navbar, '
    + '.btn-group, .alert, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), textarea';
  for (const el of document.querySelectorAll('body *')) {
    if (el.scrollWidth <= el.clientWidth + SLACK || el.clientWidth === 0) continue;
    const style = getComputedStyle(el);
    const clipping = style.overflowX !== 'visible';
    if (!clipping && !el.matches(boxes)) continue;
    if (el.tagName === 'CANVAS' || el.tagName === 'SELECT' || hidden(el)) continue;
    // An icon button whose words are pushed out of sight on purpose (text-indent: -3000px, the
    // admin's two-list selector arrows) shows no text to clip; its name is the words.
    if (parseFloat(style.textIndent) <= -999) continue;
    const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
    if (scrolls && scrollingBox && el.matches(scrollingBox)) continue;
    report(el, clipping ? (style.overflowX === 'auto' || style.overflowX === 'scroll'
                           ? 'scrolls sideways' : 'clips its text')
                        : 'content wider than the box');
  }
  const ctx = document.createElement('canvas').getContext('2d');
  // A table wider than the column holding it spills over its neighbour without widening the column.
  for (const el of document.querySelectorAll('table')) {
    const parent = el.parentElement;
    if (hidden(el) || getComputedStyle(parent).overflowX !== 'visible') continue;
    if (el.offsetWidth > parent.clientWidth + SLACK) {
      report(el, 'wider than its container', el.offsetWidth, parent.clientWidth);
    }
  }
  // Nor does an empty input's with its placeholder, the only hint some fields give.
  for (const el of document.querySelectorAll('input[placeholder]:placeholder-shown')) {
    if (hidden(el)) continue;
    const style = getComputedStyle(el);
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const needed = Math.ceil(ctx.measureText(el.placeholder).width);
    const room = Math.floor(el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    if (needed > room + SLACK) report(el, 'clips its placeholder', needed, room);
  }
  // A select's scrollWidth does not grow with its chosen option: measure the option's text.
  for (const el of document.querySelectorAll('select:not([multiple])')) {
    const option = el.options[el.selectedIndex];
    if (!option || hidden(el)) continue;
    const style = getComputedStyle(el);
    ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const needed = Math.ceil(ctx.measureText(option.text).width);
    const room = Math.floor(el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight));
    if (needed > room + SLACK) report(el, 'clips its choice', needed, room);
  }
  return found;
}
"""


def overflows(page, *, scrolling_box: str | None = None) -> list[dict]:
    """Every element of the page whose content is wider than the box showing it (see module doc).

    ``scrolling_box``: a CSS selector of boxes made to scroll sideways (Django admin's changelist
    table); their scrolling is not reported, the rest of the page is checked as usual.
    Each offender is also marked ``data-layout-failure`` so a screenshot can outline it."""
    return page.evaluate(_OVERFLOW_JS, scrolling_box)


def outline_failures(page) -> None:
    """Outline the elements ``overflows`` marked, for the screenshot of a failure."""
    page.evaluate("""() => { for (const el of document.querySelectorAll('[data-layout-failure]'))
        el.style.outline = '3px solid magenta'; }""")


def install_axe(context) -> None:
    """Make axe-core available on every page the context opens (an init script, not a tag)."""
    context.add_init_script(path=str(AXE_JS))


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the page as it is now: rule, help and the elements."""
    result = page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                             resultTypes: ['violations']});
          return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                      summary: n.failureSummary}))}));
        }""",
        AXE_TAGS,
    )
    return result


def format_overflows(found: list[dict]) -> str:
    return "\n".join(
        f"    {f['kind']}: {f['element']} ({f['scrollWidth']} > {f['clientWidth']} px) {f['text']!r}"
        for f in found
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"    {v['id']} ({v['impact']}): {v['help']}")
        for n in v["nodes"][:6]:
            lines.append(f"      {n['target']}  {n['html']}")
        if len(v["nodes"]) > 6:
            lines.append(f"      ... and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


_TABBABLE_JS = r"""
(selector) => {
  const q = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), '
    + 'select:not([disabled]), textarea:not([disabled]), [tabindex]';
  const root = document.querySelector(selector);
  const found = [...root.querySelectorAll(q)].filter(el => el.tabIndex >= 0
    && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden');
  found.forEach((el, i) => { el.dataset.kbd = String(i); });
  return found.map(el => el.id || el.name || el.textContent.trim().slice(0, 40));
}
"""

_FOCUSED_JS = r"""
() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const ring = s.boxShadow && s.boxShadow !== 'none';
  return {index: el.dataset.kbd === undefined ? null : Number(el.dataset.kbd),
          name: el.id || el.name || el.textContent.trim().slice(0, 40) || el.tagName,
          visible: outline || ring};
}
"""


def tab_through(page, selector: str) -> tuple[list[str], list[dict]]:
    """Walk the keyboard through the element `selector`: its focusable elements in document order,
    and what the Tab key focused, one press at a time, from the first of them to one past the last.

    Each step says which element had the focus (its index in document order, None once outside)
    and whether it showed a focus indicator (an outline or Bootstrap's focus ring)."""
    names = page.evaluate(_TABBABLE_JS, selector)
    page.locator(f"{selector} [data-kbd='0']").focus()
    steps = [page.evaluate(_FOCUSED_JS)]
    # A date input takes one Tab per part (month, day, year): the same element again is one step.
    for _ in range(6 * len(names)):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED_JS)
        if focused["index"] != steps[-1]["index"]:
            steps.append(focused)
        if focused["index"] is None:
            break
    return names, steps


def positive_tabindex(page) -> list[str]:
    """Elements that jump the natural order with tabindex > 0."""
    return page.evaluate("""() => [...document.querySelectorAll('[tabindex]')]
        .filter(el => el.tabIndex > 0).map(el => el.outerHTML.slice(0, 120))""")
