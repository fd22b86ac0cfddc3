import { strict as assert } from 'node:assert';
import { ensureExportDefault } from '../../../daemon/merger/export-default';

describe('ensureExportDefault', () => {
  it('appends a default export of App when the file defines App without exporting it', () => {
    assert.equal(
      ensureExportDefault('function App() {\n  return null;\n}\n'),
      'function App() {\n  return null;\n}\n\nexport default App;\n',
    );
    assert.match(ensureExportDefault('const App = () => <div />;'), /\n\nexport default App;\n$/);
    assert.match(ensureExportDefault('export function App() {}\n'), /export default App;\n$/);
    assert.match(ensureExportDefault('class App extends React.Component {}\n'), /export default App;\n$/);
  });

  it('falls back to the first capitalised component', () => {
    const source =
      'const helper = () => 1;\nfunction TodoPage() {\n  return <Item />;\n}\nfunction Item() {}\n';
    assert.match(ensureExportDefault(source), /export default TodoPage;\n$/);
  });

  it('leaves a file that already has a default export alone', () => {
    for (const source of [
      'export default function App() {}\n',
      'function App() {}\nexport default App;\n',
      'function App() {}\nexport { App as default };\n',
      'module.exports = App;\n',
    ]) {
      assert.equal(ensureExportDefault(source), source);
    }
  });

  it('leaves a file without any component alone', () => {
    assert.equal(ensureExportDefault('const x = 1;\n'), 'const x = 1;\n');
  });

  it('gets through a line built to make pattern matching backtrack', () => {
    const source = `function ${' '.repeat(100_000)}x`;
    assert.equal(ensureExportDefault(source), source);
  });
});
