import { strict as assert } from 'node:assert';
import { storedJobPlaceProblem } from '../../daemon/stored-job-place';

const ROW = {
  id: 'j-7f3a',
  model: 'openai/gpt-4o',
  modelSlug: 'openai_gpt-4o',
  appNum: 3,
  appPath: 'generated/apps/openai_gpt-4o/app3',
};

describe('storedJobPlaceProblem', () => {
  it('takes a row as AppGen writes it, under any good output folder', () => {
    assert.equal(storedJobPlaceProblem(ROW), undefined);
    assert.equal(storedJobPlaceProblem({ ...ROW, appPath: 'out/openai_gpt-4o/app3' }), undefined);
  });

  for (const [what, patch, pattern] of [
    ['a model folder that climbs out', { modelSlug: '../../../outside/victim' }, /model folder/],
    ['a model folder not its model', { modelSlug: 'other' }, /is not the folder name of its model/],
    ['an app path outside the workspace', { appPath: '../outside/victim/app1' }, /app path/],
    ['an app path of another model', { appPath: 'generated/apps/other/app3' }, /app path/],
    ['an app path of another number', { appPath: 'generated/apps/openai_gpt-4o/app4' }, /app path/],
    ['an app path into .appgen', { appPath: '.appgen/openai_gpt-4o/app3' }, /app path/],
    ['an app path not in normal form', { appPath: 'generated/./apps/openai_gpt-4o/app3' }, /app path/],
    ['an absolute app path', { appPath: '/tmp/openai_gpt-4o/app3' }, /app path/],
    ['app number 0', { appNum: 0, appPath: 'generated/apps/openai_gpt-4o/app0' }, /app number 0/],
    ['a job id that names a path', { id: '../j' }, /id "\.\.\/j" cannot name a file/],
  ] as const) {
    it(`refuses ${what}`, () => {
      assert.match(storedJobPlaceProblem({ ...ROW, ...patch }) ?? '', pattern);
    });
  }
});
