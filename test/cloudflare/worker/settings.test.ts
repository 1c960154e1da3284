import assert from "node:assert/strict";
import { workerSettings } from "../../../components/cloudflare/worker/settings";
import { Site } from "../../../components/model/types";
import { cookieForwardingSite, vendorSite } from "./sites";

describe("workerSettings", () => {
    it("turns PostHog's site into the Worker's routes, in order, default last", () => {
        assert.deepEqual(workerSettings(vendorSite("posthog", "eu", "e.example.com")), {
            hostname: "e.example.com",
            origins: {
                main: { baseUrl: "https://eu.i.posthog.com", forwardClientIp: true, anonymizeClientIp: false, stripCookies: true },
                assets: { baseUrl: "https://eu-assets.i.posthog.com", forwardClientIp: false, anonymizeClientIp: false, stripCookies: true },
            },
            routes: [
                {
                    pathPattern: "/static/*",
                    originId: "assets",
                    methods: ["GET", "HEAD", "OPTIONS"],
                    redirectHttp: true,
                    cors: "edgePreflight",
                    cache: "origin",
                    originTimeoutSeconds: 30,
                },
                {
                    pathPattern: "/array/*",
                    originId: "assets",
                    methods: ["GET", "HEAD", "OPTIONS"],
                    redirectHttp: true,
                    cors: "edgePreflight",
                    cache: "origin",
                    originTimeoutSeconds: 30,
                },
                {
                    pathPattern: "*",
                    originId: "main",
                    methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                    redirectHttp: true,
                    cors: "origin",
                    cache: "origin",
                    originTimeoutSeconds: 30,
                },
            ],
        });
    });

    it("keeps Amplitude's routes uncached with CORS at the edge", () => {
        const { routes } = workerSettings(vendorSite("amplitude", "us", "sr.example.com"));
        assert.deepEqual(
            routes.map((r) => [r.pathPattern, r.originId, r.cache, r.cors]),
            [
                ["/config*", "config", "disabled", "edgePreflight"],
                ["*", "track", "disabled", "edgePreflight"],
            ],
        );
    });

    it("lets Segment's CDN paths be cached by the origin's Cache-Control and leaves CORS to the origin", () => {
        const settings = workerSettings(vendorSite("segment", "us", "seg.example.com"));
        assert.deepEqual(
            settings.routes.map((r) => [r.pathPattern, r.originId, r.cache, r.cors]),
            [
                ["/analytics.js/*", "cdn", "origin", "origin"],
                ["/v1/projects/*", "cdn", "origin", "origin"],
                ["/next-integrations/*", "cdn", "origin", "origin"],
                ["/analytics-next/*", "cdn", "origin", "origin"],
                ["*", "api", "disabled", "origin"],
            ],
        );
        assert.deepEqual(settings.origins.cdn, { baseUrl: "https://cdn.segment.com", forwardClientIp: false, anonymizeClientIp: false, stripCookies: true });
    });

    it("keeps cookies and plain HTTP where the route table says so", () => {
        const settings = workerSettings(cookieForwardingSite("shop.example.com"));
        assert.deepEqual(settings.origins.acme, {
            baseUrl: "http://shop.example.com.cdn.vtex.com",
            forwardClientIp: true,
            anonymizeClientIp: false,
            stripCookies: false,
        });
        assert.equal(settings.routes[0].redirectHttp, false);
        assert.equal(settings.routes[1].redirectHttp, true);
    });

    it("is plain JSON", () => {
        const settings = workerSettings(vendorSite("posthog", "us", "e.example.com"));
        assert.deepEqual(JSON.parse(JSON.stringify(settings)), settings);
    });

    it("refuses an origin that needs the viewer's Host, which a Worker cannot send", () => {
        assert.throws(() => workerSettings(vendorSite("vtex", "us", "shop.example.com", "single", "store")), /viewer's Host.*DNS/);
    });

    it("refuses an origin domain that is not a bare hostname", () => {
        const site = vendorSite("posthog", "us", "e.example.com");
        const bad: Site = { ...site, origins: site.origins.map((o) => (o.id === "main" ? { ...o, domain: "evil.com/x" } : o)) };
        assert.throws(() => workerSettings(bad), /"main" has domain "evil.com\/x", which is not a bare hostname/);
    });

    it("refuses a route to an origin the site does not have", () => {
        const site = vendorSite("posthog", "us", "e.example.com");
        const bad: Site = { ...site, origins: site.origins.filter((o) => o.id !== "assets") };
        assert.throws(() => workerSettings(bad), /\/static\/\* names unknown origin "assets"/);
    });
});
