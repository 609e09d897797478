/**
 * Controls and tables a screen reader cannot name: inputs, selects, textareas and buttons without an accessible
 * name (label, aria-label, aria-labelledby, title or text), tables without a caption or aria-label, and dialogs
 * without a name. A light stand-in for an accessibility checker, run in the page (a script, as the test's own
 * TypeScript has no DOM types).
 */
export const UNNAMED_THINGS = `(() => {
  const named = (el) => {
    const text = (s) => Boolean(s?.trim());
    if (text(el.getAttribute('aria-label')) || text(el.getAttribute('title'))) return true;
    const by = el.getAttribute('aria-labelledby');
    if (by && by.split(/\\s+/).some((id) => text(document.getElementById(id)?.textContent))) return true;
    if (el.labels?.length) return [...el.labels].some((label) => text(label.textContent));
    return el.tagName === 'BUTTON' && text(el.textContent);
  };
  const visible = (el) => el.offsetParent !== null || el.tagName === 'DIALOG';
  const describe = (el) => el.outerHTML.slice(0, 120);
  const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')];
  const tables = [...document.querySelectorAll('table')].filter(
    (t) => !t.querySelector('caption') && !t.getAttribute('aria-label') && !t.getAttribute('aria-labelledby'),
  );
  const headless = [...document.querySelectorAll('table')].filter((t) => !t.querySelector('th'));
  return [
    ...controls.filter((el) => visible(el) && !named(el)).map(describe),
    ...tables.map((t) => \`table without caption: \${describe(t)}\`),
    ...headless.map((t) => \`table without headers: \${describe(t)}\`),
    ...[...document.querySelectorAll('dialog')].filter((d) => !named(d)).map(describe),
  ];
})()`;
