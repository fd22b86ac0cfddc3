import { strict as assert } from 'node:assert';
import {
  detectComponent,
  endpointsIn,
  modelFlavor,
  simulatedReply,
} from '../../../daemon/simulator/simulated-reply';

const backendPrompt = [
  { role: 'system', content: 'You are an expert Flask developer. Write the backend.' },
  {
    role: 'user',
    content:
      'Build a todo app. Endpoints:\n- GET /api/todos\n- POST /api/todos\n- DELETE /api/todos/<int:id>',
  },
];

const frontendPrompt = [
  { role: 'system', content: 'You are an expert React developer. Write the frontend.' },
  { role: 'user', content: 'The Flask backend exposes:\n- GET /api/todos\n- POST /api/todos' },
];

describe('simulated replies', () => {
  it('tells a frontend prompt from a backend prompt by the system prompt first', () => {
    assert.equal(detectComponent(backendPrompt), 'backend');
    assert.equal(detectComponent(frontendPrompt), 'frontend');
  });

  it('goes by the first mention, so a frontend prompt that talks about the backend stays frontend', () => {
    const chatty = [
      {
        role: 'system',
        content:
          'You are a senior React engineer. Call the existing Flask backend; the backend routes are given; ' +
          'never guess backend paths; the backend answers JSON.',
      },
      { role: 'user', content: 'Write the React frontend.' },
    ];
    assert.equal(detectComponent(chatty), 'frontend');
    assert.equal(
      detectComponent([{ role: 'user', content: 'Write the Flask backend; a React frontend follows.' }]),
      'backend',
    );
    assert.equal(detectComponent([{ role: 'user', content: 'Hello' }]), 'backend');
  });

  it('reads method lists such as "GET, POST /api/x"', () => {
    assert.deepEqual(
      endpointsIn([{ role: 'user', content: '- GET, POST /api/books\n- DELETE /api/books/<id>' }]),
      [
        { method: 'GET', path: '/api/books' },
        { method: 'POST', path: '/api/books' },
        { method: 'DELETE', path: '/api/books/<id>' },
      ],
    );
  });

  it('runs the backend on the port the prompt names', () => {
    const reply = simulatedReply(
      [{ role: 'user', content: 'Run on port int(os.environ.get("BACKEND_PORT", 5123)) with Flask.' }],
      'x/y',
    );
    assert.match(reply, /os\.environ\.get\('BACKEND_PORT', '5123'\)/);
  });

  it('finds the endpoints a prompt names, without duplicates', () => {
    assert.deepEqual(endpointsIn(backendPrompt), [
      { method: 'GET', path: '/api/todos' },
      { method: 'POST', path: '/api/todos' },
      { method: 'DELETE', path: '/api/todos/<int:id>' },
    ]);
  });

  it('answers a backend prompt with a Flask app.py holding a health route and the named routes', () => {
    const reply = simulatedReply(backendPrompt, 'acme/model-a');
    assert.match(reply, /```python[ :]app\.py\n/);
    assert.match(reply, /from flask import Flask/);
    assert.match(reply, /from flask_cors import CORS/);
    assert.match(reply, /@app\.route\('\/api\/health'/);
    assert.match(reply, /@app\.route\('\/api\/todos', methods=\['POST'\]\)/);
    assert.match(
      reply,
      /@app\.route\('\/api\/todos\/<int:id>', methods=\['DELETE'\]\)\ndef delete_api_todos_int_id\(id\):/,
    );
    assert.match(reply, /```python config\.py\n/);
    assert.match(reply, /acme\/model-a/);
  });

  it('answers a frontend prompt with a React App.jsx using axios, and a component file', () => {
    const reply = simulatedReply(frontendPrompt, 'acme/model-a');
    assert.match(reply, /```jsx[ :]src\/App\.jsx\n/);
    assert.match(reply, /import axios from 'axios';/);
    assert.match(reply, /export default function App\(\)/);
    assert.match(reply, /\/api\/todos/);
    assert.match(reply, /```jsx src\/components\/ItemList\.jsx\n/);
  });

  it('closes every code fence it opens', () => {
    for (const reply of [simulatedReply(backendPrompt, 'x/y'), simulatedReply(frontendPrompt, 'x/y')]) {
      assert.equal((reply.match(/^```/gm) ?? []).length % 2, 0);
    }
  });

  it('writes differently for different models', () => {
    assert.notEqual(simulatedReply(backendPrompt, 'acme/one'), simulatedReply(backendPrompt, 'acme/two'));
    const flavors = new Set(['a/1', 'a/2', 'a/3', 'a/4', 'a/5', 'a/6'].map(modelFlavor));
    assert.deepEqual([...flavors].sort(), [0, 1], 'both info-string forms are in use');
  });

  it('writes the example bodies of a specified endpoint into app.py, and serves it by them', () => {
    const content = [
      '### POST /api/notes',
      'Create a note',
      'Request body (example):',
      '```json',
      '{"title": "Meeting"}',
      '```',
      'Response body (example):',
      '```json',
      '{"id": 5, "title": "Meeting", "pinned": false}',
      '```',
    ].join('\n');
    const reply = simulatedReply(
      [{ role: 'user', content: `Write the Flask backend.\n\n${content}` }],
      'x/y',
    );
    assert.match(reply, /^POST_API_NOTES_FIELDS = \{"title": "Meeting"\}$/m);
    assert.match(reply, /^POST_API_NOTES_EXAMPLE = \{"id": 5, "title": "Meeting", "pinned": False\}$/m);
    assert.match(reply, /data = json_body\(POST_API_NOTES_FIELDS\)\n/);
    assert.match(reply, /return jsonify\(shape\(POST_API_NOTES_EXAMPLE, note\)\), 201\n/);
  });

  it('invents a small resource when the prompt names no endpoints', () => {
    const reply = simulatedReply([{ role: 'user', content: 'Write a Flask backend.' }], 'x/y');
    assert.match(reply, /'\/api\/items'/);
  });
});
