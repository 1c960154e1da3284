import { createHash } from "crypto";

/* The keys of the shared CloudFront resources (see shared.ts): pure, so that config validation can use them. */

/** The kinds of shared resource, as the prefixes of their keys. */
export const sharedKinds = ["cache", "origin-request", "response-headers"] as const;
export type SharedKind = (typeof sharedKinds)[number];

/** A shared resource's key: its kind and the first 8 hex digits of the SHA-256 of its canonical content. */
export const sharedKeyPattern = /^(cache|origin-request|response-headers)-[0-9a-f]{8}$/;

/** JSON with sorted object keys, so that the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_, v) =>
        v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
    );
}

/** The key of the shared resource of `kind` with `content` (any JSON value). */
export function sharedKey(kind: SharedKind, content: unknown): string {
    const text = typeof content === "string" ? content : canonicalJson(content);
    return `${kind}-${createHash("sha256").update(text).digest("hex").slice(0, 8)}`;
}

