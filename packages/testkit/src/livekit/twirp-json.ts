import type { AnyMessage, FieldInfo, JsonObject, JsonValue } from '@bufbuild/protobuf';
import { Message } from '@bufbuild/protobuf';

/**
 * A message as the Go Twirp server writes JSON replies: protojson with `UseProtoNames` and
 * `EmitUnpopulated`, i.e. proto field names, every scalar/repeated/map default present, and unset
 * singular message fields written as `null` (oneof members and proto3 `optional` fields stay out).
 */
export function toTwirpJson(message: AnyMessage): JsonObject {
  const json = message.toJson({ useProtoFieldName: true, emitDefaultValues: true }) as JsonObject;
  addUnsetMessageNulls(message, json);
  return json;
}

function addUnsetMessageNulls(message: AnyMessage, json: JsonObject): void {
  const fields = message.getType().fields.byNumber() as readonly FieldInfo[];
  for (const field of fields) {
    if (field.oneof !== undefined) {
      const selected = message[field.oneof.localName] as { case?: string; value?: unknown };
      if (selected.case === field.localName) recurse(selected.value, json[field.name]);
      continue;
    }
    const value = message[field.localName] as unknown;
    if (field.kind === 'message' && !field.repeated) {
      if (value === undefined) json[field.name] = null;
      else recurse(value, json[field.name]);
    } else if (field.kind === 'message' && Array.isArray(value)) {
      const items = json[field.name];
      value.forEach((item, i) => {
        recurse(item, Array.isArray(items) ? items[i] : undefined);
      });
    } else if (field.kind === 'map' && field.V.kind === 'message') {
      const entries = json[field.name];
      for (const [key, item] of Object.entries((value ?? {}) as Record<string, unknown>)) {
        recurse(item, isObject(entries) ? entries[key] : undefined);
      }
    }
  }
}

function recurse(value: unknown, json: JsonValue | undefined): void {
  // Well-known types (Timestamp, Struct, ...) have their own JSON shapes: leave them alone.
  if (!(value instanceof Message) || !isObject(json)) return;
  if (value.getType().typeName.startsWith('google.protobuf.')) return;
  addUnsetMessageNulls(value as AnyMessage, json);
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
