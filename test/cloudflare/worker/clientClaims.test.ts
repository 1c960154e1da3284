import assert from "node:assert/strict";
import { useProxyWorker } from "./proxyWorker";
import { rawRequest } from "./rawHttp";
import { vendorSite } from "./sites";

// Claims a client can make about its address, the host it asked for and the method it means, in the spellings
// backends honour (underscores included: CGI-style servers read X_Forwarded_For as X-Forwarded-For).
const forged = {
    "True-Client-IP": "198.51.100.66",
    "X-Client-IP": "198.51.100.66",
    "X-Cluster-Client-IP": "198.51.100.66",
    "X-Real-IP": "198.51.100.66",
    "X_Forwarded_For": "198.51.100.66",
    "x-forwarded_for": "198.51.100.66",
    "X_Real_IP": "198.51.100.66",
    "True_Client_IP": "198.51.100.66",
    "CF_Connecting_IP": "198.51.100.66",
    "X-Forwarded-Host": "evil.example",
    "X_Forwarded_Host": "evil.example",
    "X-Host": "evil.example",
    "X-Original-Host": "evil.example",
    "X-HTTP-Method-Override": "DELETE",
    "X-HTTP-Method": "DELETE",
    "X-Method-Override": "DELETE",
    "X_HTTP_Method_Override": "DELETE",
};

describe("Worker: forged client claims never reach a vendor", () => {
    const get = useProxyWorker(vendorSite("posthog", "us", "e.example.com"), { asSiteOverHttps: true });

    it("an event POST: only CF-Connecting-IP speaks for the client, as the only X-Forwarded-For", async () => {
        const { origin, worker } = get();
        const response = await rawRequest(worker.entry, "/e/?ip=1", {
            method: "POST",
            headers: { ...forged, "CF-Connecting-IP": "203.0.113.7", "X_Vendor_Thing": "kept", "X-Vendor-SDK": "kept" },
            body: Buffer.from("{}"),
        });
        assert.equal(response.status, 200);
        const [seen] = origin.requests;
        assert.equal(seen.host, "us.i.posthog.com");
        assert.equal(seen.method, "POST");
        for (const name of Object.keys(forged)) assert.equal(seen.headers[name.toLowerCase()], undefined, name);
        assert.equal(seen.headers["x-forwarded-for"], "203.0.113.7");
        // workerd passes underscore names through as they came: only the claims among them are dropped.
        assert.equal(seen.headers["x_vendor_thing"], "kept");
        assert.equal(seen.headers["x-vendor-sdk"], "kept");
    });

    it("drops the claims on a GET to the assets host, which gets no X-Forwarded-For at all", async () => {
        const { origin, worker } = get();
        const response = await rawRequest(worker.entry, "/static/array.js", { headers: { ...forged, "CF-Connecting-IP": "203.0.113.7" } });
        assert.equal(response.status, 200);
        const [seen] = origin.requests;
        assert.equal(seen.host, "us-assets.i.posthog.com");
        for (const name of Object.keys(forged)) assert.equal(seen.headers[name.toLowerCase()], undefined, name);
        assert.equal(seen.headers["x-forwarded-for"], undefined);
    });
});
