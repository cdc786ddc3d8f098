// Arrow from the data loaders, as plain rows: 64-bit integers become numbers, dates and instants
// become Date objects. apache-arrow is imported from node_modules, so the build needs no network.
import {tableFromIPC, Type} from "apache-arrow";

export async function rows(attachment) {
  const table = tableFromIPC(new Uint8Array(await attachment.arrayBuffer()));
  const kinds = table.schema.fields.map((field) => [field.name, field.type.typeId]);
  return table.toArray().map((row) => {
    const object = {};
    for (const [name, typeId] of kinds) object[name] = plain(row[name], typeId);
    return object;
  });
}

function plain(value, typeId) {
  if (value === null || value === undefined) return null;
  if (typeId === Type.Timestamp || typeId === Type.Date) return new Date(Number(value));
  if (typeof value === "bigint") return Number(value);
  if (typeId === Type.List) return Array.from(value, (item) => (typeof item === "bigint" ? Number(item) : item));
  return value;
}
