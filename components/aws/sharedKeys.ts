import { createHash } from "crypto";

/* The keys of the shared CloudFront resources (see shared.ts): pure, so that config validation can use them. */

/** The kinds of shared resource, as the prefixes of their keys. */
export const sharedKinds = ["cache", "origin-request", "response-headers"] as const;
export type SharedKind = (typeof sharedKinds)[number];

/**
 * A shared resource's key: its kind and the first 8 hex digits of the SHA-256 of its canonical content, and from the
 * second group of distributions using that content on (see `groupKey`), the group's number.
 */
export const sharedKeyPattern = /^(cache|origin-request|response-headers)-[0-9a-f]{8}(-[2-9]|-[1-9][0-9]+)?$/;

/**
 * CloudFront associates a custom policy, and a function, with at most 100 distributions ("Distributions associated
 * with the same cache policy / origin request policy / response headers policy / function", Quotas - Amazon
 * CloudFront): the distributions using one content are taken in groups of that many, in the order they are
 * created, one copy of the resource per group.
 */
export const defaultDistributionsPerSharedResource = 100;

/** The key of the copy of the shared resource `key` that the `group`th group (from 0) uses: the first keeps `key`. */
export const groupKey = (key: string, group: number): string => (group === 0 ? key : `${key}-${group + 1}`);

/**
 * The distributions that use each shared resource, in the order they first ask for it, and so the group of each:
 * the `n`th distribution using a content is in group floor(n / size).
 */
export class SharedResourceGroups {
    private readonly members = new Map<string, Map<string, number>>();

    constructor(readonly size: number = defaultDistributionsPerSharedResource) {
        if (!Number.isInteger(size) || size < 1) throw new Error(`distributions per shared CloudFront resource must be a positive integer, not ${size}`);
    }

    /** The group `distribution` is in among the users of `key` (joining it on first ask). */
    groupOf(key: string, distribution: string): number {
        let users = this.members.get(key);
        if (!users) {
            users = new Map();
            this.members.set(key, users);
        }
        let position = users.get(distribution);
        if (position === undefined) {
            position = users.size;
            users.set(distribution, position);
        }
        return Math.floor(position / this.size);
    }
}

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

