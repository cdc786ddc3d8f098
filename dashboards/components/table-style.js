// A table that stays readable on a phone: below 720px each row becomes a card and each cell shows
// its column's name (from data-label). Put tableStyle() once on a page, use class "rw-table" (in a
// div.rw-scroll when it may be wider than the page).
const CSS = `
.rw-scroll { overflow-x: auto; }
.rw-table { width: 100%; max-width: none; border-collapse: collapse; font-size: 14px; }
.rw-table th, .rw-table td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: solid 1px var(--theme-foreground-faint); }
.rw-table td.rw-num, .rw-table th.rw-num { text-align: right; font-variant-numeric: tabular-nums; }
.rw-reason { min-width: 14em; max-width: 36em; }
.rw-sub { color: var(--theme-foreground-muted); font-size: 13px; }
.rw-tag { display: inline-block; padding: 0 6px; border: solid 1px currentColor; border-radius: 4px; font-size: 12px; white-space: nowrap; }
.rw-late { color: #b71c1c; font-weight: 600; }
.rw-nowrap { white-space: nowrap; }
@media (max-width: 720px) {
  .rw-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .rw-table, .rw-table tbody, .rw-table tr, .rw-table td { display: block; width: auto; }
  .rw-table tr { border: solid 1px var(--theme-foreground-faint); border-radius: 8px; margin: 0 0 12px; padding: 4px 0; }
  .rw-table td { border-bottom: none; padding: 3px 10px; }
  .rw-table td.rw-num { text-align: left; }
  .rw-table td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; color: var(--theme-foreground-muted); }
  .rw-reason { min-width: 0; }
}
`;

export function tableStyle() {
  const style = document.createElement("style");
  style.textContent = CSS;
  return style;
}
