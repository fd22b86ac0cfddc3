import * as assert from 'node:assert/strict';
import { answerMarkdown, answerText, promptMarkdown } from '../../../extension/artifact-text';

describe('artifact text', () => {
  it('assembles a streamed answer from its deltas, ignoring keep-alives and the end marker', () => {
    const raw = [
      ': OPENROUTER PROCESSING',
      '',
      'data: {"choices":[{"delta":{"content":"Here is "}}]}',
      '',
      'data: {"choices":[{"delta":{"content":"`app.py`:"}}]}',
      'data: {"choices":[{"delta":{}}],"usage":{"prompt_tokens":1}}',
      'data: [DONE]',
    ].join('\n');
    assert.deepEqual(answerText(raw), { text: 'Here is `app.py`:' });
  });

  it('reads a JSON answer, and says the error a stream ended with', () => {
    assert.equal(answerText('{"choices":[{"message":{"content":"hello"}}]}').text, 'hello');
    const cut = 'data: {"choices":[{"delta":{"content":"par"}}]}\ndata: {"error":{"message":"overloaded"}}\n';
    assert.match(
      answerMarkdown('Answer', cut),
      /^# Answer\n\npar\n\n> The server reported an error: overloaded\n$/,
    );
  });

  it('shows each message of the prompt under its role, fenced so its own fences stay text', () => {
    const request = JSON.stringify({
      model: 'sim/alpha',
      temperature: 0.2,
      messages: [
        { role: 'system', content: 'You write Flask apps.' },
        { role: 'user', content: 'Use ```python fences```.' },
      ],
    });
    const text = promptMarkdown('Prompt', request);
    assert.match(text, /^Model: `sim\/alpha`$/m);
    assert.match(text, /## system\n\n```text\nYou write Flask apps\.\n```/);
    assert.match(text, /## user\n\n````text\nUse ```python fences```\.\n````/);
  });
});
