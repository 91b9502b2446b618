import { type TSchema, Type } from '@sinclair/typebox';

/** Schemas shared by several resources. */

export const Id = (description: string) =>
  Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', description });

export const IdParams = (what: string) =>
  Type.Object({ id: Id(`the ${what} id`) }, { additionalProperties: false });

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);

export const PageQuery = {
  limit: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'page size (1 to 200, default 50)' }),
  ),
  cursor: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'the `next` cursor of the previous page; opaque, refused with 400 invalid_cursor if altered',
    }),
  ),
};

/** A cursor-paged list: `next` is null on the last page. */
export const PageOf = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      next: Type.Union([Type.String(), Type.Null()], { description: 'cursor for the next page, or null' }),
    },
    { description },
  );

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'stable machine-readable code, e.g. not_found, admin_required' }),
    error_description: Type.String(),
    fields: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { description: 'Every error has this shape.' },
);

export const Empty = null;
