import assert from "node:assert/strict";
import { Site } from "../../../components/model/types";
import { useProxyWorker } from "./proxyWorker";
import { vendorSite } from "./sites";

/** A path on the site, the upstream host it must reach, and whether that upstream gets the client's IP. */
type Expectation = readonly [path: string, host: string, clientIp: boolean];

interface SiteCase {
    readonly title: string;
    readonly site: Site;
    readonly paths: readonly Expectation[];
}

const segmentCdnPaths = (apiHost: string): Expectation[] => [
    ["/analytics.js/v1/WRITEKEY/analytics.min.js", "cdn.segment.com", false],
    ["/v1/projects/WRITEKEY/settings", "cdn.segment.com", false],
    ["/next-integrations/actions/amplitude-plugins/0123abcd.js", "cdn.segment.com", false],
    ["/analytics-next/bundles/ajs-destination.bundle.0123abcd.js", "cdn.segment.com", false],
    ["/v1/t", apiHost, true],
    ["/v1/p", apiHost, true],
    ["/v1/batch?retry=1", apiHost, true],
    ["/", apiHost, true],
];

const posthogPaths = (region: string): Expectation[] => [
    ["/static/array.js", `${region}-assets.i.posthog.com`, false],
    ["/static/recorder.js?v=1.200.0", `${region}-assets.i.posthog.com`, false],
    ["/array/phc_KEY/config.js", `${region}-assets.i.posthog.com`, false],
    ["/array/phc_KEY/config", `${region}-assets.i.posthog.com`, false],
    ["/e/?ip=1&_=1700000000000&ver=1.200.0", `${region}.i.posthog.com`, true],
    ["/decide/?v=3", `${region}.i.posthog.com`, true],
    ["/flags/?v=2", `${region}.i.posthog.com`, true],
    ["/s/", `${region}.i.posthog.com`, true],
    ["/static", `${region}.i.posthog.com`, true],
    ["/", `${region}.i.posthog.com`, true],
];

const amplitudePaths = (track: string, config: string): Expectation[] => [
    ["/sessions/v2/track", track, true],
    ["/sessions/v2/track?device_id=d&session_id=1", track, true],
    ["/config?api_key=KEY&config_keys=sessionReplay", config, true],
    ["/config/v1/remote", config, true],
    ["/", track, true],
];

const cases: SiteCase[] = [
    { title: "Segment single host, US", site: vendorSite("segment", "us", "seg.example.com"), paths: segmentCdnPaths("api.segment.io") },
    {
        title: "Segment single host, EU",
        site: vendorSite("segment", "eu", "seg.example.com"),
        paths: segmentCdnPaths("events.eu1.segmentapis.com"),
    },
    ...(["us", "eu"] as const).flatMap((region) => [
        {
            title: `Segment split CDN site, ${region.toUpperCase()}`,
            site: vendorSite("segment", region, "cdn.example.com", "split", "cdn"),
            paths: segmentCdnPaths("cdn.segment.com").map(([path]): Expectation => [path, "cdn.segment.com", false]),
        },
        {
            title: `Segment split API site, ${region.toUpperCase()}`,
            site: vendorSite("segment", region, "api.example.com", "split", "api"),
            paths: segmentCdnPaths("").map(([path]): Expectation => [
                path,
                region === "us" ? "api.segment.io" : "events.eu1.segmentapis.com",
                true,
            ]),
        },
    ]),
    { title: "PostHog, US", site: vendorSite("posthog", "us", "e.example.com"), paths: posthogPaths("us") },
    { title: "PostHog, EU", site: vendorSite("posthog", "eu", "e.example.com"), paths: posthogPaths("eu") },
    {
        title: "Amplitude Session Replay, US",
        site: vendorSite("amplitude", "us", "sr.example.com"),
        paths: amplitudePaths("api-sr.amplitude.com", "sr-client-cfg.amplitude.com"),
    },
    {
        title: "Amplitude Session Replay, EU",
        site: vendorSite("amplitude", "eu", "sr.example.com"),
        paths: amplitudePaths("api-sr.eu.amplitude.com", "sr-client-cfg.eu.amplitude.com"),
    },
];

// What a browser request looks like once Cloudflare's edge has handed it to the Worker.
const viewerHeaders = {
    "cf-connecting-ip": "203.0.113.7",
    "cf-ray": "8a1b2c3d4e5f6789-AMS",
    "cf-ipcountry": "NL",
    "cf-visitor": '{"scheme":"https"}',
    "cdn-loop": "cloudflare",
    "x-forwarded-for": "198.51.100.9",
    "x-forwarded-proto": "https",
    "x-forwarded-host": "evil.example",
    "x-real-ip": "198.51.100.9",
    cookie: "session=site-secret; theme=dark",
    authorization: "Bearer vendor-token",
    "x-vendor-sdk": "kept",
};

for (const { title, site, paths } of cases) {
    describe(`Worker routing: ${title}`, () => {
        const get = useProxyWorker(site);

        for (const [path, host, clientIp] of paths) {
            it(`${path} goes to ${host} with its own Host, path and query`, async () => {
                const { origin, worker } = get();
                const response = await worker.fetch(path, { headers: viewerHeaders });
                assert.equal(response.status, 200);
                assert.equal(await response.text(), `${host} ${path}`);
                assert.equal(origin.requests.length, 1);
                const [seen] = origin.requests;
                assert.equal(seen.host, host);
                assert.equal(seen.url, path);
                assert.equal(seen.method, "GET");
                assert.equal(seen.headers["x-forwarded-for"], clientIp ? "203.0.113.7" : undefined);
            });
        }

        it("strips cookies and Cloudflare's own and forwarding headers, keeps the rest", async () => {
            const { origin, worker } = get();
            await worker.fetch(paths[0][0], { headers: viewerHeaders });
            const [seen] = origin.requests;
            const names = Object.keys(seen.headers);
            assert.deepEqual(names.filter((n) => n.startsWith("cf-")), []);
            for (const name of ["cookie", "cdn-loop", "x-real-ip", "x-forwarded-proto", "x-forwarded-host"]) {
                assert.equal(seen.headers[name], undefined, name);
            }
            assert.equal(seen.headers.authorization, "Bearer vendor-token");
            assert.equal(seen.headers["x-vendor-sdk"], "kept");
        });

        it("keeps method, query string and body on the default route", async () => {
            const { origin, worker } = get();
            const body = JSON.stringify({ batch: [{ event: "$pageview", properties: { n: 1 } }] });
            const response = await worker.fetch("/?compression=none&v=2", { method: "PUT", body });
            assert.equal(response.status, 200);
            const [seen] = origin.requests;
            assert.equal(seen.method, "PUT");
            assert.equal(seen.url, "/?compression=none&v=2");
            assert.equal(seen.bodyBytes, Buffer.byteLength(body));
        });

        it("reads path and query from the request URL as URL does: encoded characters kept, a lone ? dropped", async () => {
            const { origin, worker } = get();
            for (const [sent, upstream] of [
                ["/e/?", "/e/"],
                ["/e/?a=%20b&c=d?e", "/e/?a=%20b&c=d?e"],
                ["/static/a%20b.js?v=1", "/static/a%20b.js?v=1"],
                ["/e/ümlaut?q=ü", "/e/%C3%BCmlaut?q=%C3%BC"],
            ]) {
                origin.reset();
                const response = await worker.fetch(sent);
                assert.equal(response.status, 200, sent);
                assert.equal(origin.requests[0].url, upstream, sent);
            }
        });
    });
}
