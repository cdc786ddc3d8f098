/**
 * Runs in a dashboard page (sent to the browser as source, so it must stay self-contained): the
 * Plot charts with the number of marks they drew (mark layers only, not axes, grids, tips or
 * rules), the tables with their body rows, cells that failed, and cells still loading. With
 * `readiness`, only whether everything is drawn (or a cell has failed): for page.waitForFunction,
 * as the site's CSP rightly forbids evaluating strings.
 * @param {boolean} [readiness]
 * @returns {{charts: {title: string, marks: number}[], tables: {title: string, rows: number}[], errors: string[], loading: number} | boolean}
 */
export function pageContents(readiness = false) {
  const titleOf = (element) =>
    element.closest('figure')?.querySelector('h2, h3, figcaption')?.textContent?.trim() ||
    element.closest('.card')?.querySelector('h2, h3')?.textContent?.trim() ||
    '(untitled)';
  const charts = [...document.querySelectorAll('svg')]
    .filter((svg) => /^plot-[0-9a-f]+$/.test(svg.getAttribute('class') ?? ''))
    .map((svg) => ({
      title: titleOf(svg),
      marks: [...svg.querySelectorAll(':scope > g[aria-label]')]
        .filter((layer) => !/axis|grid|tip|frame|rule/.test(layer.getAttribute('aria-label') ?? ''))
        .reduce((count, layer) => count + layer.querySelectorAll('rect, path, circle, line, text, polygon, image').length, 0),
    }));
  const tables = [...document.querySelectorAll('table')].map((table) => ({ title: titleOf(table), rows: table.querySelectorAll('tbody tr').length }));
  const errors = [...document.querySelectorAll('.observablehq--error')].map((element) => element.textContent ?? '');
  const loading = document.querySelectorAll('observablehq-loading').length;
  const drawn = charts.every((chart) => chart.marks > 0) && tables.every((table) => table.rows > 0);
  if (readiness) return errors.length > 0 || (loading === 0 && charts.length + tables.length > 0 && drawn);
  return { charts, tables, errors, loading };
}
