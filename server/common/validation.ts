/** class-validator failures, as type-graphql reports them. */
export interface ValidationFailure {
  property: string;
  constraints?: Record<string, string>;
  children?: ValidationFailure[];
}

/** One entry per broken rule, with the path to the field (nested inputs included). */
export function flattenValidation(failures: ValidationFailure[], prefix: string[] = []): Array<{ field: string[]; message: string }> {
  return failures.flatMap((failure) => {
    // Array items are reported by index: keep it in the path.
    const field = [...prefix, failure.property];
    const own = Object.values(failure.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidation(failure.children ?? [], field)];
  });
}

/** The failures of a type-graphql ArgumentValidationError, or null for any other error. */
export function validationFailures(error: unknown): ValidationFailure[] | null {
  const failures = (error as { extensions?: { validationErrors?: unknown } } | null)?.extensions?.validationErrors;
  return Array.isArray(failures) ? (failures as ValidationFailure[]) : null;
}
