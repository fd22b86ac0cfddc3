import { strict as assert } from 'node:assert';
import { scanFences } from '../../../daemon/merger/fence-scanner';

describe('scanFences', () => {
  it('finds a backtick block with its info string and body', () => {
    const scan = scanFences('Intro\n\n```python app.py\nprint(1)\n```\nOutro\n');
    assert.deepEqual(scan.blocks, [{ info: 'python app.py', content: 'print(1)\n', line: 3, lead: 'Intro' }]);
    assert.equal(scan.unclosed, undefined);
  });

  it('finds tilde blocks', () => {
    const scan = scanFences('~~~js\nlet a;\n~~~\n');
    assert.deepEqual(scan.blocks, [{ info: 'js', content: 'let a;\n', line: 1 }]);
  });

  it('finds several blocks in order and ignores the prose between them', () => {
    const scan = scanFences('a\n```\none\n```\nprose ``` inline\n```js\ntwo\n```\n');
    assert.deepEqual(
      scan.blocks.map((b) => b.content),
      ['one\n', 'two\n'],
    );
  });

  it('closes only on a fence at least as long as the opener, so a longer fence can carry inner fences', () => {
    const readme = '# Usage\n```bash\nnpm start\n```\n';
    const scan = scanFences(`\`\`\`\`markdown README.md\n${readme}\`\`\`\`\n`);
    assert.equal(scan.blocks.length, 1);
    assert.equal(scan.blocks[0]!.content, readme);
  });

  it('accepts a closing fence longer than the opener', () => {
    const scan = scanFences('```\nx\n`````\n');
    assert.equal(scan.blocks[0]!.content, 'x\n');
    assert.equal(scan.unclosed, undefined);
  });

  it('does not close a backtick block with tildes or the other way round', () => {
    const scan = scanFences('~~~\n```\n~~~\n');
    assert.equal(scan.blocks[0]!.content, '```\n');
  });

  it('does not close on a fence line that carries an info string', () => {
    const scan = scanFences('```python\n```js\n```\n');
    assert.equal(scan.blocks[0]!.content, '```js\n');
  });

  it('reports an unclosed block with what it had so far', () => {
    const scan = scanFences('text\n```python\ndef f():\n    return 1\n');
    assert.deepEqual(scan.blocks, []);
    assert.deepEqual(scan.unclosed, {
      info: 'python',
      content: 'def f():\n    return 1\n',
      line: 2,
      lead: 'text',
    });
  });

  it('reports an unclosed block when the text ends without a newline', () => {
    const scan = scanFences('```js\nconst a = 1');
    assert.equal(scan.unclosed?.content, 'const a = 1\n');
  });

  it('removes the indentation of an indented fence from the body', () => {
    const scan = scanFences('1. Create it:\n\n    ```python\n    def f():\n        return 1\n    ```\n');
    assert.equal(scan.blocks[0]!.content, 'def f():\n    return 1\n');
  });

  it('does not end a block at a deeply indented fence-like line inside the code', () => {
    const code = 'def doc():\n    """\n        ```\n    """\n';
    const scan = scanFences(`\`\`\`python\n${code}\`\`\`\n`);
    assert.equal(scan.blocks[0]!.content, code);
  });

  it('needs at least three fence characters', () => {
    assert.deepEqual(scanFences('``js\nx\n``\n').blocks, []);
  });

  it('does not open a backtick fence whose info string holds a backtick', () => {
    assert.deepEqual(scanFences('```js` inline\nx\n').blocks, []);
    assert.equal(scanFences('```js` inline\nx\n').unclosed, undefined);
  });

  it('reads CRLF text and keeps \\n line ends in bodies', () => {
    const scan = scanFences('```js\r\nconst a = 1;\r\nconst b = 2;\r\n```\r\n');
    assert.equal(scan.blocks[0]!.content, 'const a = 1;\nconst b = 2;\n');
  });

  it('keeps blank lines inside a body and gives an empty block an empty body', () => {
    assert.equal(scanFences('```\na\n\n\nb\n```').blocks[0]!.content, 'a\n\n\nb\n');
    assert.equal(scanFences('```\n```').blocks[0]!.content, '');
  });

  it('handles a text of nothing but fence lines', () => {
    const scan = scanFences('```\n'.repeat(10_001));
    assert.equal(scan.blocks.length, 5000);
    assert.equal(scan.unclosed?.content, '');
  });

  describe('the prose line before a block', () => {
    it('gives each block the last non-blank prose line since the previous block, trimmed', () => {
      const scan = scanFences(
        '# Title\n\nFirst:\n\n```python\na\n```\n```js\nb\n```\n  Then `c.js`:  \r\n```js\nc\n```\n',
      );
      assert.deepEqual(
        scan.blocks.map((b) => b.lead),
        ['First:', undefined, 'Then `c.js`:'],
      );
    });

    it('does not count lines inside blocks as prose', () => {
      const scan = scanFences('### a.py\n```python\n### b.py\n```\n```python\nx\n```\n');
      assert.equal(scan.blocks[1]!.lead, undefined);
    });
  });

  describe('think sections', () => {
    it('leaves out blocks inside <think>...</think>, even an unclosed fence there', () => {
      const text =
        '<think>\nDraft:\n```python app.py\ndraft\n```\nand\n```python\nnever closed\n</think>\n\n### models.py\n```python\nreal\n```\n';
      const scan = scanFences(text);
      assert.deepEqual(scan.blocks, [{ info: 'python', content: 'real\n', line: 12, lead: '### models.py' }]);
      assert.equal(scan.unclosed, undefined);
    });

    it('counts what follows a closing tag on its line as prose, and numbers lines through the section', () => {
      const scan = scanFences('<thinking>\na\nb\n</thinking> Here is `x.py`:\n```python\nx\n```\n');
      assert.deepEqual(scan.blocks, [{ info: 'python', content: 'x\n', line: 5, lead: 'Here is `x.py`:' }]);
    });

    it('reads a section opened and closed on one line', () => {
      const scan = scanFences('<think>short</think>\n```python\nx\n```\n');
      assert.equal(scan.blocks.length, 1);
      assert.equal(scan.blocks[0]!.lead, undefined);
    });

    it('treats everything after an unclosed <think> as think', () => {
      const scan = scanFences('```python\nkept\n```\n<think>\n```python\ndraft\n```\n```js\nopen');
      assert.deepEqual(
        scan.blocks.map((b) => b.content),
        ['kept\n'],
      );
      assert.equal(scan.unclosed, undefined);
    });

    it('treats everything before a first closing tag without an opening one as think', () => {
      const scan = scanFences('reasoning\n```python\ndraft\n```\n</think>\n\n```python\nreal\n```\n');
      assert.deepEqual(
        scan.blocks.map((b) => b.content),
        ['real\n'],
      );
    });

    it('keeps the answer when a stray closing tag follows a closed section', () => {
      const scan = scanFences('<think>a</think>\n```python\nreal\n```\n</think>\n');
      assert.equal(scan.blocks.length, 1);
    });

    it('does not open a section for a tag inside a block or in the middle of a line', () => {
      const scan = scanFences('```python\n<think>\n```\nSay <think> here:\n```js\nx\n```\n');
      assert.deepEqual(
        scan.blocks.map((b) => b.content),
        ['<think>\n', 'x\n'],
      );
    });

    it('stays linear on many open tags without a close and on many short sections', () => {
      assert.deepEqual(scanFences('<think>\n'.repeat(200_000)).blocks, []);
      assert.equal(scanFences('<think></think>\n```\nx\n```\n'.repeat(50_000)).blocks.length, 50_000);
    });
  });
});
