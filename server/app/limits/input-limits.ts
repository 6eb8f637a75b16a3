import { getMetadataStorage as validationMetadata } from 'class-validator';
import { isInputObjectType, type GraphQLSchema } from 'graphql';
import { getMetadataStorage as schemaMetadata } from 'type-graphql';

export interface InputFieldLimit {
  /** Most characters of the string, or of each string item of a list. */
  characters?: number;
  /** Most items of a list. */
  items?: number;
}

/** The class-validator constraints of one input class, by property: lengths and list sizes. */
function limitsOf(target: Function): Map<string, InputFieldLimit> {
  const limits = new Map<string, InputFieldLimit>();
  for (const rule of validationMetadata().getTargetValidationMetadatas(target, '', true, false)) {
    const limit = limits.get(rule.propertyName) ?? {};
    const [first, second] = (rule.constraints ?? []) as unknown[];
    if (rule.name === 'maxLength' && typeof first === 'number') limit.characters = first;
    if (rule.name === 'isLength' && typeof second === 'number') limit.characters = second;
    if (rule.name === 'arrayMaxSize' && typeof first === 'number') limit.items = first;
    limits.set(rule.propertyName, limit);
  }
  return limits;
}

/** Every input field's limits, by input type and field name as the schema names them. */
export function inputFieldLimits(): Map<string, Map<string, InputFieldLimit>> {
  const byType = new Map<string, Map<string, InputFieldLimit>>();
  for (const input of schemaMetadata().inputTypes) {
    const limits = limitsOf(input.target);
    byType.set(input.name, new Map((input.fields ?? []).map((field) => [field.schemaName, limits.get(field.name) ?? {}])));
  }
  return byType;
}

/** "At most 200 characters.", "At most 300 items, each at most 100 characters.", or null. */
export function describeLimit({ characters, items }: InputFieldLimit): string | null {
  if (items !== undefined) return `At most ${items} items${characters !== undefined ? `, each at most ${characters} characters` : ''}.`;
  return characters !== undefined ? `At most ${characters} characters.` : null;
}

/**
 * Writes each input field's maximum into its schema description, from the same class-validator
 * decorators that enforce it, so the documentation cannot drift from the checks.
 */
export function documentInputLimits(schema: GraphQLSchema): GraphQLSchema {
  const limits = inputFieldLimits();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const text = describeLimit(limits.get(type.name)?.get(field.name) ?? {});
      if (!text || field.description?.includes(text)) continue;
      const own = field.description?.trim();
      field.description = own ? `${own}${/[.!?)]$/.test(own) ? '' : '.'} ${text}` : text;
    }
  }
  return schema;
}
