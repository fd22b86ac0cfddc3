/// <reference lib="dom" />
/**
 * The comparison view inside its webview: renders the data the extension posts (matrix, per-model
 * summary, a bar chart of score and cost), filters and sorts it, lets two runs be selected for a
 * diff, and keeps its choices in the webview state so a reload restores them. Runs in the browser:
 * no Node, no VS Code API beyond `acquireVsCodeApi`.
 */
import type { CompareViewState, FromWebview, ToWebview } from '../compare-messages';
import type { CompareCell, CompareData, CompareRun, ModelSummary } from '../compare-model';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): CompareViewState | undefined;
  setState(state: CompareViewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const initial = document.body.dataset.scope ? JSON.parse(document.body.dataset.scope) : {};
const state: CompareViewState = vscode.getState() ?? {
  scope: initial,
  selected: [],
  filter: { model: '', template: '', status: '' },
  sort: 'model',
};
let data: CompareData | undefined;

const STATUS_WORDS: Record<CompareRun['status'], string> = {
  succeeded: '✓ ok',
  failed: '✗ failed',
  cancelled: '⊘ cancelled',
  running: '↻ running',
  queued: '… queued',
};

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> & { dataset?: Record<string, string> } = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  const { dataset, ...rest } = props;
  Object.assign(node, rest);
  if (dataset) for (const [key, value] of Object.entries(dataset)) node.dataset[key] = value;
  node.append(...children);
  return node;
}

const percent = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value * 100)}%`);
const usd = (value: number | undefined) =>
  value === undefined
    ? '–'
    : value >= 0.01 || value === 0
      ? `$${value.toFixed(2)}`
      : `$${value.toPrecision(2)}`;
const seconds = (ms: number | undefined) =>
  ms === undefined ? '–' : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60_000)} min`;

function save(): void {
  vscode.setState(state);
}

function matches(run: CompareRun, cell: CompareCell): boolean {
  const { model, template, status } = state.filter;
  return (
    (model === '' || cell.model.toLowerCase().includes(model.toLowerCase())) &&
    (template === '' || cell.template.toLowerCase().includes(template.toLowerCase())) &&
    (status === '' || run.status === status)
  );
}

function sortedModels(summaries: ModelSummary[]): string[] {
  const list = [...summaries];
  const by: Record<CompareViewState['sort'], (a: ModelSummary, b: ModelSummary) => number> = {
    model: (a, b) => (a.model < b.model ? -1 : 1),
    score: (a, b) => (b.meanScore ?? -1) - (a.meanScore ?? -1),
    cost: (a, b) => a.totalCostUsd - b.totalCostUsd,
    success: (a, b) => (b.successRate ?? -1) - (a.successRate ?? -1),
  };
  return list.sort(by[state.sort]).map((summary) => summary.model);
}

function runButton(run: CompareRun): HTMLElement {
  const selected = state.selected.includes(run.jobId);
  const parts = [`app${run.appNum}`, STATUS_WORDS[run.status]];
  if (run.score !== undefined) parts.push(`score ${percent(run.score)}`);
  if (run.costUsd !== undefined) parts.push(usd(run.costUsd));
  if (run.durationMs !== undefined) parts.push(seconds(run.durationMs));
  if (run.tokens !== undefined) parts.push(`${run.tokens.toLocaleString('en-US')} tok`);
  if (run.retries) parts.push(`${run.retries} ${run.retries === 1 ? 'retry' : 'retries'}`);
  if (run.warnings) parts.push(`${run.warnings} ⚠`);
  const button = el('button', {
    className: `run status-${run.status}${selected ? ' selected' : ''}`,
    textContent: parts.join(' · '),
    title: run.error ?? (run.warnings ? `${run.warnings} warnings: the app is incomplete` : run.appPath),
    dataset: { jobId: run.jobId },
  });
  button.setAttribute('aria-pressed', String(selected));
  button.addEventListener('click', () => toggle(run.jobId));
  button.addEventListener('dblclick', () => vscode.postMessage({ type: 'open', jobId: run.jobId }));
  button.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey))
      vscode.postMessage({ type: 'open', jobId: run.jobId });
  });
  const actions = el(
    'span',
    { className: 'actions' },
    ...(
      [
        ['open', 'Open'],
        ['reveal', 'Folder'],
        ['prompt', 'Prompt'],
        ['answer', 'Answer'],
      ] as const
    ).map(([type, label]) => {
      const action = el('button', {
        className: 'action',
        textContent: label,
        title: `${label} of app${run.appNum}`,
      });
      action.addEventListener('click', () => vscode.postMessage({ type, jobId: run.jobId }));
      return action;
    }),
  );
  return el('div', { className: 'run-line' }, button, actions);
}

function toggle(jobId: string): void {
  state.selected = state.selected.includes(jobId)
    ? state.selected.filter((id) => id !== jobId)
    : [...state.selected, jobId].slice(-2);
  save();
  render();
}

function chart(summaries: ModelSummary[], order: string[]): SVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const rowHeight = 22;
  const width = 560;
  const label = 200;
  const bar = (width - label - 20) / 2;
  // Room after each bar for its figure: "100%", and a cost such as "$0.0042" or "$123.45".
  const scoreRoom = 40;
  const costRoom = 72;
  const maxCost = Math.max(...summaries.map((s) => s.totalCostUsd), 0) || 1;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(order.length * rowHeight + 24));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Mean score and total cost per model');
  const text = (x: number, y: number, content: string, cls = 'chart-text') => {
    const node = document.createElementNS(ns, 'text');
    node.setAttribute('x', String(x));
    node.setAttribute('y', String(y));
    node.setAttribute('class', cls);
    node.textContent = content;
    svg.append(node);
  };
  text(label, 14, 'mean score', 'chart-head');
  text(label + bar + 20, 14, 'total cost', 'chart-head');
  order.forEach((model, i) => {
    const summary = summaries.find((s) => s.model === model)!;
    const y = 24 + i * rowHeight;
    text(0, y + 14, model.length > 28 ? `${model.slice(0, 27)}…` : model);
    const rect = (x: number, w: number, cls: string) => {
      const node = document.createElementNS(ns, 'rect');
      node.setAttribute('x', String(x));
      node.setAttribute('y', String(y + 3));
      node.setAttribute('width', String(Math.max(1, w)));
      node.setAttribute('height', String(rowHeight - 8));
      node.setAttribute('class', cls);
      svg.append(node);
    };
    const scoreWidth = (summary.meanScore ?? 0) * (bar - scoreRoom);
    rect(label, scoreWidth, 'bar-score');
    text(label + scoreWidth + 4, y + 14, percent(summary.meanScore));
    const costWidth = (summary.totalCostUsd / maxCost) * (bar - costRoom);
    rect(label + bar + 20, costWidth, 'bar-cost');
    text(label + bar + 24 + costWidth, y + 14, usd(summary.totalCostUsd));
  });
  return svg;
}

function render(): void {
  const root = document.getElementById('root')!;
  if (!data) {
    root.replaceChildren(el('p', { textContent: 'Loading…' }));
    return;
  }
  const order = sortedModels(data.summaries);
  const cellOf = (template: string, model: string) =>
    data!.cells.find((cell) => cell.template === template && cell.model === model);
  const head = el('tr', {}, el('th', { textContent: 'template \\ model', scope: 'col' }));
  for (const model of order) head.append(el('th', { textContent: model, scope: 'col' }));
  const rows = data.templates
    .filter((template) => template.toLowerCase().includes(state.filter.template.toLowerCase()))
    .map((template) => {
      const row = el('tr', {}, el('th', { textContent: template, scope: 'row' }));
      for (const model of order) {
        const cell = cellOf(template, model);
        const runs = cell ? cell.runs.filter((run) => matches(run, cell)) : [];
        row.append(el('td', {}, ...runs.map(runButton)));
      }
      return row;
    });
  const summaryRows = order.map((model) => {
    const s = data!.summaries.find((summary) => summary.model === model)!;
    return el(
      'tr',
      {},
      el('th', { textContent: model, scope: 'row' }),
      el('td', { textContent: `${percent(s.successRate)} (${s.succeeded}/${s.jobs})` }),
      el('td', { textContent: percent(s.meanScore) }),
      el('td', { textContent: usd(s.totalCostUsd) }),
      el('td', { textContent: seconds(s.medianDurationMs) }),
    );
  });
  const two = state.selected.length === 2;
  const diff = el('button', {
    textContent: 'Diff',
    disabled: !two,
    title: 'Diff a file of the two selected apps',
  });
  diff.addEventListener('click', () =>
    vscode.postMessage({ type: 'diff', jobIds: state.selected as [string, string] }),
  );
  const side = el('button', { textContent: 'Open Side by Side', disabled: !two });
  side.addEventListener('click', () =>
    vscode.postMessage({ type: 'sideBySide', jobIds: state.selected as [string, string] }),
  );
  const exportButton = el('button', { textContent: 'Export…' });
  exportButton.addEventListener('click', () => vscode.postMessage({ type: 'export' }));
  root.replaceChildren(
    el('h1', { textContent: data.title }),
    controls(),
    el(
      'div',
      { className: 'toolbar' },
      diff,
      side,
      exportButton,
      el('span', { className: 'hint', textContent: `${state.selected.length} of 2 selected` }),
    ),
    el('h2', { textContent: 'Per model' }),
    chart(data.summaries, order),
    el(
      'table',
      { className: 'summary' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ...['model', 'success', 'mean score', 'total cost', 'median duration'].map((t) =>
            el('th', { textContent: t, scope: 'col' }),
          ),
        ),
      ),
      el('tbody', {}, ...summaryRows),
    ),
    el('h2', { textContent: 'Templates × models' }),
    el('table', { className: 'matrix' }, el('thead', {}, head), el('tbody', {}, ...rows)),
  );
}

function controls(): HTMLElement {
  const input = (key: 'model' | 'template', placeholder: string) => {
    const node = el('input', {
      type: 'search',
      placeholder,
      value: state.filter[key],
      ariaLabel: placeholder,
    });
    node.addEventListener('input', () => {
      state.filter[key] = node.value;
      save();
      render();
      (document.querySelector(`input[placeholder="${placeholder}"]`) as HTMLInputElement | null)?.focus();
    });
    return node;
  };
  const status = el('select', { ariaLabel: 'Status' });
  for (const value of ['', 'succeeded', 'failed', 'cancelled', 'running', 'queued'])
    status.append(
      el('option', {
        value,
        textContent: value === '' ? 'any status' : value,
        selected: state.filter.status === value,
      }),
    );
  status.addEventListener('change', () => {
    state.filter.status = status.value;
    save();
    render();
  });
  const sort = el('select', { ariaLabel: 'Sort models by' });
  for (const value of ['model', 'score', 'cost', 'success'] as const)
    sort.append(el('option', { value, textContent: `sort by ${value}`, selected: state.sort === value }));
  sort.addEventListener('change', () => {
    state.sort = sort.value as CompareViewState['sort'];
    save();
    render();
  });
  return el(
    'div',
    { className: 'controls' },
    input('model', 'Filter models'),
    input('template', 'Filter templates'),
    status,
    sort,
  );
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data.type !== 'data') return;
  data = event.data.data;
  state.scope = event.data.scope;
  const known = new Set(data.cells.flatMap((cell) => cell.runs.map((run) => run.jobId)));
  state.selected = state.selected.filter((id) => known.has(id));
  save();
  render();
});
render();
vscode.postMessage({ type: 'ready' });
