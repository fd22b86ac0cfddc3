import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SETTING_NAMES, type SettingSpec, settingSpec } from '../../shared/settings';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Property {
  type: string | string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  items?: { type: string };
}
const properties = manifest.contributes.configuration.properties as Record<string, Property>;
const specs = SETTING_NAMES.map((name) => [name, settingSpec(name)] as const);

/** The JSON schema type package.json declares for a spec. */
function schemaType(spec: SettingSpec): string | string[] {
  const type = spec.type === 'string[]' ? 'array' : spec.type;
  return spec.default === null ? [type, 'null'] : type;
}

describe('the settings table (shared/settings.ts)', () => {
  it('declares exactly the settings package.json contributes', () => {
    assert.deepEqual(specs.map(([, spec]) => spec.key).sort(), Object.keys(properties).sort());
  });

  it('gives each setting the type, default and choices package.json shows', () => {
    for (const [name, spec] of specs) {
      const property = properties[spec.key];
      assert.ok(property, `${spec.key} (${name}) is not in package.json`);
      assert.deepEqual(property.type, schemaType(spec), `${spec.key}: type`);
      assert.deepEqual(property.default, spec.default, `${spec.key}: default`);
      if (spec.type === 'string[]')
        assert.deepEqual(property.items, { type: 'string' }, `${spec.key}: items`);
      assert.deepEqual(property.enum, spec.env === undefined ? spec.enum : undefined, `${spec.key}: enum`);
    }
  });

  it('accepts every number package.json lets a user enter', () => {
    for (const [, spec] of specs) {
      const property = properties[spec.key]!;
      if (spec.type !== 'integer' && spec.type !== 'number') {
        assert.equal(
          property.minimum ?? property.maximum,
          undefined,
          `${spec.key} has a range but no number`,
        );
        continue;
      }
      // The editor may suggest a narrower range than the rule (tests use 1 ms timeouts).
      assert.ok(property.minimum !== undefined && spec.min !== undefined, `${spec.key}: minimum`);
      assert.ok(property.minimum >= spec.min, `${spec.key}: package.json allows ${property.minimum}`);
      if (spec.max !== undefined) {
        assert.ok(property.maximum !== undefined, `${spec.key}: package.json has no maximum`);
        assert.ok(property.maximum <= spec.max, `${spec.key}: package.json allows ${property.maximum}`);
      }
    }
  });

  it('restricts in untrusted workspaces exactly the settings the table marks', () => {
    const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations as string[];
    assert.deepEqual(
      specs
        .filter(([, spec]) => spec.restricted)
        .map(([, spec]) => spec.key)
        .sort(),
      [...restricted].sort(),
    );
    // The key is sent to baseUrl; outputDir decides where files are written; checks run the python.
    for (const key of ['appgen.baseUrl', 'appgen.outputDir', 'appgen.checks.python']) {
      assert.ok(restricted.includes(key), key);
    }
  });

  it('keeps the public environment names, each once, and never the API key', () => {
    const envs = specs.flatMap(([, spec]) => (spec.env === undefined ? [] : [spec.env]));
    assert.equal(new Set(envs).size, envs.length);
    // Scripts and CI set these: a setting may be added, none renamed or dropped.
    for (const env of [
      'OPENROUTER_BASE_URL',
      'GENERATION_USE_QUEUE',
      'GENERATION_MAX_CONCURRENT',
      'GENERATION_LOCK_TIMEOUT_MS',
      'OPENROUTER_MAX_RETRIES',
      'OPENROUTER_BACKOFF_BASE_MS',
      'OPENROUTER_TIMEOUT_MS',
      'OPENROUTER_MAX_RESPONSE_BYTES',
      'APPGEN_OUTPUT_DIR',
      'APPGEN_CHECKS_STATIC',
      'APPGEN_PYTHON',
      'APPGEN_CHECKS_CONCURRENCY',
      'APPGEN_CHECKS_TIMEOUT_MS',
    ]) {
      assert.ok(envs.includes(env), `${env} is gone`);
    }
    assert.ok(!envs.includes('OPENROUTER_API_KEY'));
    assert.ok(!SETTING_NAMES.some((name) => /apikey|secret/i.test(name)));
  });

  it('is listed in the README settings table, by key and environment name', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Settings and environment'));
    const table = section.slice(0, section.indexOf('\n## '));
    for (const [, spec] of specs) {
      assert.ok(table.includes(`\`${spec.key}\``), `${spec.key} is not in the README`);
      if (spec.env !== undefined)
        assert.ok(table.includes(`| \`${spec.env}\` |`), `${spec.env} is not in the README`);
    }
  });
});
