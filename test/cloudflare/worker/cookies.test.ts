import assert from "node:assert/strict";
import { useProxyWorker } from "./proxyWorker";
import { cookieForwardingSite, vendorSite } from "./sites";

const cookie = "VtexIdclientAutCookie=eyJhbGciOi.large.auth; checkout.vtex.com=__ofid=abc";

describe("Worker cookies: an origin that takes them (VTEX's route table)", () => {
    const get = useProxyWorker(cookieForwardingSite("shop.example.com"));

    it("forwards the viewer's cookies and returns every Set-Cookie as sent", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ headers: { "set-cookie": ["a=1; Path=/; Secure", "b=2; Path=/; HttpOnly"] }, body: "store" }));
        const response = await worker.fetch("/checkout/cart", { headers: { cookie } });
        assert.equal(origin.requests[0].headers.cookie, cookie);
        assert.equal(origin.requests[0].host, "shop.example.com.cdn.vtex.com");
        assert.deepEqual(response.headers.getSetCookie(), ["a=1; Path=/; Secure", "b=2; Path=/; HttpOnly"]);
    });
});

describe("Worker cookies: vendors that don't use them", () => {
    const get = useProxyWorker(vendorSite("posthog", "eu", "e.example.com"));

    it("strips the viewer's cookies on every route", async () => {
        const { origin, worker } = get();
        for (const path of ["/e/", "/static/array.js", "/array/phc_KEY/config.js"]) {
            await worker.fetch(path, { headers: { cookie } });
        }
        assert.deepEqual(
            origin.requests.map((r) => r.headers.cookie),
            [undefined, undefined, undefined],
        );
    });

    it("adds no Set-Cookie of its own", async () => {
        const { worker } = get();
        for (const path of ["/e/", "/static/array.js"]) {
            const response = await worker.fetch(path, { headers: { cookie, origin: "https://www.shop.example" } });
            assert.deepEqual(response.headers.getSetCookie(), [], path);
        }
    });

    // Responses pass through unchanged: a vendor's own Set-Cookie is the vendor's business, not the proxy's.
    it("returns a vendor's own Set-Cookie unchanged", async () => {
        const { origin, worker } = get();
        origin.reply(() => ({ headers: { "set-cookie": "ph_test=1; Path=/; Secure" } }));
        const response = await worker.fetch("/decide/?v=3", { headers: { cookie } });
        assert.deepEqual(response.headers.getSetCookie(), ["ph_test=1; Path=/; Secure"]);
    });
});
