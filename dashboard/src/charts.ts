import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';

// Only the pieces the page draws, so the bundle stays small.
Chart.register(BarController, BarElement, CategoryScale, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip);
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
Chart.defaults.font.size = 12;
Chart.defaults.color = '#334155';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
}

export interface ChartSpec {
  kind: 'bar' | 'line';
  labels: string[];
  series: ChartSeries[];
  /** Bars drawn sideways: long category names (versions, names) stay readable. */
  horizontal?: boolean;
  /** Series stacked on one bar per label. */
  stacked?: boolean;
  /** Values are percentages (0–100): the axis shows 0–100 %. */
  percent?: boolean;
  /** What the value axis counts, in words. */
  axisTitle?: string;
}

export interface TableSpec {
  head: string[];
  rows: Array<Array<string | number>>;
}

export interface CardContent {
  /** The figures in one line, read by everyone (and by screen readers as the chart's name). */
  summary: string;
  chart?: ChartSpec;
  table: TableSpec;
  /** Shown instead of the chart when there is nothing to draw. */
  empty?: string;
}

function configuration(spec: ChartSpec): ChartConfiguration {
  const valueAxis = {
    beginAtZero: true,
    stacked: spec.stacked,
    ...(spec.percent ? { max: 100, ticks: { callback: (value: string | number) => `${value} %` } } : { ticks: { precision: 0 } }),
    title: spec.axisTitle ? { display: true, text: spec.axisTitle } : undefined,
  };
  // Every category is named (they are few); a long time axis skips some labels instead of overlapping them.
  const categoryAxis = { stacked: spec.stacked, ticks: { autoSkip: !spec.horizontal, maxRotation: 0 } };
  return {
    type: spec.kind,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((series, index) => ({
        label: series.label,
        data: series.values,
        backgroundColor: PALETTE[index % PALETTE.length],
        borderColor: PALETTE[index % PALETTE.length],
        borderWidth: spec.kind === 'line' ? 2 : 0,
        spanGaps: true,
        pointRadius: 3,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      // Redrawn every minute: no animation to watch each time.
      animation: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      plugins: { legend: { display: spec.series.length > 1, position: 'bottom', labels: { boxWidth: 12 } } },
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
    },
  } as ChartConfiguration;
}

function cell(tag: 'th' | 'td', text: string | number, scope?: 'col' | 'row'): HTMLTableCellElement {
  const element = document.createElement(tag);
  element.textContent = typeof text === 'number' ? text.toLocaleString('en-US') : text;
  if (scope) element.scope = scope;
  if (typeof text === 'number') element.className = 'number';
  return element;
}

function tableOf(caption: string, spec: TableSpec): HTMLTableElement {
  const table = document.createElement('table');
  table.createCaption().textContent = caption;
  const headRow = table.createTHead().insertRow();
  for (const heading of spec.head) headRow.append(cell('th', heading, 'col'));
  const body = table.createTBody();
  if (spec.rows.length === 0) {
    const empty = cell('td', 'None');
    empty.colSpan = spec.head.length;
    body.insertRow().append(empty);
  }
  for (const row of spec.rows) {
    const tr = body.insertRow();
    row.forEach((value, index) => tr.append(index === 0 ? cell('th', value, 'row') : cell('td', value)));
  }
  return table;
}

/**
 * One panel of the page: a title, the figures in a sentence, a chart (a canvas named by that
 * sentence) and the same numbers as a table, for screen readers and for reading exact values.
 */
export class Card {
  readonly element: HTMLElement;
  private readonly summary: HTMLParagraphElement;
  private readonly body: HTMLDivElement;
  /** Where the table goes: behind "Show as a table" under a chart, or shown as it is (a list). */
  private readonly tableHost: HTMLElement;
  private chart: Chart | null = null;

  constructor(
    readonly id: string,
    private readonly title: string,
    options: { wide?: boolean; tableOnly?: boolean } = {},
  ) {
    this.element = document.createElement('section');
    this.element.className = options.wide ? 'card wide' : 'card';
    this.element.id = id;
    this.element.setAttribute('aria-labelledby', `${id}-title`);
    const heading = document.createElement('h2');
    heading.id = `${id}-title`;
    heading.textContent = title;
    this.summary = document.createElement('p');
    this.summary.className = 'summary';
    this.body = document.createElement('div');
    if (options.tableOnly) {
      this.tableHost = document.createElement('div');
      this.tableHost.className = 'table';
    } else {
      this.tableHost = document.createElement('details');
      const toggle = document.createElement('summary');
      toggle.textContent = 'Show as a table';
      this.tableHost.append(toggle);
    }
    this.element.append(heading, this.summary, this.body, this.tableHost);
  }

  update(content: CardContent): void {
    this.summary.textContent = content.summary;
    this.chart?.destroy();
    this.chart = null;
    this.body.replaceChildren();
    if (content.chart && !content.empty) {
      const box = document.createElement('div');
      box.className = 'chart';
      // Sideways bars get the height their categories need (set through the CSSOM, which the CSP allows).
      if (content.chart.horizontal) box.style.height = `${Math.min(320, Math.max(120, 26 * content.chart.labels.length + 40))}px`;
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${this.title}: ${content.summary} The table below gives every value.`);
      box.append(canvas);
      this.body.append(box);
      this.chart = new Chart(canvas, configuration(content.chart));
    } else if (content.empty) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = content.empty;
      this.body.append(empty);
    }
    const toggle = this.tableHost.querySelector(':scope > summary');
    this.tableHost.replaceChildren(...(toggle ? [toggle] : []), tableOf(this.title, content.table));
  }

  destroy(): void {
    this.chart?.destroy();
    this.element.remove();
  }
}
