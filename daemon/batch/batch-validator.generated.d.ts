// The types of batch-validator.generated.js (see scripts/batch-validator.mjs).
import type { ErrorObject } from 'ajv';

/** Checks a parsed batch file against shared/batch.schema.json; on false, `errors` says why. */
declare const validateBatch: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export default validateBatch;
