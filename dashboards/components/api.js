// The replywatch API from a page served by `replywatch serve` (same origin): the API key kept in
// localStorage, JSON requests with the Bearer header, and a Server-Sent Events reader over fetch()
// (EventSource cannot send an Authorization header).

export const KEY_STORAGE = "replywatch.apiKey";

export function storedKey() {
  try {
    return globalThis.localStorage?.getItem(KEY_STORAGE) || null;
  } catch {
    return null; // storage disabled (private mode, file://): behave as if no key were stored
  }
}

export function storeKey(key) {
  try {
    globalThis.localStorage?.setItem(KEY_STORAGE, key);
  } catch {
    // The key then lasts as long as the page.
  }
}

export function forgetKey() {
  try {
    globalThis.localStorage?.removeItem(KEY_STORAGE);
  } catch {
    // Nothing stored.
  }
}

/**
 * Why a request failed: "unreachable" (network error, or an answer that is not the API's JSON, e.g. a
 * static server's 404 page), "unauthorized" (401), "forbidden" (403), "not_found" (404 from the
 * API), "http" (any other error the API reported).
 */
export class ApiError extends Error {
  constructor(kind, status, message) {
    super(message);
    this.name = "ApiError";
    this.kind = kind;
    this.status = status;
  }
}

const KINDS = {401: "unauthorized", 403: "forbidden", 404: "not_found"};

/** A JSON request to the API; resolves to the body, or rejects with an ApiError (or an AbortError). */
export async function api(path, {key = null, method = "GET", body, signal} = {}) {
  let response;
  try {
    const headers = {accept: "application/json"};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: "no-store"});
  } catch (error) {
    if (error?.name === "AbortError") throw error;
    throw new ApiError("unreachable", 0, "network error");
  }
  const isJson = (response.headers.get("content-type") ?? "").includes("application/json");
  // Read the body either way, so the request finishes rather than being cut off.
  const json = isJson ? await response.json().catch(() => null) : (await response.text().catch(() => ""), null);
  if (response.ok && json !== null) return json;
  if (!isJson || json === null) {
    // Not the API answering (a static host, a proxy's error page): only a 401 means the same anywhere.
    if (response.status === 401) throw new ApiError("unauthorized", 401, "the API key was not accepted");
    throw new ApiError("unreachable", response.status, `HTTP ${response.status} without the API's JSON`);
  }
  const message = json?.error?.message ?? `HTTP ${response.status}`;
  throw new ApiError(KINDS[response.status] ?? "http", response.status, message);
}

/**
 * Reads a text/event-stream body until it ends, calling onEvent(name, data) per event (data lines
 * joined with "\n"; comment lines such as heartbeats are skipped). Rejects with an AbortError when
 * the request's signal aborts.
 */
export async function readEventStream(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const dispatch = (block) => {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    if (data.length) onEvent(event, data.join("\n"));
  };
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, {stream: true});
    // Lines may end in \r\n, \n or \r; a trailing \r may be half of a \r\n still to come.
    buffer = buffer.replace(/\r\n/g, "\n").replace(/\r(?=[^\n])/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      dispatch(block);
    }
  }
  // An event cut off by the end of the stream is dropped, as EventSource does.
}
