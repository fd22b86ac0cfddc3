import { strict as assert } from 'node:assert';
import { scanFences } from '../../../daemon/merger/fence-scanner';

describe('scanFences', () => {
  it('finds a backtick block with its info string and body', () => {
    const scan = scanFences('Intro\n\n```python app.py\nprint(1)\n```\nOutro\n');
    assert.deepEqual(scan.blocks, [{ info: 'python app.py', content: 'print(1)\n', line: 3 }]);
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
    assert.deepEqual(scan.unclosed, { info: 'python', content: 'def f():\n    return 1\n', line: 2 });
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
});
