import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

/*
 * Plausible ("Proxying Plausible through CloudFront"): a distribution whose origin is plausible.io, the script
 * (`/js/script.js` and its extensions, `/js/pa-<id>.js`) cached as Plausible's Cache-Control says, and the event API
 * (`/api/event`) never cached. Plausible counts visitors by a hash of the client's address and User-Agent, so both
 * must reach it: the client's address first in X-Forwarded-For (without it, Plausible answers 202 with
 * `x-plausible-dropped` and drops the event) and the browser's own User-Agent (CloudFront sends its own unless the
 * origin request policy forwards it).
 */

const forwarded = { mode: "custom", headers: ["Origin", "User-Agent"], queryStrings: "all" } as const;

export const plausible = {
    id: "plausible",
    displayName: "Plausible",
    source: vendorDocuments.plausibleCloudFront,
    // Plausible has one host, plausible.io (it is hosted in the EU): no region to choose; the model's default key.
    endpoints: {
        us: { main: "plausible.io" },
    },
    origins: {
        main: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        single: [
            {
                role: "main",
                routes: [
                    { ...defaultRoute, pathPattern: "/js/*", originId: "main", methods: "read", cache: { mode: "optimized" } },
                    // The event API (`/api/event`) and the rest of plausible.io, as the guide's default behaviour.
                    { ...defaultRoute, pathPattern: "*", originId: "main", forward: forwarded },
                ],
            },
        ],
    },
    // EasyPrivacy lists Plausible's script names on any host (`/script.tagged-events.js`, `/js/script.pageview-props.`,
    // `/plausible.js`): the script's src comes from our outputs, so it is served as `js/s.<extensions>.js`.
    publicRenames: [{ vendor: "/js/script.", public: "/js/s.", originId: "main", blockedBy: "EasyPrivacy: /script.tagged-events.js, /js/script.pageview-props." }],
    notes: [
        "Plausible drops events that reach it without the visitor's address in X-Forwarded-For (202 with x-plausible-dropped): verify --send-test-event checks it.",
    ],
} as const satisfies VendorPreset<"main">;
