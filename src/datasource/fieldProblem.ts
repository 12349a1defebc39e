import { checkQueryModel, type QueryModelField, type QueryType } from '../../contract';

/**
 * What the shared validation (contract/validate.ts, which the backend applies too) says about
 * one field on its own, so that each field of an editor shows its own message as it is typed.
 * `context` holds what the field needs beside it (a traces search needs a service). An empty
 * value has nothing to say.
 */
export function fieldProblem(
  queryType: QueryType,
  field: QueryModelField,
  value: unknown,
  context: Record<string, unknown> = {}
): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }
  const problem = checkQueryModel(queryType, { ...context, [field]: value }).problem;
  return problem?.field === field && !problem.incomplete ? problem.message : undefined;
}
