/**
 * The corpus of model answers in test/fixtures/answers. Each `<case>.md` is one component's answer;
 * `<case>.expected.json` says which component (`component`), what the case is for (`about`), and
 * either the exact files the answer gives (`files`: app-relative `path`, the content's `sha256`, and
 * its `firstLine` for the reader) or the error code it fails with (`error`). `warnings` lists the
 * import warnings of an app made of the scaffold and these files alone (`code` and `file`); none when
 * absent.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorCode } from '../../shared/errors';
import type { Component } from '../../shared/job';

export const ANSWERS_DIR = join(__dirname, '..', 'fixtures', 'answers');

export interface ExpectedFile {
  path: string;
  sha256: string;
  firstLine: string;
}

export interface AnswerCase {
  name: string;
  about: string;
  component: Component;
  answer: string;
  files?: ExpectedFile[];
  error?: ErrorCode;
  warnings?: { code: string; file: string }[];
}

/** Every case of the corpus, sorted by name. */
export function answerCases(): AnswerCase[] {
  return readdirSync(ANSWERS_DIR)
    .filter((name) => name.endsWith('.expected.json'))
    .sort()
    .map((file) => answerCase(file.slice(0, -'.expected.json'.length)));
}

/** One case by name (`backend-headings`). */
export function answerCase(name: string): AnswerCase {
  const expected = JSON.parse(readFileSync(join(ANSWERS_DIR, `${name}.expected.json`), 'utf8')) as Omit<
    AnswerCase,
    'name' | 'answer'
  >;
  return { ...expected, name, answer: readFileSync(join(ANSWERS_DIR, `${name}.md`), 'utf8') };
}

/** A file's content as the corpus records it. */
export function sha256(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}
