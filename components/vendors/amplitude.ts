import { Route } from "../model/types";
import { vendorDocuments } from "./documents";
import { defaultRoute, VendorPreset } from "./preset";

// Amplitude's Self-Host Session Replay guide: replay data and remote config are never cached; every viewer header but Host reaches Amplitude.
const replayRoute = {
    ...defaultRoute,
    cacheOptions: true,
    cache: { mode: "disabled" },
    forward: { mode: "allViewerExceptHost" },
    cors: { mode: "edgePreflight", securityHeaders: true },
} as const satisfies Omit<Route, "pathPattern" | "originId">;

export const amplitude = {
    id: "amplitude",
    displayName: "Amplitude Session Replay",
    source: vendorDocuments.amplitudeSelfHosting,
    endpoints: {
        us: { track: "api-sr.amplitude.com", config: "sr-client-cfg.amplitude.com" },
        eu: { track: "api-sr.eu.amplitude.com", config: "sr-client-cfg.eu.amplitude.com" },
    },
    origins: {
        track: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
        config: { protocol: "https", host: "origin", forwardClientIp: true, cookies: "strip" },
    },
    layouts: {
        single: [
            {
                role: "main",
                routes: [
                    { ...replayRoute, pathPattern: "/config*", originId: "config", methods: "read" },
                    { ...replayRoute, pathPattern: "*", originId: "track" },
                ],
            },
        ],
    },
    notes: [],
} as const satisfies VendorPreset<"track" | "config">;
