// A small line chart in inline SVG: days on x, a scale of its own on y (−100 … 100 unless told), one line per series;
// gaps where a day has no value; with `samples`, each point says how many facts it stands on (n).
const NS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * @param days   ['2026-11-01', …]
 * @param series [{ name, className, values: [number|null, …], samples?: [number, …] }] on the chart's scale
 * @param scale  { min, max, ticks, unit } of the y axis
 */
export function lineChart(days, series, { width = 640, height = 280, title = '', min = -100, max = 100, ticks = [-100, -50, 0, 50, 100], unit = '' } = {}) {
  const m = { left: 44, right: 24, top: 12, bottom: 36 };
  const w = width - m.left - m.right;
  const h = height - m.top - m.bottom;
  const x = (i) => m.left + (days.length <= 1 ? w / 2 : (i * w) / (days.length - 1));
  const y = (v) => m.top + ((max - v) / (max - min)) * h;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title });
  root.append(svg('title', {}, title));
  for (const v of ticks) {
    root.append(svg('line', { class: v === 0 ? 'axis' : 'grid', x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }));
    root.append(svg('text', { x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, `${v}${unit}`));
  }
  root.append(svg('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: m.top + h }));
  days.forEach((day, i) => {
    if (i % 5 === 0 || i === days.length - 1) {
      root.append(svg('text', { x: x(i), y: height - m.bottom + 16, 'text-anchor': 'middle' }, day.slice(5)));
    }
  });
  for (const s of series) {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
      const dot = svg('circle', { class: `dot-${s.className}`, cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5 });
      const n = s.samples?.[i];
      dot.append(svg('title', {}, `${days[i]}: ${s.name} ${v.toFixed(1)}${n === undefined ? '' : ` (n = ${n})`}`));
      root.append(dot);
      if (n !== undefined) root.append(svg('text', { class: 'sample', x: x(i).toFixed(1), y: (y(v) - 6).toFixed(1), 'text-anchor': 'middle' }, `n=${n}`));
    });
    if (d) root.insertBefore(svg('path', { class: s.className, d, 'data-series': s.className }), root.querySelector('circle'));
  }
  return root;
}
