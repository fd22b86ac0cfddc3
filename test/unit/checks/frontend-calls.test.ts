// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests hold JavaScript source, and the URLs it calls, as text
import { strict as assert } from 'node:assert';
import { type FrontendCall, frontendCalls, showPath } from '../../../daemon/checks/frontend-calls';
import { parseJavaScript } from '../../../daemon/checks/js-syntax';

function callsIn(files: Record<string, string>): Pick<FrontendCall, 'method' | 'path' | 'via' | 'line'>[] {
  const parsed = Object.entries(files).map(([file, source]) => {
    const result = parseJavaScript(file, source);
    if (!result.ok) throw new Error(result.finding.message);
    return { file, program: result.program };
  });
  return frontendCalls(parsed).map(({ method, path, via, line }) => ({
    ...(method ? { method } : {}),
    path: showPath(path),
    via,
    line,
  }));
}

describe('frontendCalls', () => {
  it('reads fetch with its method, and literal or template URLs', () => {
    const source = [
      "fetch('/api/todos');",
      'fetch(`/api/todos/${id}`, { method: "PATCH", body });',
      "window.fetch('/api/todos/' + id, { method: 'delete' });",
      'fetch(url);',
      "fetch('https://example.com/api/weather');",
      "fetch('/static/logo.svg');",
    ].join('\n');
    assert.deepEqual(callsIn({ 'frontend/src/a.js': source }), [
      { method: 'GET', path: '/api/todos', via: 'fetch', line: 1 },
      { method: 'PATCH', path: '/api/todos/${...}', via: 'fetch', line: 2 },
      { method: 'DELETE', path: '/api/todos/${...}', via: 'fetch', line: 3 },
      { method: 'GET', path: '/api/weather', via: 'fetch', line: 5 },
    ]);
  });

  it('leaves the method unknown when the options choose it at run time', () => {
    const source =
      "fetch('/api/todos', options);\nfetch('/api/todos', { method: verb });\nfetch('/api/x', { ...init });";
    assert.deepEqual(
      callsIn({ 'frontend/src/a.js': source }).map((call) => call.method),
      [undefined, undefined, undefined],
    );
  });

  it('reads axios, its method shortcuts, its config form and instances with a baseURL', () => {
    const api = [
      "import axios from 'axios';",
      "const API = import.meta.env.VITE_API_URL || '/api';",
      'export const client = axios.create({ baseURL: API });',
    ].join('\n');
    const app = [
      "axios.get('/api/todos');",
      "axios.post('/api/todos', { title });",
      "axios({ url: '/api/todos/completed', method: 'delete' });",
      "axios('/api/todos');",
      'client.put(`/todos/${todo.id}`, todo);',
      "client.request({ url: '/tags' });",
      "other.get('/api/nothing');",
    ].join('\n');
    assert.deepEqual(callsIn({ 'frontend/src/api.js': api, 'frontend/src/App.jsx': app }), [
      { method: 'GET', path: '/api/todos', via: 'axios.get', line: 1 },
      { method: 'POST', path: '/api/todos', via: 'axios.post', line: 2 },
      { method: 'DELETE', path: '/api/todos/completed', via: 'axios', line: 3 },
      { method: 'GET', path: '/api/todos', via: 'axios', line: 4 },
      { method: 'PUT', path: '/api/todos/${...}', via: 'client.put', line: 5 },
      { method: 'GET', path: '/api/tags', via: 'client.request', line: 6 },
    ]);
  });

  it('fills in constants, takes an unknown base before /api as the origin, and strips a full origin', () => {
    const source = [
      "const API_BASE = 'http://localhost:5000';",
      "const PREFIX = '/api/notes';",
      'fetch(`${API_BASE}/api/todos`);',
      'fetch(`${PREFIX}/${id}/tags`);',
      'fetch(`${process.env.URL}/api/tags`);',
      'fetch(`${somewhere}/todos`);',
    ].join('\n');
    assert.deepEqual(
      callsIn({ 'frontend/src/a.js': source }).map((call) => call.path),
      ['/api/todos', '/api/notes/${...}/tags', '/api/tags'],
    );
  });

  it('leaves a name bound to two different values unknown', () => {
    const a = "const BASE = '/api/a';\nfetch(`${BASE}/x`);";
    const b = "const BASE = '/api/b';";
    assert.deepEqual(callsIn({ 'frontend/src/a.js': a, 'frontend/src/b.js': b }), []);
  });
});

describe('parseJavaScript', () => {
  it('parses modern JavaScript and JSX', () => {
    const source = [
      "import { useState } from 'react';",
      'export default function App() {',
      '  const [items] = useState([]);',
      '  const first = items?.[0] ?? null;',
      '  return <ul>{items.map((i) => <li key={i.id}>{i.title}</li>)}<>{first}</></ul>;',
      '}',
      'await Promise.resolve();',
    ].join('\n');
    assert.ok(parseJavaScript('frontend/src/App.jsx', source).ok);
  });

  it('reports the file, line, column and message of a syntax error', () => {
    const result = parseJavaScript(
      'frontend/src/App.jsx',
      'const a = 1;\nconst b = <label><input /></span>;\n',
    );
    assert.ok(!result.ok);
    assert.deepEqual(result.finding, {
      kind: 'js_syntax',
      severity: 'error',
      file: 'frontend/src/App.jsx',
      line: 2,
      column: 27,
      message: 'Expected corresponding JSX closing tag for <label>',
    });
  });

  it('reads .cjs files as scripts', () => {
    assert.ok(parseJavaScript('frontend/postcss.config.cjs', 'module.exports = { plugins: {} };').ok);
  });
});
