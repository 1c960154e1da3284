import * as assert from "assert";
import { loadEngine, UboEngine } from "../../blockers/engine";
import { sdkRequests } from "../../blockers/sdkRequests";
import { parseStackConfig, proxyRequests } from "../../components/config/load";
import { derivedPathPrefix } from "../../components/model/publicPaths";
import { buildProxySpec } from "../../components/model/proxySpec";
import { sdkSnippet } from "../../components/model/sdk";
import { ProxyOutputs } from "../../components/outputs";
import { evaluateLoader, evaluateOk, googleChecks } from "../../components/verify/google";
import { targetFromUrls, targetsFromOutputs } from "../../components/verify/targets";
import { CheckEnv, ProbeResponse } from "../../components/verify/types";
import { snapshotLists } from "../blockers/snapshotFilters";
import { zoneId } from "../cloudflare/fixtures";
import { cloudFrontRequest, runFunction, viewerRequestEvent } from "../helpers/cloudFrontEdge";
import { awsStack, cloudflareStack, configProblems } from "../helpers/config";
import { ofType, planConfig, planRefused } from "../helpers/plan";
import { planProgram } from "../../components/plan/mockPlan";
import { renderMermaid } from "../../components/plan/renderMermaid";
import { cloudFrontSiteRoutes } from "../../index";
import * as aws from "@pulumi/aws";

const gateway = { vendor: "google", domain: "www.example.com", tagId: "G-ABC123XYZ9", measurementPath: "/k7q2m9" };

function specOf(proxy: Record<string, unknown>, stack = "dev") {
    const { config } = parseStackConfig(awsStack([proxy]));
    return buildProxySpec(proxyRequests(config, stack)[0]);
}

const gatewayType = "cloudflare:index/googleTagGateway:GoogleTagGateway";

describe("Google tag gateway preset (Set up Google tag gateway for advertisers, manual setup)", () => {
    it("routes <measurementPath>/* to <tag id>.fps.goog with its own Host and the path unchanged, the rest 404 at the edge", () => {
        const spec = specOf(gateway);
        const [site] = spec.sites;
        assert.deepStrictEqual(site.origins, [
            { id: "gateway", domain: "g-abc123xyz9.fps.goog", protocol: "https", host: "origin", forwardClientIp: true, clientIp: "forward", cookies: "strip" },
        ]);
        const [route, rest] = site.routes;
        assert.deepStrictEqual([route.pathPattern, route.originId, route.rewrite, route.methods, route.cache, route.viewerGeo], ["/k7q2m9/*", "gateway", undefined, "all", { mode: "disabled" }, "forwardedHeaders"]);
        assert.deepStrictEqual([rest.pathPattern, rest.answer, rest.viewerGeo], ["*", "notFound", undefined]);
        assert.deepStrictEqual(spec.googleTagGateway, { measurementId: "G-ABC123XYZ9", endpoint: "/k7q2m9", setUpTag: false });
        assert.deepStrictEqual(spec.sdk, { vendor: "google", tagId: "G-ABC123XYZ9", scriptSrc: "https://www.example.com/k7q2m9/?id=G-ABC123XYZ9", measurementPath: "/k7q2m9" });
        assert.ok(spec.todo?.some((t) => t.includes("https://www.example.com/k7q2m9/healthy")));
    });

    it("derives a measurement path of six letters and digits from the stack and proxy name when none is given", () => {
        const { measurementPath, ...withoutPath } = gateway;
        void measurementPath;
        const spec = specOf(withoutPath, "prod");
        assert.strictEqual(spec.googleTagGateway?.endpoint, derivedPathPrefix("prod", spec.name));
        assert.match(spec.googleTagGateway!.endpoint, /^\/[a-z][a-z0-9]{5}$/);
        assert.strictEqual(spec.sites[0].routes[0].pathPattern, `${spec.googleTagGateway!.endpoint}/*`);
    });

    it("gives the gtag.js snippet for a Google tag, Tag Manager's for a container, both loading from the gateway", () => {
        const gtag = sdkSnippet(specOf(gateway).sdk);
        assert.match(gtag, /<script async src="https:\/\/www\.example\.com\/k7q2m9\/\?id=G-ABC123XYZ9"><\/script>/);
        assert.match(gtag, /gtag\('config', 'G-ABC123XYZ9'\);/);
        const gtm = sdkSnippet(specOf({ ...gateway, tagId: "GTM-P2F3N47Q" }).sdk);
        assert.match(gtm, /'https:\/\/www\.example\.com\/k7q2m9\/\?id='\+i\+dl/);
        assert.match(gtm, /'dataLayer','GTM-P2F3N47Q'\)/);
        assert.doesNotMatch(gtag + gtm, /googletagmanager\.com/);
    });
});

describe("Google tag gateway config", () => {
    it("refuses a tag ID that is not one, naming the key and what is allowed", () => {
        const problems = configProblems(awsStack([{ ...gateway, tagId: "UA-12345-1" }]));
        assert.deepStrictEqual(problems.length, 1);
        assert.match(problems[0], /^first-party-proxy:proxies\[0\]\.tagId: tagId must be a Google tag ID \(G-, GT-, AW- or DC-.*GTM-XXXXXXX\) \(got "UA-12345-1"\)$/);
        assert.deepStrictEqual(configProblems(awsStack([{ ...gateway, tagId: "AW-123456789" }])), []);
    });

    it("takes a measurement path of one segment of letters and digits that no default list blocks", () => {
        const nested = configProblems(awsStack([{ ...gateway, measurementPath: "/a/b" }]));
        assert.match(nested.join("\n"), /proxies\[0\]\.measurementPath: measurementPath must be one path segment of 1-32 letters and digits/);
        assert.match(configProblems(awsStack([{ ...gateway, measurementPath: "/k7-q2" }])).join("\n"), /one path segment of 1-32 letters and digits/);
        const blocked = configProblems(awsStack([{ ...gateway, measurementPath: "/acecounter" }]));
        assert.match(blocked.join("\n"), /proxies\[0\]\.measurementPath: measurementPath \/acecounter is a path segment uBlock Origin's default lists block on any hostname \(easyprivacy: \/acecounter\/\*\)/);
        assert.match(configProblems(awsStack([{ ...gateway, paths: "vendor" }])).join("\n"), /proxies\[0\]\.paths: unknown key/);
    });

    it("allows setUpTag and clientIp drop on Cloudflare only, and one gateway per Cloudflare zone", () => {
        assert.deepStrictEqual(configProblems(cloudflareStack([{ ...gateway, setUpTag: true, clientIp: "drop" }])), []);
        assert.deepStrictEqual(configProblems(cloudflareStack([{ ...gateway, clientIp: "drop" }], "pageRule")), []);
        assert.match(configProblems(awsStack([{ ...gateway, setUpTag: true }])).join("\n"), /proxies\[0\]\.setUpTag: setUpTag is Cloudflare's .* not available with provider aws/);
        assert.match(configProblems(awsStack([{ ...gateway, clientIp: "drop" }])).join("\n"), /proxies\[0\]\.clientIp: clientIp: drop is not available with provider aws/);
        assert.match(
            configProblems(cloudflareStack([{ ...gateway, clientIp: "anonymize" }])).join("\n"),
            /proxies\[0\]\.clientIp: clientIp: anonymize is not available for Google tag gateway on Cloudflare: .*hideOriginalIp/,
        );
        const two = configProblems(cloudflareStack([gateway, { ...gateway, name: "shop", domain: "shop.example.com", tagId: "G-OTHER12345" }]));
        assert.deepStrictEqual(two.length, 1);
        assert.match(two[0], /^first-party-proxy:proxies\[1\]\.vendor: a Cloudflare zone has one Google tag gateway setting, already set by proxies\[0\]/);
        // CloudFront routes each hostname itself: two gateways are two distributions.
        assert.deepStrictEqual(configProblems(awsStack([gateway, { ...gateway, name: "shop", domain: "shop.example.com" }])), []);
    });

    it("needs no Cloudflare account id for a stack of gateways only (no Worker)", () => {
        const stack = cloudflareStack([gateway]);
        assert.deepStrictEqual(configProblems({ ...stack, cloudflare: { mode: "worker" } }), []);
    });
});

describe("Google tag gateway on CloudFront (plan)", function () {
    this.timeout(30_000);

    it("routes the measurement path to the tag's fps.goog origin with the geolocation function, everything else to the 404 function", async () => {
        const plan = await planConfig(awsStack([gateway]));
        const [distribution] = ofType(plan, "aws:cloudfront/distribution:Distribution");
        const inputs = distribution.inputs as any;
        assert.deepStrictEqual(inputs.aliases, ["www.example.com"]);
        assert.deepStrictEqual(
            inputs.origins.map((o: any) => [o.originId, o.domainName, o.customOriginConfig.originProtocolPolicy]),
            [["gateway", "g-abc123xyz9.fps.goog", "https-only"]],
        );
        const [behaviour] = inputs.orderedCacheBehaviors;
        assert.strictEqual(behaviour.pathPattern, "/k7q2m9/*");
        assert.strictEqual(behaviour.cachePolicyId, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad");
        // The custom origin request policy: the viewer's location headers and the browser's, never Host or cookies.
        const policy = ofType(plan, "aws:cloudfront/originRequestPolicy:OriginRequestPolicy").find((p) => plan.resources.some((r) => r.id === behaviour.originRequestPolicyId && r === p));
        assert.ok(policy, "the behaviour's origin request policy is planned");
        const policyInputs = policy.inputs as any;
        assert.deepStrictEqual(policyInputs.cookiesConfig.cookieBehavior, "none");
        assert.deepStrictEqual(
            [...policyInputs.headersConfig.headers.items].sort(),
            ["Accept-Language", "CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region", "Origin", "User-Agent", "X-Forwarded-Country", "X-Forwarded-CountryRegion", "X-Forwarded-Region"],
        );
        assert.strictEqual(policyInputs.queryStringsConfig.queryStringBehavior, "all");
        // Executed as CloudFront runs them: the path and query reach Google unchanged, anything else is the edge's 404.
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/k7q2m9/healthy", ""), "g-abc123xyz9.fps.goog/k7q2m9/healthy");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/k7q2m9/", "?id=G-ABC123XYZ9"), "g-abc123xyz9.fps.goog/k7q2m9/?id=G-ABC123XYZ9");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/k7q2m9/g/collect", "?v=2&tid=G-ABC123XYZ9"), "g-abc123xyz9.fps.goog/k7q2m9/g/collect?v=2&tid=G-ABC123XYZ9");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/gtag/js", "?id=G-ABC123XYZ9"), "404");
        assert.deepStrictEqual(ofType(plan, gatewayType), []);
    });

    it("sets X-Forwarded-Country, -Region and -CountryRegion from CloudFront's viewer headers, dropping the viewer's own copies", async () => {
        const plan = await planConfig(awsStack([gateway]));
        const [distribution] = ofType(plan, "aws:cloudfront/distribution:Distribution");
        const arn = (distribution.inputs as any).orderedCacheBehaviors[0].functionAssociations[0].functionArn;
        const fn = ofType(plan, "aws:cloudfront/function:Function").find((f) => (f.inputs as any).name === String(arn).split("/").pop())!;
        const code = (fn.inputs as any).code as string;
        const event = viewerRequestEvent("/k7q2m9/g/collect", "v=2", "www.example.com") as any;
        event.request.headers["cloudfront-viewer-country"] = { value: "US" };
        event.request.headers["cloudfront-viewer-country-region"] = { value: "CA" };
        event.request.headers["x-forwarded-country"] = { value: "FR" };
        // Out of the function's own realm, so that deepStrictEqual compares plain objects.
        const run = (e: unknown) => JSON.parse(JSON.stringify(runFunction(code, e as ReturnType<typeof viewerRequestEvent>)));
        const out = run(event);
        assert.strictEqual(out.uri, "/k7q2m9/g/collect");
        assert.deepStrictEqual(
            [out.headers["x-forwarded-country"], out.headers["x-forwarded-region"], out.headers["x-forwarded-countryregion"]],
            [{ value: "US" }, { value: "CA" }, { value: "US-CA" }],
        );
        // No location known (CloudFront could not place the address): nothing the viewer claims gets through.
        const unknown = viewerRequestEvent("/k7q2m9/", "", "www.example.com") as any;
        unknown.request.headers["x-forwarded-countryregion"] = { value: "FR-75" };
        const bare = run(unknown);
        assert.deepStrictEqual(["x-forwarded-country", "x-forwarded-region", "x-forwarded-countryregion"].map((h) => bare.headers[h]), [undefined, undefined, undefined]);
        const countryOnly = viewerRequestEvent("/k7q2m9/", "", "www.example.com") as any;
        countryOnly.request.headers["cloudfront-viewer-country"] = { value: "DE" };
        assert.deepStrictEqual(run(countryOnly).headers["x-forwarded-countryregion"], { value: "DE" });
        assert.doesNotMatch(code, /headers\s*\[\s*["']host["']\]/);
    });
});

describe("Google tag gateway in the site's own CloudFront distribution (cloudFrontSiteRoutes)", function () {
    this.timeout(30_000);

    it("spreads the measurement path's behaviour and geolocation function into the user's distribution; the rest stays the site's", async () => {
        const plan = await planProgram({ "aws:region": "eu-west-1" }, () => {
            const gtg = cloudFrontSiteRoutes("gtg", { vendor: "google", domain: "www.example.com", tagId: "GTM-P2F3N47Q", measurementPath: "/k7q2m9" });
            new aws.cloudfront.Distribution("site", {
                enabled: true,
                aliases: ["www.example.com"],
                origins: [{ originId: "site", domainName: "site.s3.eu-west-1.amazonaws.com" }, ...gtg.origins],
                orderedCacheBehaviors: gtg.orderedCacheBehaviors,
                defaultCacheBehavior: { targetOriginId: "site", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"], cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6" },
                restrictions: { geoRestriction: { restrictionType: "none" } },
                viewerCertificate: { cloudfrontDefaultCertificate: true },
            });
            return { sdk: gtg.sdk, pathPrefix: gtg.pathPrefix };
        }, { project: "site", stack: "dev" });
        const [distribution] = ofType(plan, "aws:cloudfront/distribution:Distribution");
        const inputs = distribution.inputs as any;
        assert.deepStrictEqual(inputs.orderedCacheBehaviors.map((b: any) => [b.pathPattern, b.targetOriginId]), [["/k7q2m9/*", "gtg-gateway"]]);
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/k7q2m9/", "?id=GTM-P2F3N47Q"), "gtm-p2f3n47q.fps.goog/k7q2m9/?id=GTM-P2F3N47Q");
        assert.strictEqual(cloudFrontRequest(plan, distribution, "/about/", ""), "site.s3.eu-west-1.amazonaws.com/about/");
        assert.deepStrictEqual((plan.outputs as any).sdk.scriptSrc, "https://www.example.com/k7q2m9/?id=GTM-P2F3N47Q");
        const fn = ofType(plan, "aws:cloudfront/function:Function")[0];
        assert.match((fn.inputs as any).code, /x-forwarded-countryregion/);
    });
});

describe("Google tag gateway on Cloudflare (plan): the zone's own setting, no Worker", function () {
    this.timeout(30_000);

    it("registers cloudflare.GoogleTagGateway for the zone with the measurement ID, endpoint and hideOriginalIp, under its component", async () => {
        const plan = await planConfig(cloudflareStack([{ ...gateway, clientIp: "drop", setUpTag: true }]));
        const [setting] = ofType(plan, gatewayType);
        assert.deepStrictEqual(setting.inputs, { zoneId, enabled: true, endpoint: "/k7q2m9", measurementId: "G-ABC123XYZ9", hideOriginalIp: true, setUpTag: true });
        assert.match(setting.urn, /first-party-proxy:cloudflare:GoogleTagGatewayProxy\$cloudflare:index\/googleTagGateway:GoogleTagGateway::/);
        for (const type of ["cloudflare:index/workersScript:WorkersScript", "cloudflare:index/workersRoute:WorkersRoute", "cloudflare:index/dnsRecord:DnsRecord", "cloudflare:index/ruleset:Ruleset"]) {
            assert.deepStrictEqual(ofType(plan, type), [], type);
        }
        const outputs = (plan.outputs.proxies as Record<string, ProxyOutputs>)[Object.keys(plan.outputs.proxies as object)[0]];
        assert.strictEqual(outputs.cdn, "cloudflare-google-tag-gateway");
        assert.ok(outputs.notes.some((n) => /every proxied hostname of the zone, www\.example\.com included/.test(n)));
        assert.ok(outputs.notes.some((n) => /remove your own copy of the snippet/.test(n)));
        // The plan's diagram shows the zone setting's one route.
        const mermaid = renderMermaid(plan);
        assert.match(mermaid, /Google tag gateway<br\/>zone setting/);
        assert.match(mermaid, /\/k7q2m9\/\*<br\/>visitor IP hidden/);
        assert.match(mermaid, /\("https:\/\/g-abc123xyz9\.fps\.goog"\)/);
    });

    it("sends Google the visitor's address by default (hideOriginalIp false, setUpTag false), beside Worker proxies of the same zone", async () => {
        const plan = await planConfig(cloudflareStack([gateway, { vendor: "posthog", domain: "e.example.com" }]));
        const [setting] = ofType(plan, gatewayType);
        assert.deepStrictEqual([(setting.inputs as any).hideOriginalIp, (setting.inputs as any).setUpTag], [false, false]);
        assert.strictEqual(ofType(plan, "cloudflare:index/workersScript:WorkersScript").length, 1);
    });

    it("refuses a second gateway in the zone before anything is registered", async () => {
        const { error, registered } = await planRefused(cloudflareStack([gateway, { ...gateway, name: "other", domain: "shop.example.com" }]));
        assert.match(error.message, /proxies\[1\]\.vendor: a Cloudflare zone has one Google tag gateway setting/);
        assert.strictEqual(registered, 0);
    });
});

describe("Google tag gateway: one config, the same gateway on both CDNs", function () {
    this.timeout(30_000);

    it("CloudFront's route and Cloudflare's zone setting name the same path, tag and endpoint", async () => {
        for (const proxy of [gateway, { ...gateway, tagId: "GTM-P2F3N47Q", measurementPath: "/m3tr1c5" }]) {
            const [aws, cf] = await Promise.all([planConfig(awsStack([proxy])), planConfig(cloudflareStack([proxy]))]);
            const [distribution] = ofType(aws, "aws:cloudfront/distribution:Distribution");
            const behaviour = (distribution.inputs as any).orderedCacheBehaviors[0];
            const origin = (distribution.inputs as any).origins.find((o: any) => o.originId === behaviour.targetOriginId);
            const setting = ofType(cf, gatewayType)[0].inputs as any;
            assert.strictEqual(behaviour.pathPattern, `${setting.endpoint}/*`);
            assert.strictEqual(origin.domainName, `${setting.measurementId.toLowerCase()}.fps.goog`);
            // What the page loads is the same on both: the outputs' SDK settings do not depend on the CDN.
            const sdkOf = (plan: typeof aws) => Object.values(plan.outputs.proxies as Record<string, ProxyOutputs>)[0].sdk;
            assert.deepStrictEqual(sdkOf(aws), sdkOf(cf));
        }
    });
});

describe("verify: Google tag gateway", () => {
    const target = { name: "gtg", vendor: "google", region: "us", cdn: "cloudfront", host: "www.example.com", measurementPath: "/k7q2m9", tagId: "G-ABC123XYZ9" } as const;
    const env: CheckEnv = { target, cdn: "cloudfront", responsesFrom: () => [] };
    const answer = (url: string, status: number, headers: Record<string, string>, body = ""): ProbeResponse => ({ request: { method: "GET", url }, status, headers, body });

    it("reads the measurement path and tag from the outputs, or the path from --url", () => {
        const { targets } = targetsFromOutputs({
            proxies: { gtg: { vendor: "google", cdn: "cloudfront", sdk: { tagId: "G-ABC123XYZ9", scriptSrc: "https://www.example.com/k7q2m9/?id=G-ABC123XYZ9", measurementPath: "/k7q2m9" } } },
        });
        assert.deepStrictEqual(targets, [target]);
        assert.deepStrictEqual(targetFromUrls({ vendor: "google", url: "https://www.example.com/metrics" }), {
            name: "google (www.example.com)",
            vendor: "google",
            region: "us",
            cdn: "unknown",
            host: "www.example.com",
            measurementPath: "/metrics",
        });
        assert.throws(() => targetFromUrls({ vendor: "google", url: "https://www.example.com" }), /--url https:\/\/<host>\/<measurement path>/);
    });

    it("asks Google's health check, its geolocation check and the loader", () => {
        const checks = googleChecks(target);
        assert.deepStrictEqual(
            checks.map((c) => c.requests.map((r) => r.url)),
            [
                ["http://www.example.com/k7q2m9/healthy"],
                ["https://www.example.com/k7q2m9/healthy"],
                ["https://www.example.com/k7q2m9/?validate_geo=healthy"],
                ["https://www.example.com/k7q2m9/?id=G-ABC123XYZ9"],
            ],
        );
    });

    it("passes ok bodies, fails anything else with the route or geolocation fix for the CDN", () => {
        assert.ok(evaluateOk(answer("https://www.example.com/k7q2m9/healthy", 200, { "content-type": "text/plain" }, "ok\n"), env, "route").ok);
        const missing = evaluateOk(answer("https://www.example.com/k7q2m9/healthy", 404, { "content-type": "text/plain", "x-goog-hash": "1" }, "Not Found"), env, "route");
        assert.ok(!missing.ok);
        assert.match(missing.fix, /Route <measurement path>\/\* to <TAG_ID>\.fps\.goog/);
        const noGeo = evaluateOk(answer("https://www.example.com/k7q2m9/?validate_geo=healthy", 200, { "content-type": "text/plain", "x-goog-hash": "1" }, "geo headers missing"), env, "geo");
        assert.ok(!noGeo.ok);
        assert.match(noGeo.fix, /CloudFront-Viewer-Country-Region/);
        const onCloudflare = evaluateOk(answer("https://www.example.com/k7q2m9/healthy", 404, { "content-type": "text/html", "x-goog-hash": "1" }, "<html>"), { ...env, cdn: "cloudflare" }, "route");
        assert.match(onCloudflare.fix, /zone's Google tag gateway/);
        assert.ok(evaluateLoader(answer("https://www.example.com/k7q2m9/?id=G-ABC123XYZ9", 200, { "content-type": "application/javascript; charset=UTF-8" }, "(function(){})"), env).ok);
        assert.ok(!evaluateLoader(answer("https://www.example.com/k7q2m9/?id=G-ABC123XYZ9", 200, { "content-type": "text/html", "x-goog-hash": "1" }, "<html>"), env).ok);
    });
});

describe("Google tag gateway and uBlock Origin's default lists (snapshot lines)", () => {
    let engine: UboEngine;
    before(async () => {
        engine = await loadEngine(snapshotLists());
    });

    it("the loader passes on the measurement path; Google's own loader paths and GA4 hits are blocked on any host", () => {
        const [loader, hit] = sdkRequests(specOf(gateway).sdk);
        const page = "https://www.example.com/";
        assert.deepStrictEqual(engine.match(page, loader.url, loader.type), { blocked: false });
        assert.strictEqual(hit.url, "https://www.example.com/k7q2m9/g/collect?v=2&tid=G-ABC123XYZ9&en=page_view");
        const verdict = (url: string, type: Parameters<UboEngine["match"]>[2]) => {
            const { blocked, filter } = engine.match(page, url, type);
            return { blocked, filter };
        };
        assert.deepStrictEqual(verdict(hit.url, hit.type), { blocked: true, filter: "/collect?v=" });
        assert.deepStrictEqual(verdict("https://www.example.com/k7q2m9/gtag/js?id=G-ABC123XYZ9", "script"), { blocked: true, filter: "/gtag/js?" });
    });
});
