import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// `pulumi preview --policy-pack policy` / `pulumi up --policy-pack policy` from the project root (see README.md).
new PolicyPack("first-party-proxy", {
    description: "Guardrails for first-party-proxy stacks: TLS, Host handling, caching and DNS rules the vendors and CDNs rely on.",
    enforcementLevel: "mandatory",
    policies,
});
