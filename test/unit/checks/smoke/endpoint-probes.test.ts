import assert from 'node:assert/strict';
import {
  encodeRequest,
  endpointProblem,
  promisedErrorStatuses,
} from '../../../../daemon/checks/smoke/endpoint-probes';
import { errorAnswerProblem } from '../../../../daemon/checks/smoke/error-convention-probes';
import type { HttpAnswer } from '../../../../daemon/checks/smoke/probe-http';
import type { TemplateEndpoint } from '../../../../daemon/templates/template';

const todo = { id: 2, title: 'Buy milk', done: false };
const getTodo: TemplateEndpoint = {
  method: 'GET',
  path: '/api/todos/<id>',
  description: 'One todo',
  request: null,
  response: todo,
};

function answer(status: number | undefined, body: string, type = 'application/json'): HttpAnswer {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    value = undefined;
  }
  return { status, headers: { 'content-type': type }, body, json: value !== undefined, value };
}

describe('smoke endpoint probes', () => {
  const validateStep: TemplateEndpoint = {
    method: 'POST',
    path: '/api/validate/<step>',
    description: 'Validate one step (1, 2 or 3); 200 when valid, 422 with field messages otherwise',
    request: { full_name: 'Ada Lovelace', email: 'ada@example' },
    response: { valid: false, error: 'Please correct the highlighted fields', fields: { email: 'x' } },
  };

  it('takes the 4xx an endpoint promises for an example that is an error answer', () => {
    assert.deepEqual([...promisedErrorStatuses(validateStep)], [422]);
    const invalid = JSON.stringify({
      valid: false,
      error: 'Fix it',
      fields: { email: 'Enter a valid email' },
    });
    assert.equal(endpointProblem(validateStep, answer(422, invalid)), undefined);
    assert.equal(endpointProblem(validateStep, answer(200, invalid)), undefined);
    assert.equal(endpointProblem(validateStep, answer(400, invalid)), 'answered 400');
    assert.equal(
      endpointProblem(validateStep, answer(422, '{"error":"bad"}')),
      "answered 422 but 'valid' is missing",
    );
    assert.equal(
      endpointProblem(validateStep, answer(422, '<p>no</p>', 'text/html')),
      'answered 422 with a body that is not JSON',
    );
  });

  it('promises no error status for an example that is not an error, whatever its description says', () => {
    const create = { ...getTodo, method: 'POST', description: 'Create a todo; 422 when the title is empty' };
    assert.deepEqual([...promisedErrorStatuses(create)], []);
    assert.equal(endpointProblem(create, answer(422, JSON.stringify({ error: 'x' }))), 'answered 422');
  });

  it('asks for 2xx and the example shape', () => {
    assert.equal(endpointProblem(getTodo, answer(200, JSON.stringify(todo))), undefined);
    assert.equal(endpointProblem(getTodo, answer(404, '{"error":"x"}')), 'answered 404');
    assert.equal(
      endpointProblem(getTodo, answer(200, '<p>hi</p>', 'text/html')),
      'answered 200 with a body that is not JSON',
    );
    assert.equal(endpointProblem(getTodo, answer(200, '{"id":2}')), "answered 200 but 'title' is missing");
    assert.equal(
      endpointProblem(getTodo, { headers: {}, body: '', json: false, error: 'connect ECONNREFUSED' }),
      'no answer (connect ECONNREFUSED)',
    );
  });

  it('takes a redirect only where the endpoint is described as one, and a file or stream by status', () => {
    const redirect = { ...getTodo, description: 'Redirect (302) to the target URL' };
    const moved: HttpAnswer = {
      status: 302,
      headers: { location: 'https://example.com' },
      body: '',
      json: false,
    };
    assert.equal(endpointProblem(redirect, moved), undefined);
    assert.equal(endpointProblem(getTodo, moved), 'answered 302 (a redirect)');
    const file = { ...getTodo, response: { body: '<binary image>' } };
    assert.equal(endpointProblem(file, answer(200, '\x89PNG', 'image/png')), undefined);
    assert.equal(endpointProblem(getTodo, answer(200, 'event: message\n', 'text/event-stream')), undefined);
  });

  it('sends the example request as JSON, or as a multipart form with a PNG for a file field', () => {
    const json = encodeRequest({ ...getTodo, method: 'POST', request: { title: 'Buy milk' } })!;
    assert.equal(json.headers['content-type'], 'application/json');
    assert.equal(json.body, '{"title":"Buy milk"}');
    const form = encodeRequest({
      method: 'POST',
      path: '/api/images',
      description: 'Upload one image (multipart/form-data, field file)',
      request: { file: '<binary image>', caption: 'Sunset' },
      response: null,
    })!;
    const boundary = /boundary=(\S+)/.exec(form.headers['content-type']!)![1]!;
    const text = Buffer.from(form.body).toString('latin1');
    assert.match(
      text,
      new RegExp(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="probe.png"`),
    );
    assert.ok(text.includes('\x89PNG\r\n'));
    assert.match(text, /name="caption"\r\n\r\nSunset\r\n/);
    assert.equal(form.shown, 'multipart form: file=probe.png (a 1x1 PNG), caption=Sunset');
    assert.equal(encodeRequest(getTodo), undefined);
  });

  it('asks errors for a 4xx (or 404) JSON body without a traceback', () => {
    assert.equal(errorAnswerProblem(answer(400, '{"error":"bad json"}'), '4xx'), undefined);
    assert.equal(errorAnswerProblem(answer(500, '{"error":"x"}'), '4xx'), 'answered 500, not a 4xx error');
    assert.equal(
      errorAnswerProblem(answer(400, '<!doctype html><title>400 Bad Request</title>', 'text/html'), '4xx'),
      'answered 400 with HTML, not a JSON error',
    );
    assert.equal(errorAnswerProblem(answer(400, '{"error":"x"}'), 404), 'answered 400, not 404');
    assert.match(
      errorAnswerProblem(
        answer(404, 'Traceback (most recent call last):\n  File "app.py"', 'text/plain'),
        404,
      )!,
      /with a traceback/,
    );
  });
});
