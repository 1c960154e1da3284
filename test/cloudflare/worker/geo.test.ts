import * as assert from "assert";
import { addViewerGeo } from "../../../components/cloudflare/worker/edge/headers";
import { workerSettings } from "../../../components/cloudflare/worker/settings";
import { buildProxySpec } from "../../../components/model/proxySpec";
import { useProxyWorker } from "./proxyWorker";

/*
 * A route's `viewerGeo` (Google tag gateway's geolocation headers) in the Worker: the same spec CloudFront builds its
 * geolocation function from. Google tag gateway itself is Cloudflare's zone setting, not this Worker; the Worker
 * honours the route property so that no spec it is given loses it.
 */
const site = buildProxySpec({ kind: "googleTagGateway", name: "gtg", domain: "www.example.com", tagId: "G-ABC123XYZ9", measurementPath: "/k7q2m9" }).sites[0];

describe("Worker: viewerGeo routes send the viewer's location as X-Forwarded-Country(Region)", function () {
    this.timeout(30_000);
    const proxy = useProxyWorker(site);

    it("keeps viewerGeo in the SETTINGS binding only for the routes that have it", () => {
        assert.deepStrictEqual(workerSettings(site).routes.map((r) => r.viewerGeo), ["forwardedHeaders", undefined]);
    });

    it("builds the headers from request.cf, dropping the viewer's own copies (in workerd, against a recording origin)", async () => {
        const { worker, origin } = proxy();
        const response = await worker.fetch("/k7q2m9/g/collect?v=2", {
            headers: { "x-forwarded-country": "FR", "x-forwarded-countryregion": "FR-75" },
            cf: { country: "US", regionCode: "CA" },
        } as never);
        assert.strictEqual(response.status, 200);
        await response.text();
        const [received] = origin.requests;
        assert.strictEqual(received.host, "g-abc123xyz9.fps.goog");
        assert.strictEqual(received.url, "/k7q2m9/g/collect?v=2");
        assert.deepStrictEqual(
            [received.headers["x-forwarded-country"], received.headers["x-forwarded-region"], received.headers["x-forwarded-countryregion"]],
            ["US", "CA", "US-CA"],
        );
    });

    it("sends none when the location is unknown, and none on other routes", async () => {
        const { worker, origin } = proxy();
        // Empty codes (Cloudflare could not place the address); without them Miniflare fills in a location of its own.
        const response = await worker.fetch("/k7q2m9/healthy", { headers: { "x-forwarded-region": "75" }, cf: { country: "", regionCode: "" } } as never);
        await response.text();
        const [received] = origin.requests;
        assert.deepStrictEqual(Object.keys(received.headers).filter((h) => h.startsWith("x-forwarded-") && h !== "x-forwarded-for"), []);
        const outside = await worker.fetch("/gtag/js?id=G-ABC123XYZ9", { cf: { country: "US", regionCode: "CA" } } as never);
        assert.strictEqual(outside.status, 404);
        await outside.text();
        assert.strictEqual(origin.requests.length, 1);
    });

    it("addViewerGeo: a country alone, Tor's T1 and empty values", () => {
        const headers = (cf: Record<string, unknown> | undefined) => {
            const h: Record<string, string> = {};
            addViewerGeo(h, cf);
            return h;
        };
        assert.deepStrictEqual(headers({ country: "DE" }), { "x-forwarded-country": "DE", "x-forwarded-countryregion": "DE" });
        assert.deepStrictEqual(headers({ country: "T1", regionCode: "" }), {});
        assert.deepStrictEqual(headers(undefined), {});
    });
});
