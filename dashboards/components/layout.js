// The narrowest plot area a chart stays readable in, between its margins.
const MIN_PLOT_AREA = 120;

/**
 * A chart's width with its left and right margins, to spread into Plot.plot: the card's width, or,
 * when the margins would leave less than MIN_PLOT_AREA between them (a narrow window, or a card
 * measured mid-layout), the smallest width that fits. Plot would otherwise draw bars and cells of
 * negative width; its SVG scales down to the card.
 */
export function fitted(width, {marginLeft, marginRight}) {
  return {width: Math.max(width, marginLeft + marginRight + MIN_PLOT_AREA), marginLeft, marginRight};
}
