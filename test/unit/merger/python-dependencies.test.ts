import { strict as assert } from 'node:assert';
import { normaliseDistributionName, pythonDistribution } from '../../../daemon/merger/python-distributions';
import { pythonImportStatements, pythonImports } from '../../../daemon/merger/python-imports';
import { addRequirements, listedRequirements } from '../../../daemon/merger/requirements-file';

describe('pythonImports', () => {
  it('lists the top-level modules of import and from-import statements in order', () => {
    const source = [
      'import os',
      'import flask_cors, jwt as pyjwt',
      'import xml.etree.ElementTree as ET',
      'from flask import Flask, jsonify',
      'from sqlalchemy.orm import Session',
      '    import yaml  # inside a function',
      'import os',
    ].join('\n');
    assert.deepEqual(pythonImports(source), [
      'os',
      'flask_cors',
      'jwt',
      'xml',
      'flask',
      'sqlalchemy',
      'yaml',
    ]);
  });

  it('skips relative imports', () => {
    assert.deepEqual(
      pythonImports('from . import models\nfrom .models import Todo\nfrom ..x import y\n'),
      [],
    );
  });

  it('reads parenthesised, semicolon-separated and backslash-continued imports', () => {
    const source = 'from flask import (\n    Flask,\n)\nimport a; import b\nimport c, \\\n    d\n';
    assert.deepEqual(pythonImports(source), ['flask', 'a', 'b', 'c', 'd']);
  });

  it('ignores imports inside triple-quoted strings and comments', () => {
    const source = [
      '"""Example:',
      'import requests',
      '"""',
      "doc = '''",
      'from bs4 import BeautifulSoup',
      "'''",
      '# import numpy',
      'x = 1  # import pandas',
      'import flask',
    ].join('\n');
    assert.deepEqual(pythonImports(source), ['flask']);
  });

  it('does not take prose or other code for imports', () => {
    assert.deepEqual(pythonImports('print("import this")\nimportant = 1\nfromage = 2\n'), []);
  });

  it('reads CRLF sources', () => {
    assert.deepEqual(pythonImports('import flask\r\nfrom jwt import encode\r\n'), ['flask', 'jwt']);
  });
});

describe('pythonDistribution', () => {
  it('maps import names to their distribution names', () => {
    const expected: Record<string, string> = {
      flask: 'Flask',
      flask_cors: 'Flask-Cors',
      flask_sqlalchemy: 'Flask-SQLAlchemy',
      jwt: 'PyJWT',
      yaml: 'PyYAML',
      PIL: 'Pillow',
      dotenv: 'python-dotenv',
      bcrypt: 'bcrypt',
      bs4: 'beautifulsoup4',
      requests: 'requests',
    };
    for (const [module, distribution] of Object.entries(expected))
      assert.equal(pythonDistribution(module), distribution);
  });

  it('assumes an unknown module is distributed under its own name', () => {
    assert.equal(pythonDistribution('humanize'), 'humanize');
  });

  it('needs nothing for the standard library or packages Flask installs', () => {
    for (const module of [
      'os',
      'sys',
      'json',
      'sqlite3',
      'datetime',
      'typing',
      'dataclasses',
      'uuid',
      'asyncio',
      'zoneinfo',
    ]) {
      assert.equal(pythonDistribution(module), undefined, module);
    }
    for (const module of ['werkzeug', 'jinja2', 'itsdangerous', 'click', 'markupsafe']) {
      assert.equal(pythonDistribution(module), undefined, module);
    }
  });

  it('is not fooled by names of object properties', () => {
    assert.equal(pythonDistribution('constructor'), 'constructor');
    assert.equal(pythonDistribution('__proto__'), '__proto__');
  });
});

describe('normaliseDistributionName', () => {
  it('compares names in PEP 503 normal form', () => {
    assert.equal(normaliseDistributionName('Flask_Cors'), normaliseDistributionName('flask-cors'));
    assert.equal(normaliseDistributionName('zope.interface'), 'zope-interface');
  });
});

describe('addRequirements', () => {
  it('appends missing distributions, one per line, keeping existing lines', () => {
    assert.equal(addRequirements('flask==3.0.0\n', ['Flask', 'PyJWT']), 'flask==3.0.0\nPyJWT\n');
  });

  it('does not duplicate a requirement listed in another case, spelling or with a version', () => {
    const current = 'FLASK>=2\nflask_cors ~= 4.0\nPyYAML[extra]==6.0 ; python_version > "3"\n';
    assert.equal(addRequirements(current, ['Flask', 'Flask-Cors', 'PyYAML']), undefined);
  });

  it('counts editable and URL requirements as listed', () => {
    const current = '-e git+https://example.com/repo.git#egg=PyJWT\nbcrypt @ https://example.com/b.whl\n';
    assert.equal(addRequirements(current, ['PyJWT', 'bcrypt']), undefined);
  });

  it('ignores comments and options when reading what is listed', () => {
    const current = '# flask is needed\n-r base.txt\n--index-url https://example.com\n';
    assert.equal(addRequirements(current, ['Flask']), `${current}Flask\n`);
  });

  it('adds a newline before appending to a file without a final newline', () => {
    assert.equal(addRequirements('requests', ['Flask']), 'requests\nFlask\n');
  });

  it('starts a file when there is none', () => {
    assert.equal(addRequirements(undefined, ['Flask', 'Flask-Cors']), 'Flask\nFlask-Cors\n');
  });

  it('adds each distribution once', () => {
    assert.equal(addRequirements('', ['Flask', 'flask', 'FLASK']), 'Flask\n');
  });
});

describe('listedRequirements', () => {
  it('reads CRLF files', () => {
    assert.deepEqual([...listedRequirements('Flask==3\r\nrequests\r\n')], ['flask', 'requests']);
  });
});

describe('pythonImportStatements', () => {
  it('gives each statement its level, module, names and line', () => {
    const source = [
      'import os, xml.etree.ElementTree as ET',
      'from flask import Flask, jsonify as j',
      'from . import models, routes',
      'from .services.todo import (',
      '    create,  # makes one',
      '    remove,',
      ')',
      'def f():',
      '    from ..config import DEBUG',
      'from x import *',
    ].join('\n');
    assert.deepEqual(pythonImportStatements(source), [
      { level: 0, module: 'os', names: [], line: 1 },
      { level: 0, module: 'xml.etree.ElementTree', names: [], line: 1 },
      { level: 0, module: 'flask', names: ['Flask', 'jsonify'], line: 2 },
      { level: 1, module: '', names: ['models', 'routes'], line: 3 },
      { level: 1, module: 'services.todo', names: ['create', 'remove'], line: 4 },
      { level: 2, module: 'config', names: ['DEBUG'], line: 9 },
      { level: 0, module: 'x', names: [], line: 10 },
    ]);
  });

  it('does not swallow imports after a call that leaves a parenthesis open', () => {
    const source = 'module = importlib.import_module(\n    "x"\n)\nimport json\n';
    assert.deepEqual(
      pythonImportStatements(source).map((s) => s.module),
      ['json'],
    );
  });

  it('gives up on a parenthesised list that never closes, and stays linear', () => {
    const source = `from x import (\n${'    a,\n'.repeat(100_000)}import json\n`;
    const before = process.cpuUsage();
    const statements = pythonImportStatements(source);
    const used = process.cpuUsage(before);
    assert.ok(used.user + used.system < 2_000_000, 'well under the quadratic time of re-reading the list');
    assert.equal(statements[0]!.module, 'x');
  });
});
